#include "sampler/local_linearization_step.h"
#include <omp.h>
#include <algorithm>
#include <cmath>
#include <limits>
#include "core/parallel_failure.h"
#include "random/noise.h"
#include "sampler/local_linearization_cached.h"
#include "sampler/noise_keys.h"
#include "sampler/path_noise.h"
#include "schemes/local_linearization.h"
#include "schemes/local_linearization_noise.h"
#include "schemes/local_linearization_step_noise.h"

namespace dw2 {

size_t localLinearizationBlockRows(size_t n, size_t d, bool dense, int krylovDim) {
  const size_t perRow = 11 * d + (dense ? d * d : (static_cast<size_t>(krylovDim) + 3) * d);
  const size_t budget = size_t(1) << 22;  // doubles
  return std::max<size_t>(1, std::min(n, budget / std::max<size_t>(perRow, 1)));
}

size_t localLinearizationCachedBlockRows(size_t n, size_t d, size_t cacheSize) {
  const size_t perRow = 11 * d + cacheSize;
  const size_t budget = size_t(1) << 22;  // doubles
  return std::max<size_t>(1, std::min(n, budget / std::max<size_t>(perRow, 1)));
}

LocalLinearizationStepper::~LocalLinearizationStepper() = default;

LocalLinearizationStepper::LocalLinearizationStepper(const SamplerSetup& s, Route route, int threads, size_t cacheSize,
                                                     size_t summaryRank, bool lanes)
    : s_(s), dense_(route == Route::Dense), cached_(route == Route::Cached), ode_(s.scheme->ode),
      stepNoise_(!ode_ && !s.pathNoise), vectors_(ode_ ? 2 : stepNoise_ ? 3 : 5), threads_(threads), cacheSize_(cacheSize), summaryRank_(summaryRank), lanes_(cached_ && summaryRank > 0 && lanes) {
  const size_t d = s.d;
  const bool dense = dense_;
  const int m = std::max(1, std::min<int>(s.krylovDim, static_cast<int>(d)));
  rows_ = cached_ ? localLinearizationCachedBlockRows(s.n, d, cacheSize) : localLinearizationBlockRows(s.n, d, dense, m);
  for (auto* v : {&x_, &out_}) v->assign(rows_ * d, 0.0);
  if (!lanes_) {
    for (auto* v : {&s_score_, &dsdt_, &lap_, &b_, &m_, &zW_, &zH_, &xi_}) v->assign(rows_ * d, 0.0);
  } else {
    // The lane route keeps s, ∂_t s, Δs, b and M in lanes (local_linearization_cached.cc) and needs
    // row buffers only for the noise it draws: z_W (SDE), z_H and ξ (path noise).
    if (!ode_) zW_.assign(rows_ * d, 0.0);
    if (!ode_ && !stepNoise_)
      for (auto* v : {&zH_, &xi_}) v->assign(rows_ * d, 0.0);
  }
  if (cached_) {
    if (!lanes_) cache_.assign(rows_ * cacheSize, 0.0);  // the lane route keeps its summaries in lanes
    firstCheck_.assign(s.n * 5, 4);
    interpolants_ = std::make_unique<LaneChebyshev::Store>();
    for (int t = 0; t < threads; ++t) cachedScratch_.push_back(std::make_unique<CachedScratch>(d, summaryRank, m, *interpolants_));
  } else if (dense) {
    jac_.assign(rows_ * d * d, 0.0);
    const Eigen::Index n = static_cast<Eigen::Index>(d);
    eigen_.resize(static_cast<size_t>(threads) * kDenseGroup);
    // The Eigen decompositions are built in place by resize() and allocate on first use: assigning a
    // fresh one would read its uninitialised status (UBSan).
    for (ThreadEigen& e : eigen_) {
      e.L.resize(n, n);
      e.B.resize(n, vectors_);
      e.Y.resize(n, vectors_);
      for (auto* v : {&e.diag, &e.off, &e.coef, &e.dx}) v->resize(n);
      e.rotations.reserve(static_cast<size_t>(4 * n * n + 16));
      for (auto* v : {&e.mu, &e.cW, &e.cH, &e.sqrtRemainder}) v->resize(d);
      e.noiseWork.resize(LocalLinearizationNoiseTable::workSize(static_cast<int>(d)));
    }
  } else {
    lanczos_ = std::make_unique<BlockLanczos>(rows_, d, m, threads);
  }
}

// z_W, z_H, ξ of rows [first, first + count) (per-step noise: z_W alone): the keys listed in the header.
void LocalLinearizationStepper::drawNoise(int k, size_t first, size_t count) {
  const size_t d = s_.d;
  // Per-step noise: normalRow with the stages of the header; path noise: (ΔW, H) of the step's
  // Brownian path and a fresh ξ (sampler/path_noise.h).
  ParallelFailure failure;
  if (stepNoise_) {
    // z_W's rows, kStepNoiseRows particles at a time on normalBlock's path vectorized over particles
    // (the same numbers as normalRow's, row by row).
    constexpr size_t kStepNoiseRows = 64;
    const long long blocks = static_cast<long long>((count + kStepNoiseRows - 1) / kStepNoiseRows);
#pragma omp parallel for num_threads(threads_) schedule(static)
    for (long long b = 0; b < blocks; ++b) {
      const size_t r0 = static_cast<size_t>(b) * kStepNoiseRows, rows = std::min(kStepNoiseRows, count - r0);
      failure.guard([&] {
        normalBlock(NoiseKey{s_.seed, static_cast<uint32_t>(k), kLocalLinearizationStageW}, s_.firstParticle + first + r0, rows, d,
                    zW_.data() + r0 * d);
      });
    }
    failure.rethrow();
    return;
  }
#pragma omp parallel for num_threads(threads_) schedule(static)
  for (long long ii = 0; ii < static_cast<long long>(count); ++ii) {
    const size_t o = static_cast<size_t>(ii) * d;
    const uint64_t particle = s_.firstParticle + first + static_cast<uint64_t>(ii);
    failure.guard([&] { localLinearizationNoise(s_, k, particle, zW_.data() + o, zH_.data() + o, xi_.data() + o); });
  }
  failure.rethrow();
}

// L's tridiagonal form T = Hᵀ L H and the step's vectors in T's basis (rows of e.Y), for particle row o.
void LocalLinearizationStepper::toTridiagonalBasis(ThreadEigen& e, size_t o) {
  const Eigen::Index n = static_cast<Eigen::Index>(s_.d);
  const int m = vectors_;
  const double* columns[5] = {b_.data() + o, m_.data() + o, zW_.data() + o, zH_.data() + o, xi_.data() + o};
  for (int j = 0; j < m; ++j) e.B.col(j) = Eigen::Map<const Eigen::VectorXd>(columns[j], n);
  e.tri.compute(e.L);
  e.diag = e.tri.diagonal();
  if (n > 1) e.off.head(n - 1) = e.tri.subDiagonal();
  // Y = Qᵀ B = H_{n−2} ⋯ H_0 B, reflector by reflector: Eigen's HouseholderSequence product builds a
  // blocked triangular factor for every call once d ≥ 48, more work than the m ≤ 5 columns need.
  for (int j = 0; j < m; ++j)
    for (Eigen::Index r = 0; r < n; ++r) e.Y(r, j) = e.B(r, j);
  for (Eigen::Index i = 0; i + 1 < n; ++i) reflect(e, i, m);
}

// Rows i + 1 … n − 1 of the first m columns of Y ← H_i Y, H_i = I − τ_i v vᵀ, v = (1, essential part
// stored below the subdiagonal of column i of the packed tridiagonalization).
void LocalLinearizationStepper::reflect(ThreadEigen& e, Eigen::Index i, int m) {
  const Eigen::Index n = e.Y.rows();
  const double tau = e.tri.householderCoefficients()[i];
  if (tau == 0.0) return;
  const auto& packed = e.tri.packedMatrix();
  for (int j = 0; j < m; ++j) {
    double dot = e.Y(i + 1, j);
    for (Eigen::Index r = i + 2; r < n; ++r) dot += packed(r, i) * e.Y(r, j);
    const double t = tau * dot;
    e.Y(i + 1, j) -= t;
    for (Eigen::Index r = i + 2; r < n; ++r) e.Y(r, j) -= t * packed(r, i);
  }
}

// e.dx = x′ − x = Σ_v w_v(hL) v over v = b, M (and z_W, z_H, ξ for the SDE), from the eigen-coordinates
// tridiagonalQr left in e.Y (or, when it did not converge — never seen — a full eigendecomposition).
void LocalLinearizationStepper::fromEigenCoordinates(ThreadEigen& e, size_t o, double h, bool converged) {
  const Eigen::Index n = static_cast<Eigen::Index>(s_.d);
  const int m = vectors_;
  const double cap = s_.linearizationCap / h;
  const double sqrtH = std::sqrt(h), sqrtH12 = std::sqrt(h / 12.0);
  // The weight of eigen-direction r (eigenvalue μ) for each vector; the noise coefficients of all
  // d directions come from the step's table first.
  auto coefficient = [&](Eigen::Index r, double mu, const double* y) {
    const double capped = std::min(mu, cap);
    const LocalLinearizationWeights w = localLinearizationWeights(h, capped);
    double v = w.drift * y[0] + w.curvature * y[1];
    if (stepNoise_) v += e.cW[r] * y[2];  // √Q(hμ) z
    else if (!ode_) v += e.cW[r] * sqrtH * y[2] + e.cH[r] * sqrtH12 * y[3] + e.sqrtRemainder[r] * y[4];
    return v;
  };
  auto noise = [&](const double* mu) {
    if (ode_) return;
    for (Eigen::Index r = 0; r < n; ++r) e.mu[r] = std::min(mu[r], cap);
    if (stepNoise_) {
      for (Eigen::Index r = 0; r < n; ++r) e.cW[r] = localLinearizationStepNoiseStd(h, e.mu[r], g2_, g2Slope_);
      return;
    }
    noise_.evaluate(e.mu.data(), static_cast<int>(n), e.cW.data(), e.cH.data(), e.sqrtRemainder.data(), e.noiseWork.data());
  };
  if (converged) {
    noise(e.diag.data());
    for (Eigen::Index r = 0; r < n; ++r) e.coef[r] = coefficient(r, e.diag[r], e.Y.data() + r * e.Y.cols());
    applyTransposed(e.rotations, e.coef.data());
    // dx = Q coef = H_0 ⋯ H_{n−2} coef, with coef as Y's column 0.
    for (Eigen::Index r = 0; r < n; ++r) e.Y(r, 0) = e.coef[r];
    for (Eigen::Index i = n - 2; i >= 0; --i) reflect(e, i, 1);
    for (Eigen::Index r = 0; r < n; ++r) e.dx[r] = e.Y(r, 0);
    return;
  }
  e.solver.compute(e.L, Eigen::ComputeEigenvectors);
  const auto& Q = e.solver.eigenvectors();
  e.Y.leftCols(m).noalias() = Q.transpose() * e.B.leftCols(m);
  noise(e.solver.eigenvalues().data());
  for (Eigen::Index r = 0; r < n; ++r) e.coef[r] = coefficient(r, e.solver.eigenvalues()[r], e.Y.data() + r * e.Y.cols());
  e.dx.noalias() = Q * e.coef;
}

// Particles rows[0..count) (count ≤ kDenseGroup), e: their scratch with L filled in. Each particle's
// arithmetic is that of a lone particle, so grouping changes no bit.
void LocalLinearizationStepper::denseGroup(ThreadEigen* e, const size_t* rows, int count, double h) {
  const size_t d = s_.d;
  QrProblem problems[kDenseGroup] = {};
  bool converged[kDenseGroup];
  for (int p = 0; p < count; ++p) {
    toTridiagonalBasis(e[p], rows[p] * d);
    problems[p] = {e[p].diag.data(), e[p].off.data(), static_cast<int>(d), e[p].Y.data(), static_cast<int>(e[p].Y.cols()), &e[p].rotations};
  }
  tridiagonalQr(problems, count, converged);
  for (int p = 0; p < count; ++p) {
    const size_t o = rows[p] * d;
    fromEigenCoordinates(e[p], o, h, converged[p]);
    for (size_t r = 0; r < d; ++r) out_[o + r] = x_[o + r] + e[p].dx[r];
  }
}

void LocalLinearizationStepper::denseBlock(double h, size_t count) {
  const size_t d = s_.d;
  const double f = f_, cg2 = c_ * g2_;
  const long long groups = static_cast<long long>((count + kDenseGroup - 1) / kDenseGroup);
  ParallelFailure failure;  // Eigen allocates on first use
#pragma omp parallel num_threads(threads_)
  {
    ThreadEigen* e = eigen_.data() + static_cast<size_t>(omp_get_thread_num()) * kDenseGroup;
#pragma omp for schedule(static)
    for (long long gi = 0; gi < groups; ++gi) {
      failure.guard([&] {
        size_t rows[kDenseGroup];
        int members = 0;
        for (size_t i = static_cast<size_t>(gi) * kDenseGroup; i < count && members < kDenseGroup; ++i) {
          rows[members] = i;
          const double* J = jac_.data() + i * d * d;
          Eigen::MatrixXd& L = e[members++].L;
          for (size_t r = 0; r < d; ++r)
            for (size_t q = 0; q < d; ++q) L(r, q) = 0.5 * cg2 * (J[r * d + q] + J[q * d + r]) - (r == q ? f : 0.0);
        }
        denseGroup(e, rows, members, h);
      });
    }
  }
  failure.rethrow();
}

void LocalLinearizationStepper::krylovBlock(LocalModel& model, double t, double h, size_t first, size_t count) {
  const size_t d = s_.d;
  const double f = f_, cg2 = c_ * g2_, cap = s_.linearizationCap / h;
  const double* xs = x_.data();
  auto apply = [&](const double* in, double* out) {
    model.hvps(t, first, count, xs, in, out);
    for (size_t q = 0; q < count * d; ++q) out[q] = cg2 * out[q] - f * in[q];
  };
  auto accumulate = [&](const double* start, auto weight) {
    lanczos_->run(count, start, apply);
    lanczos_->accumulate(count, [&](double mu) { return weight(std::min(mu, cap)); }, out_.data());
  };
  std::copy(x_.begin(), x_.begin() + static_cast<long>(count * d), out_.begin());
  accumulate(b_.data(), [h](double mu) { return localLinearizationWeights(h, mu).drift; });
  accumulate(m_.data(), [h](double mu) { return localLinearizationWeights(h, mu).curvature; });
  if (ode_) return;
  if (stepNoise_) {
    const double a = g2_, b = g2Slope_;
    accumulate(zW_.data(), [=](double mu) { return localLinearizationStepNoiseStd(h, mu, a, b); });
    return;
  }
  const double sqrtH = std::sqrt(h), sqrtH12 = std::sqrt(h / 12.0);
  // One Ritz value at a time through the step's table (its nodes are shared; work on the stack).
  const LocalLinearizationNoiseTable& table = noise_;
  auto noiseAt = [&table](double mu, int which) {
    double c[3], work[LocalLinearizationNoiseTable::workSize(1)];
    table.evaluate(&mu, 1, c, c + 1, c + 2, work);
    return c[which];
  };
  accumulate(zW_.data(), [=](double mu) { return sqrtH * noiseAt(mu, 0); });
  accumulate(zH_.data(), [=](double mu) { return sqrtH12 * noiseAt(mu, 1); });
  accumulate(xi_.data(), [=](double mu) { return noiseAt(mu, 2); });
}

// b and M of rows [firstRow, firstRow + rows) of the block, from x_, s_score_, dsdt_, lap_ (header).
void LocalLinearizationStepper::driftAndCurvature(size_t firstRow, size_t rows) {
  const size_t d = s_.d;
  const double f = f_, g2 = g2_, df = df_, dg2 = -g2Slope_, c = c_;
  for (size_t q = firstRow * d; q < (firstRow + rows) * d; ++q) {
    const double xr = x_[q], sr = s_score_[q];
    b_[q] = -f * xr + c * g2 * sr;
    m_[q] = ode_ ? df * xr - 0.5 * dg2 * sr - 0.5 * g2 * dsdt_[q] : 0.5 * g2 * g2 * lap_[q] + df * xr - dg2 * sr - g2 * dsdt_[q];
  }
}

template <class T>
void LocalLinearizationStepper::step(LocalModel& model, int k, T* x, SamplerStats& stats) {
  const size_t n = s_.n, d = s_.d;
  const Process& p = s_.process;
  const double t = s_.grid[k], h = s_.grid[k] - s_.grid[k + 1];
  c_ = ode_ ? 0.5 : 1.0;
  f_ = p.f(t);
  g2_ = p.g2(t);
  df_ = p.dfdt(t);
  g2Slope_ = -p.dg2dt(t);  // g² in reverse time over the step: g2_ + g2Slope_ r
  if (!ode_ && !stepNoise_) noise_.reset(h, g2_, g2Slope_);
  uint64_t maxNfe = 0, maxHvp = 0, maxJac = 0;

  for (size_t first = 0; first < n; first += rows_) {
    const size_t count = std::min(rows_, n - first);
    const uint64_t nfe0 = model.nfe, hvp0 = model.hvpCount, jac0 = model.jacobianCount;
    for (size_t q = 0; q < count * d; ++q) x_[q] = static_cast<double>(x[first * d + q]);
    if (dense_) model.derivativesAndJacobians(t, first, count, x_.data(), s_score_.data(), dsdt_.data(), lap_.data(), jac_.data());
    else if (lanes_) model.nfe += 1;
    else if (cached_) model.derivativesAndCache(t, first, count, x_.data(), s_score_.data(), dsdt_.data(), lap_.data(), cache_.data());
    else model.derivatives(t, first, count, x_.data(), s_score_.data(), dsdt_.data(), lap_.data());
    if (!lanes_) {
      const long long chunks = static_cast<long long>((count + 63) / 64);
      ParallelFailure failure;
#pragma omp parallel for num_threads(threads_) schedule(static)
      for (long long ci = 0; ci < chunks; ++ci) failure.guard([&] {
        const size_t i0 = static_cast<size_t>(ci) * 64;
        driftAndCurvature(i0, std::min<size_t>(64, count - i0));
      });
      failure.rethrow();
    }
    if (!ode_) drawNoise(k, first, count);
    if (dense_) denseBlock(h, count);
    else if (cached_) cachedBlock(model, t, h, first, count);
    else krylovBlock(model, t, h, first, count);
    for (size_t q = 0; q < count * d; ++q) x[first * d + q] = static_cast<T>(out_[q]);
    maxNfe = std::max<uint64_t>(maxNfe, model.nfe - nfe0);
    maxHvp = std::max<uint64_t>(maxHvp, cached_ ? cachedProducts_ : model.hvpCount - hvp0);
    maxJac = std::max<uint64_t>(maxJac, model.jacobianCount - jac0);
  }
  stats.nfe += maxNfe;
  stats.hvps += maxHvp;
  stats.jacobians += maxJac;
  stats.krylovUnconverged += unconverged_;
  unconverged_ = 0;
}

template void LocalLinearizationStepper::step<double>(LocalModel&, int, double*, SamplerStats&);
template void LocalLinearizationStepper::step<float>(LocalModel&, int, float*, SamplerStats&);

}  // namespace dw2
