// What one local-linearization step needs of a diagonal Gaussian mixture (gaussian_mixture_target.cc's
// formulas: s, ∂_t s, Δs and the summary ∇s = D + Σ_k u_k u_kᵀ) for up to 8 points at once, one per
// SIMD lane (targets/lanes.h). Per component k, with y = x − αμ_k, s_k = −y/ℓ_k, e_k = s_k − s,
// responsibilities r_k = softmax(log w_k + log N_k):
//   s = Σ r_k s_k,   ∂_t s = Σ r_k [∂_t s_k + (δ_k − δ̄) e_k],   Δs = Σ r_k [(tr H_k + |e_k|²) e_k + 2 H_k e_k],
//   D = Σ r_k H_k,   u_k = √r_k e_k,   H_k = −diag(1/ℓ_k),
//   δ_k = ∂_t log N_k = Σ_j [−fαμ_kj s_kj + ½ ℓ′_kj (s_kj² − 1/ℓ_kj)],   ∂_t s_kj = (fαμ_kj − ℓ′_kj s_kj)/ℓ_kj,
// (ℓ′ = 2fℓ + g²). The per-time quantities come precomputed (below), so the lanes only multiply and
// add, the formulas regrouped to need fewer operations per (k, j):
//   δ_k = Σ_j s_kj (½ℓ′_kj s_kj − fαμ_kj) − ½ Σ_j ℓ′_kj/ℓ_kj,   ∂_t s_kj = fαμ_kj/ℓ_kj − (ℓ′_kj/ℓ_kj) s_kj;
// components with r_k = 0 are skipped lane by lane (as the per-point code skips them), and every lane
// does the same operations whatever the others hold.
#pragma once
#include <cstddef>

namespace dw2 {

// Per component k and coordinate j (K·d each, index k·d + j): αμ, 1/ℓ, ½ℓ′, fαμ, fαμ/ℓ, ℓ′/ℓ; per
// component (K each): tr H_k, −½ Σ_j ℓ′_kj/ℓ_kj, log w_k, the log-normaliser of N_k.
struct MixtureLaneConstants {
  const double *alphaMean, *inverseEll, *halfEllRate, *rateMean, *rateMeanOverEll, *ellRateOverEll;
  const double *traceHessian, *deltaOffset, *logWeights, *logNormaliser;
};

// Doubles of work for diagonalMixtureLocalLanes.
inline size_t mixtureLocalLanesWork(size_t K, size_t d) { return 8 * (3 * d + K * d + 3 * K + 2); }

// rows ≤ 8 points x (rows × d) → s, dsdt, laplacian as lanes (d × 8 each, coordinate j of lane p at
// j·8 + p; the Laplacian not computed when null); D (d × 8) and U (K × d × 8, lane p
// of coordinate j of u_k at (k·d + j)·8 + p; zeros where r_k = 0). Lanes past `rows` hold the
// summary at x = 0 (the padding rows), not zeros: callers give those lanes nothing to act on.
void diagonalMixtureLocalLanes(size_t K, size_t d, size_t rows, const MixtureLaneConstants& c, const double* x, double* s,
                               double* dsdt, double* laplacian, double* D, double* U, double* work);

}  // namespace dw2
