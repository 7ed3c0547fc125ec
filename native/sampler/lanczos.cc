#include "sampler/lanczos.h"
#include <omp.h>
#include <algorithm>
#include <cmath>
#include "core/parallel_failure.h"
#include "linalg/vector_ops.h"

namespace dw2 {

BlockLanczos::BlockLanczos(size_t maxRows, size_t d, int m, int threads)
    : maxRows_(maxRows), d_(d), m_(m), threads_(threads),
      basis_(maxRows * static_cast<size_t>(m + 1) * d), alpha_(maxRows * m), beta_(maxRows * m), norm_(maxRows),
      dim_(maxRows), active_(maxRows), in_(maxRows * d), out_(maxRows * d) {
  // Built in place: moving a fresh Eigen solver reads its uninitialised status (UBSan).
  eigen_.resize(threads);
  for (ThreadEigen& e : eigen_) {
    e.diag.resize(m);
    e.sub.resize(std::max(m, 1));
    e.y.resize(m);
    e.rotations.reserve(static_cast<size_t>(4 * m * m + 16));
  }
}

int BlockLanczos::run(size_t count, const double* v, const std::function<void(const double*, double*)>& apply) {
  const size_t d = d_;
  const int m = m_;
  auto q = [&](size_t i, int j) { return basis_.data() + (i * static_cast<size_t>(m + 1) + static_cast<size_t>(j)) * d; };
  bool any = false;
  for (size_t i = 0; i < count; ++i) {
    norm_[i] = std::sqrt(dotProduct(v + i * d, v + i * d, d));
    dim_[i] = 0;
    active_[i] = norm_[i] > 0;
    any = any || active_[i];
    double* q0 = q(i, 0);
    for (size_t r = 0; r < d; ++r) q0[r] = active_[i] ? v[i * d + r] / norm_[i] : 0.0;
  }
  int applications = 0;
  for (int j = 0; j < m && any; ++j) {
    for (size_t i = 0; i < count; ++i) {
      const double* qj = q(i, j);
      for (size_t r = 0; r < d; ++r) in_[i * d + r] = active_[i] ? qj[r] : 0.0;
    }
    apply(in_.data(), out_.data());
    ++applications;
    any = false;
#pragma omp parallel for num_threads(threads_) schedule(static) reduction(|| : any)
    for (long long ii = 0; ii < static_cast<long long>(count); ++ii) {
      const size_t i = static_cast<size_t>(ii);
      if (!active_[i]) continue;
      double* w = out_.data() + i * d;
      const double* qj = q(i, j);
      const double a = dotProduct(qj, w, d);
      alpha_[i * m + j] = a;
      // Two passes of Gram–Schmidt against the whole basis (replaces the three-term recurrence).
      for (int pass = 0; pass < 2; ++pass)
        for (int l = 0; l <= j; ++l) removeComponent(q(i, l), d, w);
      const double b = std::sqrt(dotProduct(w, w, d));
      double scale = std::fabs(a);
      for (int l = 0; l < j; ++l) scale = std::max({scale, std::fabs(alpha_[i * m + l]), beta_[i * m + l]});
      beta_[i * m + j] = b;
      dim_[i] = j + 1;
      if (j + 1 == m || j + 1 == static_cast<int>(d) || b <= 1e-12 * scale || b == 0.0) {
        active_[i] = 0;  // invariant subspace found (or iterations exhausted)
        continue;
      }
      double* next = q(i, j + 1);
      for (size_t r = 0; r < d; ++r) next[r] = w[r] / b;
      any = true;
    }
  }
  return applications;
}

void BlockLanczos::functionOfT(ThreadEigen& e, size_t i, int k, const std::function<double(double)>& weight) {
  const int m = m_;
  double* y = e.y.data();
  for (int l = 0; l < k; ++l) e.diag[l] = alpha_[i * m + l];
  for (int l = 0; l + 1 < k; ++l) e.sub[l] = beta_[i * m + l];
  for (int l = 0; l < k; ++l) y[l] = l == 0 ? 1.0 : 0.0;
  if (tridiagonalQr(e.diag.data(), e.sub.data(), k, y, 1, e.rotations)) {
    for (int l = 0; l < k; ++l) y[l] *= weight(e.diag[l]);
    applyTransposed(e.rotations, y);
    return;
  }
  // Not converged (never seen): T padded to m × m with a decoupled zero block (f(T) e₁ is unchanged
  // on the first k entries) and Eigen's eigenvectors.
  for (int l = 0; l < m; ++l) e.diag[l] = l < k ? alpha_[i * m + l] : 0.0;
  for (int l = 0; l + 1 < m; ++l) e.sub[l] = l + 1 < k ? beta_[i * m + l] : 0.0;
  e.solver.computeFromTridiagonal(e.diag, e.sub.head(std::max(m - 1, 1)), Eigen::ComputeEigenvectors);
  const auto& Y = e.solver.eigenvectors();
  const auto& theta = e.solver.eigenvalues();
  for (int l = 0; l < m; ++l) y[l] = 0.0;
  for (int c = 0; c < m; ++c) {
    const double w = weight(theta[c]) * Y(0, c);
    if (w == 0.0) continue;
    for (int l = 0; l < k; ++l) y[l] += Y(l, c) * w;
  }
}

void BlockLanczos::accumulate(size_t count, const std::function<double(double)>& weight, double* out) {
  const size_t d = d_;
  const int m = m_;
  ParallelFailure failure;  // the eigensolver and the caller's weight may throw
#pragma omp parallel num_threads(threads_)
  {
    ThreadEigen& e = eigen_[omp_get_thread_num()];
#pragma omp for schedule(static)
    for (long long ii = 0; ii < static_cast<long long>(count); ++ii) failure.guard([&] {
      const size_t i = static_cast<size_t>(ii);
      const int k = dim_[i];
      if (k == 0) return;
      functionOfT(e, i, k, weight);
      const double* y = e.y.data();
      double* o = out + i * d;
      for (int l = 0; l < k; ++l) {
        const double c = norm_[i] * y[l];
        const double* ql = basis_.data() + (i * static_cast<size_t>(m + 1) + static_cast<size_t>(l)) * d;
        for (size_t r = 0; r < d; ++r) o[r] += c * ql[r];
      }
    });
  }
  failure.rethrow();
}

}  // namespace dw2
