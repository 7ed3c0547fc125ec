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
  // (omp simd: GCC unrolls these 8-lane loops and would leave them scalar — a max or a square root
  // per lane; the packed instructions give the same bits.)
  for (size_t k = 0; k < K; ++k)
#pragma omp simd
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

// Every lane of m set: a component live in all eight lanes (the common case) is added without the
// selects, which would pick the sum in every lane anyway (same bits).
__attribute__((always_inline)) inline bool all(Mask m) { return !any(~m); }

// s += r s_k (lanes where r_k > 0).
template <bool kAll>
__attribute__((always_inline)) inline void addScore(size_t d, Mask on, V r, const V* sk, V* S) {
  for (size_t j = 0; j < d; ++j) S[j] = kAll ? S[j] + r * sk[j] : select(on, S[j] + r * sk[j], S[j]);
}

// Component k's share of ∂_t s, Δs, D and its u_k (lanes where r_k > 0; u_k = 0 elsewhere); cl =
// r_k (tr H_k + |e_k|²), cd = r_k (δ_k − δ̄), the constants at component k.
template <bool kLaplacian, bool kAll>
__attribute__((always_inline)) inline void addComponent(size_t d, Mask on, V r, V root, V cl, V cd, const V* sk, const V* S,
                                                        const double* inverseEll, const double* rateMeanOverEll,
                                                        const double* ellRateOverEll, V* T, V* Lap, V* Dl, V* Ul) {
  // Δs keeps the per-point code's grouping (its terms cancel across components: the sum is far smaller
  // than they are, and a regrouping moves it by more than the tests' 10⁻¹² of its size).
  const V r2 = 2.0 * r;
  for (size_t j = 0; j < d; ++j) {
    const V skj = sk[j], e = skj - S[j], ri = r * inverseEll[j];
    const V t = (T[j] + r * (rateMeanOverEll[j] - ellRateOverEll[j] * skj)) + cd * e;
    const V dl = Dl[j] - ri, ul = root * e;
    if constexpr (kAll) {
      T[j] = t;
      if constexpr (kLaplacian) Lap[j] = (Lap[j] + cl * e) + r2 * (-inverseEll[j] * e);
      Dl[j] = dl;
      Ul[j] = ul;
    } else {
      T[j] = select(on, t, T[j]);
      if constexpr (kLaplacian) Lap[j] = select(on, (Lap[j] + cl * e) + r2 * (-inverseEll[j] * e), Lap[j]);
      Dl[j] = select(on, dl, Dl[j]);
      Ul[j] = select(on, ul, V{});
    }
  }
}

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
  if (laplacian) lt = laplacian;
  toColumns<8>(rows, d, x, xt);
  const V* X = lanes(xt);
  V* SK = lanes(sk);
  V* R = lanes(logit);
  // s_k, log N_k and δ_k in one pass over each component.
  for (size_t k = 0; k < K; ++k) {
    V q = V{}, sum = V{};
    for (size_t j = 0; j < d; ++j) {
      const size_t kj = k * d + j;
      const V y = X[j] - c.alphaMean[kj];
      const V skj = y * -c.inverseEll[kj];
      SK[kj] = skj;
      q -= y * skj;
      sum += skj * (c.halfEllRate[kj] * skj - c.rateMean[kj]);
    }
    R[k] = c.logWeights[k] + -0.5 * q + c.logNormaliser[k];
    lanes(delta)[k] = sum + c.deltaOffset[k];
  }
  softmaxLanes(K, logit, acc);
  for (size_t k = 0; k < K; ++k)
#pragma omp simd
    for (int p = 0; p < 8; ++p) root[k * 8 + p] = std::sqrt(logit[k * 8 + p]);
  V* S = lanes(s);
  for (size_t j = 0; j < d; ++j) S[j] = V{};
  // δ̄ = Σ r_k δ_k.
  V meanDelta = V{};
  for (size_t k = 0; k < K; ++k) {
    const Mask on = live(R[k]);
    if (all(on)) addScore<true>(d, on, R[k], SK + k * d, S);
    else addScore<false>(d, on, R[k], SK + k * d, S);
    meanDelta = select(on, meanDelta + R[k] * lanes(delta)[k], meanDelta);
  }
  V* T = lanes(dsdt);
  V* Lap = lanes(lt);
  V* Dl = lanes(D);
  for (size_t j = 0; j < d; ++j) T[j] = Lap[j] = Dl[j] = V{};
  for (size_t k = 0; k < K; ++k) {
    const V r = R[k], rt = lanes(root)[k];
    const Mask on = live(r);
    const V* skk = SK + k * d;
    V e2 = V{};
    if constexpr (kLaplacian)
      for (size_t j = 0; j < d; ++j) {
        const V e = skk[j] - S[j];
        e2 += e * e;
      }
    const V cl = r * (c.traceHessian[k] + e2), cd = r * (lanes(delta)[k] - meanDelta);
    const size_t o = k * d;
    V* Ul = lanes(U) + o;
    if (all(on))
      addComponent<kLaplacian, true>(d, on, r, rt, cl, cd, skk, S, c.inverseEll + o, c.rateMeanOverEll + o, c.ellRateOverEll + o,
                                     T, Lap, Dl, Ul);
    else
      addComponent<kLaplacian, false>(d, on, r, rt, cl, cd, skk, S, c.inverseEll + o, c.rateMeanOverEll + o,
                                      c.ellRateOverEll + o, T, Lap, Dl, Ul);
  }
}

}  // namespace

DW2_SIMD_CLONES void diagonalMixtureLocalLanes(size_t K, size_t d, size_t rows, const MixtureLaneConstants& c, const double* x,
                                               double* s, double* dsdt, double* laplacian, double* D, double* U, double* work) {
  if (laplacian) mixtureLocalLanes<true>(K, d, rows, c, x, s, dsdt, laplacian, D, U, work);
  else mixtureLocalLanes<false>(K, d, rows, c, x, s, dsdt, laplacian, D, U, work);
}

}  // namespace dw2
