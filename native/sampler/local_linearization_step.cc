#include "sampler/local_linearization_step.h"
#include <omp.h>
#include <algorithm>
#include <cmath>
#include "random/noise.h"
#include "schemes/local_linearization.h"

namespace dw2 {

size_t localLinearizationBlockRows(size_t n, size_t d, bool dense, int krylovDim) {
  const size_t perRow = 8 * d + (dense ? d * d : (static_cast<size_t>(krylovDim) + 3) * d);
  const size_t budget = size_t(1) << 22;  // doubles
  return std::max<size_t>(1, std::min(n, budget / std::max<size_t>(perRow, 1)));
}

LocalLinearizationStepper::LocalLinearizationStepper(const SamplerSetup& s, bool dense, int threads)
    : s_(s), dense_(dense), ode_(s.scheme == Scheme::LocalLinearizationOde), threads_(threads) {
  const size_t d = s.d;
  const int m = std::max(1, std::min<int>(s.krylovDim, static_cast<int>(d)));
  rows_ = localLinearizationBlockRows(s.n, d, dense, m);
  for (auto* v : {&x_, &s_score_, &dsdt_, &lap_, &b_, &m_, &z_, &out_}) v->assign(rows_ * d, 0.0);
  if (dense) {
    jac_.assign(rows_ * d * d, 0.0);
    // Built in place: copying a fresh Eigen solver reads its uninitialised status (UBSan).
    eigen_.resize(threads);
    for (ThreadEigen& e : eigen_) {
      e.L.resize(d, d);
      for (Eigen::VectorXd* v : {&e.qb, &e.qm, &e.qz, &e.coef, &e.dx}) v->resize(d);
    }
  } else {
    lanczos_ = std::make_unique<BlockLanczos>(rows_, d, m, threads);
  }
}

template <class T>
void LocalLinearizationStepper::step(LocalModel& model, int k, T* x, SamplerStats& stats) {
  const size_t n = s_.n, d = s_.d;
  const Process& p = s_.process;
  const double t = s_.grid[k], h = s_.grid[k] - s_.grid[k + 1];
  const double c = ode_ ? 0.5 : 1.0;
  const double f = p.f(t), g2 = p.g2(t), g = std::sqrt(g2), df = p.dfdt(t), dg2 = p.dg2dt(t);
  uint64_t maxNfe = 0, maxHvp = 0, maxJac = 0;

  for (size_t first = 0; first < n; first += rows_) {
    const size_t count = std::min(rows_, n - first);
    const uint64_t nfe0 = model.nfe, hvp0 = model.hvpCount, jac0 = model.jacobianCount;
    for (size_t q = 0; q < count * d; ++q) x_[q] = static_cast<double>(x[first * d + q]);
    model.derivatives(t, first, count, x_.data(), s_score_.data(), dsdt_.data(), lap_.data());

#pragma omp parallel for num_threads(threads_) schedule(static)
    for (long long ii = 0; ii < static_cast<long long>(count); ++ii) {
      const size_t o = static_cast<size_t>(ii) * d;
      for (size_t r = 0; r < d; ++r) {
        const double xr = x_[o + r], sr = s_score_[o + r];
        b_[o + r] = -f * xr + c * g2 * sr;
        m_[o + r] = ode_ ? df * xr - 0.5 * dg2 * sr - 0.5 * g2 * dsdt_[o + r]
                         : 0.5 * g2 * g2 * lap_[o + r] + df * xr - dg2 * sr - g2 * dsdt_[o + r];
      }
      if (!ode_) normalRow(NoiseKey{s_.seed, static_cast<uint32_t>(k), 0u}, s_.firstParticle + first + static_cast<uint64_t>(ii), d, z_.data() + o);
    }

    if (dense_) {
      model.jacobians(t, first, count, x_.data(), jac_.data());
#pragma omp parallel num_threads(threads_)
      {
        ThreadEigen& e = eigen_[omp_get_thread_num()];
#pragma omp for schedule(static)
        for (long long ii = 0; ii < static_cast<long long>(count); ++ii) {
          const size_t o = static_cast<size_t>(ii) * d;
          const double* J = jac_.data() + o * d;
          for (size_t r = 0; r < d; ++r)
            for (size_t q = 0; q < d; ++q) e.L(r, q) = 0.5 * c * g2 * (J[r * d + q] + J[q * d + r]) - (r == q ? f : 0.0);
          e.solver.compute(e.L, Eigen::ComputeEigenvectors);
          const auto& Q = e.solver.eigenvectors();
          const auto& mu = e.solver.eigenvalues();
          Eigen::Map<const Eigen::VectorXd> bv(b_.data() + o, d), mv(m_.data() + o, d), zv(z_.data() + o, d);
          e.qb.noalias() = Q.transpose() * bv;
          e.qm.noalias() = Q.transpose() * mv;
          if (!ode_) e.qz.noalias() = Q.transpose() * zv;
          for (size_t r = 0; r < d; ++r) {
            const LocalLinearizationWeights w = localLinearizationWeights(h, mu[r]);
            double v = w.drift * e.qb[r] + w.curvature * e.qm[r];
            if (!ode_) v += g * std::sqrt(w.noiseVar) * e.qz[r];
            e.coef[r] = v;
          }
          e.dx.noalias() = Q * e.coef;
          for (size_t r = 0; r < d; ++r) out_[o + r] = x_[o + r] + e.dx[r];
        }
      }
    } else {
      const double* xs = x_.data();
      auto apply = [&](const double* in, double* out) {
        model.hvps(t, first, count, xs, in, out);
        for (size_t q = 0; q < count * d; ++q) out[q] = c * g2 * out[q] - f * in[q];
      };
      std::copy(x_.begin(), x_.begin() + static_cast<long>(count * d), out_.begin());
      lanczos_->run(count, b_.data(), apply);
      lanczos_->accumulate(count, [h](double mu) { return localLinearizationWeights(h, mu).drift; }, out_.data());
      lanczos_->run(count, m_.data(), apply);
      lanczos_->accumulate(count, [h](double mu) { return localLinearizationWeights(h, mu).curvature; }, out_.data());
      if (!ode_) {
        lanczos_->run(count, z_.data(), apply);
        lanczos_->accumulate(count, [h, g](double mu) { return g * std::sqrt(localLinearizationWeights(h, mu).noiseVar); }, out_.data());
      }
    }
    for (size_t q = 0; q < count * d; ++q) x[first * d + q] = static_cast<T>(out_[q]);
    maxNfe = std::max<uint64_t>(maxNfe, model.nfe - nfe0);
    maxHvp = std::max<uint64_t>(maxHvp, model.hvpCount - hvp0);
    maxJac = std::max<uint64_t>(maxJac, model.jacobianCount - jac0);
  }
  stats.nfe += maxNfe;
  stats.hvps += maxHvp;
  stats.jacobians += maxJac;
}

template void LocalLinearizationStepper::step<double>(LocalModel&, int, double*, SamplerStats&);
template void LocalLinearizationStepper::step<float>(LocalModel&, int, float*, SamplerStats&);

}  // namespace dw2
