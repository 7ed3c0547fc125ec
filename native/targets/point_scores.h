// The score of an analytic target at one point (spec §4): a Gaussian N(μ, Σ) or a mixture
// Σ_k w_k N(μ_k, Σ_k), every component kept in the eigenbasis of its covariance, so that the
// marginal covariance α²Σ_k + σ²I is diagonal there with eigenvalues ℓ_kj = α²λ_kj + σ².
// Inline host/device code: the CPU targets (gaussian_target.cc, gaussian_mixture_target.cc,
// gaussian_components.cc) and the CUDA kernels (cuda/sampler_kernels.cu) compile these same
// functions, so the two compute every score with the same operations in the same order.
// Vectors are anything with operator[]: plain pointers on the CPU, Strided on the GPU, whose work
// vectors are coordinate-major (neighbouring threads read neighbouring addresses). DW2_HD: host
// and device, and always inlined on the host, so that the CPU's SIMD clones that call these
// (gaussian_components.cc) compile them for their own instruction set.
#pragma once
#include <cmath>
#include <cstddef>
#include "random/deterministic_math.h"

namespace dw2::point {

constexpr double kLog2Pi = 1.8378770664093453;

// Element i at data[i · stride].
template <class T>
struct Strided {
  T* data;
  size_t stride;
  DW2_HD T& operator[](size_t i) const { return data[i * stride]; }
};

// K components of dimension d: means and eigenvalues K·d; basis K·d·d with row j of component k
// (its j-th eigenvector) at (k·d + j)·d, or null when every covariance is diagonal (identity basis).
struct Components {
  size_t K, d;
  const double* means;
  const double* eigenvalues;
  const double* basis;
  DW2_HD bool diagonal() const { return basis == nullptr; }
  DW2_HD const double* mean(size_t k) const { return means + k * d; }
  DW2_HD const double* rows(size_t k) const { return basis + k * d * d; }
};

// ℓ = α²λ + σ² (a2 = α²).
DW2_HD inline double marginalEigenvalue(double a2, double lambda, double sigma2) { return a2 * lambda + sigma2; }

// out_j = u_j · v: coordinates of v in the basis whose d rows are u_j.
template <class V, class O>
DW2_HD inline void toBasis(const double* rows, size_t d, V v, O out) {
  for (size_t j = 0; j < d; ++j) {
    const double* row = rows + j * d;
    double s = 0.0;
    for (size_t i = 0; i < d; ++i) s += row[i] * v[i];
    out[j] = s;
  }
}

// out = Σ_j w_j u_j: back from basis coordinates.
template <class W, class O>
DW2_HD inline void fromBasis(const double* rows, size_t d, W w, O out) {
  for (size_t i = 0; i < d; ++i) out[i] = 0.0;
  for (size_t j = 0; j < d; ++j) {
    const double* row = rows + j * d;
    const double wj = w[j];
    for (size_t i = 0; i < d; ++i) out[i] += wj * row[i];
  }
}

// ŷ = coordinates of x − αμ_k in component k's eigenbasis. Subtract before rotating: x − αμ is
// small exactly where accuracy matters (formed per term, so no scratch vector is needed).
template <class X, class Y>
DW2_HD inline void residualInBasis(const Components& g, size_t k, double alpha, X x, Y yhat) {
  const double* mu = g.mean(k);
  if (g.diagonal()) {
    for (size_t i = 0; i < g.d; ++i) yhat[i] = x[i] - alpha * mu[i];
    return;
  }
  for (size_t j = 0; j < g.d; ++j) {
    const double* row = g.rows(k) + j * g.d;
    double s = 0.0;
    for (size_t i = 0; i < g.d; ++i) s += row[i] * (x[i] - alpha * mu[i]);
    yhat[j] = s;
  }
}

// ŝ_j = −ŷ_j/ℓ_j, the score in the eigenbasis (ŝ may alias ŷ).
template <class Y, class S>
DW2_HD inline void scoreInBasis(const double* lambda, size_t d, double alpha, double sigma2, Y yhat, S shat) {
  const double a2 = alpha * alpha;
  for (size_t j = 0; j < d; ++j) shat[j] = -yhat[j] / marginalEigenvalue(a2, lambda[j], sigma2);
}

// A single Gaussian (component 0): s = −Σ_t⁻¹(x − αμ) = Uᵀ ŝ. work: d doubles.
template <class X, class S, class W>
DW2_HD inline void gaussianScore(const Components& g, double alpha, double sigma2, X x, S s, W work) {
  residualInBasis(g, 0, alpha, x, work);
  scoreInBasis(g.eigenvalues, g.d, alpha, sigma2, work, work);
  if (g.diagonal()) {
    for (size_t i = 0; i < g.d; ++i) s[i] = work[i];
    return;
  }
  fromBasis(g.rows(0), g.d, work, s);
}

// The per-time constants of the components at (α, σ²), 1/ℓ_kj and the log normalisers
// −½(Σ_j log ℓ_kj + d log 2π), computed from the eigenvalues: what the CPU caches per time
// (GaussianComponents::timeConstants) and the GPU evaluates at per-particle times.
struct FreshConstants {
  const Components& g;
  double a2, sigma2;
  DW2_HD double ell(size_t k, size_t j) const { return marginalEigenvalue(a2, g.eigenvalues[k * g.d + j], sigma2); }
  DW2_HD double inverseEll(size_t k, size_t j) const { return 1.0 / ell(k, j); }
  DW2_HD double logNormaliser(size_t k) const {
    double logDet = 0.0;
    for (size_t j = 0; j < g.d; ++j) logDet += std::log(ell(k, j));
    return -0.5 * (logDet + double(g.d) * kLog2Pi);
  }
};

// The same constants read from a cache: inverseEll K·d, logNormaliser K.
struct CachedConstants {
  const double* inverseElls;
  const double* logNormalisers;
  size_t d;
  DW2_HD double inverseEll(size_t k, size_t j) const { return inverseElls[k * d + j]; }
  DW2_HD double logNormaliser(size_t k) const { return logNormalisers[k]; }
};

// Component k at x: writes its score in its eigenbasis, ŝ = −ŷ/ℓ, to shat and returns
// −½ Σ_j ŷ_j²/ℓ_j (its log-density without the normaliser).
template <class C, class X, class S>
DW2_HD inline double componentScoreInBasis(const Components& g, const C& c, size_t k, double alpha, X x, S shat) {
  residualInBasis(g, k, alpha, x, shat);
  double quadratic = 0.0;
  for (size_t j = 0; j < g.d; ++j) {
    const double s = -shat[j] * c.inverseEll(k, j);
    quadratic -= shat[j] * s;
    shat[j] = s;
  }
  return -0.5 * quadratic;
}

// log w_k + log N_k(x) from h = −½ŷᵀℓ⁻¹ŷ. The two covariance kinds add in different orders:
// each is the order its CPU path has always had (the diagonal one is also the block kernel's).
DW2_HD inline double componentLogit(bool diagonal, double logWeight, double logNormaliser, double h) {
  return diagonal ? logWeight + h + logNormaliser : logWeight + (logNormaliser + h);
}

// In place: logits → softmax(logits), by log-sum-exp (stable for any spread; −∞ becomes exactly
// 0). The exponential is the deterministic one, so every SIMD path and the GPU agree bitwise.
template <class V>
DW2_HD inline void softmaxInPlace(V v, size_t n) {
  double top = -INFINITY;
  for (size_t k = 0; k < n; ++k) top = v[k] > top ? v[k] : top;
  for (size_t k = 0; k < n; ++k) v[k] = deterministicExp(v[k] - top);
  double sum = 0.0;
  for (size_t k = 0; k < n; ++k) sum += v[k];
  const double inverse = 1.0 / sum;
  for (size_t k = 0; k < n; ++k) v[k] *= inverse;
}

// The mixture score s = Σ_k r_k s_k with responsibilities r = softmax(log w_k + log N_k(x)).
// Work says where the per-component vectors go: logits (K, left holding r), shat(k) (ŝ_k) and
// sk(k) (s_k = U_kᵀ ŝ_k; the same vector as shat(k) for diagonal covariances). With
// Work::kKeepsComponents every component has its own vectors (the CPU's derivatives reuse them);
// without, they share one pair and ŝ_k is recomputed in the second pass (the GPU's memory).
template <class C, class X, class S, class Work>
DW2_HD inline void mixtureScore(const Components& g, const C& c, const double* logWeights, double alpha, X x, S s, const Work& w) {
  const bool diagonal = g.diagonal();
  for (size_t k = 0; k < g.K; ++k)
    w.logits[k] = componentLogit(diagonal, logWeights[k], c.logNormaliser(k), componentScoreInBasis(g, c, k, alpha, x, w.shat(k)));
  softmaxInPlace(w.logits, g.K);
  for (size_t i = 0; i < g.d; ++i) s[i] = 0.0;
  for (size_t k = 0; k < g.K; ++k) {
    const double r = w.logits[k];
    // Full covariances skip components of zero weight; diagonal ones add r·s_k regardless, as
    // their block kernel does.
    if (!diagonal && r == 0) continue;
    if (!Work::kKeepsComponents) componentScoreInBasis(g, c, k, alpha, x, w.shat(k));
    if (!diagonal) fromBasis(g.rows(k), g.d, w.shat(k), w.sk(k));
    const auto sk = w.sk(k);
    for (size_t i = 0; i < g.d; ++i) s[i] += r * sk[i];
  }
}

}  // namespace dw2::point
