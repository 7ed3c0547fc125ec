#include "sampler/lane_lanczos.h"
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include "runtime/simd.h"
#include "sampler/lane_structured_product.h"
#include "targets/lane_masks.h"
#include "targets/lanes.h"

namespace dw2 {

namespace {

using namespace lanemask;
using lanekernels::laneDot;
using lanekernels::structuredProduct;

__attribute__((always_inline)) inline V laneSqrt(V x) {
  V r;
  for (int i = 0; i < 8; ++i) r[i] = std::sqrt(x[i]);
  return r;
}

// w −= Σ_{l<m} (q_l · w) q_l: one classical Gram–Schmidt pass against the whole basis, the dot
// products all taken from the same w (independent chains, w read once per chunk) and the components
// subtracted in increasing l. After the three-term recurrence w is already nearly orthogonal to the
// basis, so the pass removes round-off sized components.
__attribute__((always_inline)) inline void reorthogonalize(const double* basis, int m, size_t d, V* w) {
  constexpr int kChunk = 8;
  V c[kChunk];
  for (int l0 = 0; l0 < m; l0 += kChunk) {
    const int n = std::min(kChunk, m - l0);
    const V* q0 = lanes(basis + static_cast<size_t>(l0) * d * 8);
    for (int l = 0; l < kChunk; ++l) c[l] = V{};
    for (size_t r = 0; r < d; ++r)
      for (int l = 0; l < n; ++l) c[l] += q0[l * d + r] * w[r];
    for (size_t r = 0; r < d; ++r) {
      V acc = w[r];
      for (int l = 0; l < n; ++l) acc -= c[l] * q0[l * d + r];
      w[r] = acc;
    }
  }
}

// Lanczos step j of 8 lanes: the three-term recurrence, one full reorthogonalization pass, β_j and
// q_{j+1} = w / β_j; a lane with β_j ≤ 1e-12 max_l(|α_l| + β_{l−1}) has an invariant space
// (β_j = 0, q_{j+1} = 0, brokeAt = j + 1).
DW2_SIMD_CLONES void laneLanczosStep(int j, int maxDim, const LaneStructuredOperator& op, double* basis, double* alpha,
                                     double* beta, int* brokeAt, double* work) {
  const size_t d = op.d;
  auto q = [&](int l) { return lanes(basis + static_cast<size_t>(l) * d * 8); };
  V* w = lanes(work);
  const V* qj = q(j);
  structuredProduct(op, qj, w);
  const V a = laneDot(qj, w, d);
  lanes(alpha)[j] = a;
  const V bPrev = j > 0 ? lanes(beta)[j - 1] : V{};
  if (j > 0) {
    const V* qPrev = q(j - 1);
    for (size_t r = 0; r < d; ++r) w[r] -= a * qj[r] + bPrev * qPrev[r];
  } else {
    for (size_t r = 0; r < d; ++r) w[r] -= a * qj[r];
  }
  reorthogonalize(basis, j + 1, d, w);
  const V b = laneSqrt(laneDot(w, w, d));
  V size = abs(a) + bPrev;
  for (int l = 0; l < j; ++l) size = fmaxNonNegative(size, abs(lanes(alpha)[l]) + lanes(beta)[l]);
  const Mask grows = greaterNonNegative(b, 1e-12 * size);  // false also for NaN
  lanes(beta)[j] = select(grows, b, V{});
  int64_t grew[8];
  std::memcpy(grew, &grows, sizeof grew);
  for (int p = 0; p < 8; ++p)
    if (!grew[p] && brokeAt[p] > j + 1) brokeAt[p] = j + 1;
  if (j + 1 < maxDim) {
    V* next = q(j + 1);
    for (size_t r = 0; r < d; ++r) next[r] = select(grows, w[r] / b, V{});
  }
}

DW2_SIMD_CLONES void laneStart(size_t d, const double* v, double* q0, double* norms) {
  const V* x = lanes(v);
  const V norm = laneSqrt(laneDot(x, x, d));
  const Mask ok = greaterNonNegative(norm, V{});
  for (size_t r = 0; r < d; ++r) lanes(q0)[r] = select(ok, x[r] / norm, V{});
  *lanes(norms) = norm;
}

DW2_SIMD_CLONES void laneAddTo(size_t d, int count, const double* basis, const double* coef, const int* dims, double* dx) {
  Mask k;
  for (int p = 0; p < 8; ++p) k[p] = dims[p];
  V* out = lanes(dx);
  for (int l = 0; l < count; ++l) {
    const Mask use = greater(k, Mask{} + l);
    const V c = lanes(coef)[l];
    const V* ql = lanes(basis + static_cast<size_t>(l) * d * 8);
    for (size_t r = 0; r < d; ++r) out[r] = select(use, out[r] + c * ql[r], out[r]);
  }
}

}  // namespace

LaneLanczos::LaneLanczos(size_t d, int maxDim)
    : d_(d), maxDim_(std::max(1, maxDim)),
      alpha_(static_cast<size_t>(maxDim_) * 8), beta_(static_cast<size_t>(maxDim_) * 8), work_(d * 8) {}

void LaneLanczos::start(const double* v) {
  // The basis (maxDim × d × 8 doubles) is allocated by the first run: on the cached route most lanes
  // take the polynomial route, and a run that never needs Lanczos never holds it.
  if (basis_.empty()) basis_.assign(static_cast<size_t>(maxDim_) * d_ * 8, 0.0);
  laneStart(d_, v, basis_.data(), vNorm_);
  computed_ = 0;
  for (int p = 0; p < 8; ++p) brokeAt_[p] = INT_MAX;
}

void LaneLanczos::extendTo(int target, const LaneStructuredOperator& op) {
  const int J = std::min(target, maxDim_);
  while (computed_ < J) {
    bool any = false;
    for (int p = 0; p < 8; ++p) any = any || brokeAt_[p] > computed_;
    if (!any) break;
    laneLanczosStep(computed_, maxDim_, op, basis_.data(), alpha_.data(), beta_.data(), brokeAt_, work_.data());
    ++computed_;
  }
}

int LaneLanczos::dim(int p, int target) const { return std::min({target, maxDim_, computed_, brokeAt_[p]}); }

void LaneLanczos::addTo(const double* coef, const int* dims, double* dx) const {
  int count = 0;
  for (int p = 0; p < 8; ++p) count = std::max(count, dims[p]);
  laneAddTo(d_, count, basis_.data(), coef, dims, dx);
}

RitzSolve::RitzSolve(int maxDim) : maxDim_(std::max(1, maxDim)), alpha_(maxDim_), beta_(maxDim_), y_(maxDim_), theta_(maxDim_) {
  // Built in place: Eigen allocates on first use (assigning a fresh solver reads its uninitialised status).
  eigenDiag_.resize(maxDim_);
  eigenSub_.resize(std::max(maxDim_ - 1, 1));
}

void RitzSolve::build(const LaneLanczos& run, int p, int k) {
  k_ = k;
  for (int l = 0; l < k; ++l) {
    alpha_[l] = run.alpha(l, p);
    beta_[l] = run.beta(l, p);
  }
}

const double* RitzSolve::ritzValues(int* count) {
  const int m = maxDim_;
  for (int l = 0; l < m; ++l) eigenDiag_[l] = l < k_ ? alpha_[l] : 0.0;
  for (int l = 0; l + 1 < m; ++l) eigenSub_[l] = l + 1 < k_ ? beta_[l] : 0.0;
  solver_.computeFromTridiagonal(eigenDiag_, eigenSub_.head(std::max(m - 1, 0)), Eigen::ComputeEigenvectors);
  for (int c = 0; c < m; ++c) theta_[c] = solver_.eigenvalues()[c];
  *count = m;
  return theta_.data();
}

void RitzSolve::setWeights(const double* f) {
  const auto& V = solver_.eigenvectors();
  for (int l = 0; l < k_; ++l) y_[l] = 0.0;
  for (int c = 0; c < maxDim_; ++c) {
    const double s = f[c] * V(0, c);
    for (int l = 0; l < k_; ++l) y_[l] += V(l, c) * s;
  }
}

}  // namespace dw2
