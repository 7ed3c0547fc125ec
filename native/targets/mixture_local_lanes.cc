#include "targets/mixture_local_lanes.h"
#include <cmath>
#include "random/deterministic_math.h"
#include "runtime/simd.h"
#include "targets/lane_masks.h"
#include "targets/lanes.h"

namespace dw2 {

using namespace lanemask;

namespace {

// r = softmax of K logits per lane (logit: K × 8, overwritten), as the block score kernel does it.
__attribute__((always_inline)) inline void softmaxLanes(size_t K, double* __restrict logit, double* __restrict acc) {
  for (size_t i = 0; i < 8; ++i) acc[i] = -INFINITY;
  for (size_t k = 0; k < K; ++k)
    for (size_t i = 0; i < 8; ++i) acc[i] = logit[k * 8 + i] > acc[i] ? logit[k * 8 + i] : acc[i];
  for (size_t k = 0; k < K; ++k)
    for (size_t i = 0; i < 8; ++i) logit[k * 8 + i] = deterministicExp(logit[k * 8 + i] - acc[i]);
  for (size_t i = 0; i < 8; ++i) acc[i] = 0.0;
  for (size_t k = 0; k < K; ++k)
    for (size_t i = 0; i < 8; ++i) acc[i] += logit[k * 8 + i];
  for (size_t i = 0; i < 8; ++i) acc[i] = 1.0 / acc[i];
  for (size_t k = 0; k < K; ++k)
    for (size_t i = 0; i < 8; ++i) logit[k * 8 + i] *= acc[i];
}

// Lanes where r_k > 0 (r ≥ +0 or NaN).
__attribute__((always_inline)) inline Mask live(V r) { return nonzero(bitsOf(r)); }

}  // namespace

namespace {

template <bool kLaplacian>
__attribute__((always_inline)) inline void mixtureLocalLanes(size_t K, size_t d, size_t rows, const MixtureLaneConstants& c,
                                                             const double* x, double* s, double* dsdt, double* laplacian,
                                                             double* D, double* U, double* work) {
  double* xt = work;                        // d × 8
  double* sk = xt + d * 8;                  // K × d × 8: component scores
  double* logit = sk + K * d * 8;           // K × 8: log-densities, then responsibilities
  double* delta = logit + K * 8;            // K × 8: ∂_t log N_k
  double* root = delta + K * 8;             // K × 8: √r_k
  double* acc = root + K * 8;               // 8
  double* lt = acc + 8;                     // d × 8: Δs when the caller does not want it
  double* st = s;
  double* tt = dsdt;
  if (laplacian) lt = laplacian;
  toColumns<8>(rows, d, x, xt);
  const V* X = lanes(xt);
  V* SK = lanes(sk);
  V* R = lanes(logit);
  for (size_t k = 0; k < K; ++k) {
    V q = V{};
    for (size_t j = 0; j < d; ++j) {
      const size_t kj = k * d + j;
      const V y = X[j] - c.alphaMean[kj];
      const V skj = y * -c.inverseEll[kj];
      SK[kj] = skj;
      q -= y * skj;
    }
    R[k] = c.logWeights[k] + -0.5 * q + c.logNormaliser[k];
  }
  softmaxLanes(K, logit, acc);
  for (size_t k = 0; k < K; ++k)
    for (int p = 0; p < 8; ++p) root[k * 8 + p] = std::sqrt(logit[k * 8 + p]);
  V* S = lanes(st);
  for (size_t j = 0; j < d; ++j) S[j] = V{};
  for (size_t k = 0; k < K; ++k) {
    const Mask on = live(R[k]);
    for (size_t j = 0; j < d; ++j) S[j] = select(on, S[j] + R[k] * SK[k * d + j], S[j]);
  }
  // δ_k, and δ̄ = Σ r_k δ_k.
  V meanDelta = V{};
  for (size_t k = 0; k < K; ++k) {
    V sum = V{};
    for (size_t j = 0; j < d; ++j) {
      const size_t kj = k * d + j;
      const V skj = SK[kj];
      sum += -c.rateMean[kj] * skj + 0.5 * c.ellRate[kj] * (skj * skj - c.inverseEll[kj]);
    }
    lanes(delta)[k] = sum;
    meanDelta = select(live(R[k]), meanDelta + R[k] * sum, meanDelta);
  }
  V* T = lanes(tt);
  V* Lap = lanes(lt);
  V* Dl = lanes(D);
  V* Ul = lanes(U);
  for (size_t j = 0; j < d; ++j) T[j] = Lap[j] = Dl[j] = V{};
  for (size_t k = 0; k < K; ++k) {
    const V r = R[k], rt = lanes(root)[k];
    const Mask on = live(r);
    V e2 = V{};
    if constexpr (kLaplacian)
      for (size_t j = 0; j < d; ++j) {
        const V e = SK[k * d + j] - S[j];
        e2 += e * e;
      }
    const V cl = r * (c.traceHessian[k] + e2), cd = r * (lanes(delta)[k] - meanDelta), r2 = 2.0 * r;
    for (size_t j = 0; j < d; ++j) {
      const size_t kj = k * d + j;
      const double inv = c.inverseEll[kj];
      const V skj = SK[kj], e = skj - S[j];
      T[j] = select(on, (T[j] + r * ((c.rateMean[kj] - c.ellRate[kj] * skj) * inv)) + cd * e, T[j]);
      if constexpr (kLaplacian) Lap[j] = select(on, (Lap[j] + cl * e) + r2 * (-inv * e), Lap[j]);
      Dl[j] = select(on, Dl[j] - r * inv, Dl[j]);
      Ul[kj] = select(on, rt * e, V{});
    }
  }
}

}  // namespace

DW2_SIMD_CLONES void diagonalMixtureLocalLanes(size_t K, size_t d, size_t rows, const MixtureLaneConstants& c, const double* x,
                                               double* s, double* dsdt, double* laplacian, double* D, double* U, double* work) {
  if (laplacian) mixtureLocalLanes<true>(K, d, rows, c, x, s, dsdt, laplacian, D, U, work);
  else mixtureLocalLanes<false>(K, d, rows, c, x, s, dsdt, laplacian, D, U, work);
}

}  // namespace dw2
