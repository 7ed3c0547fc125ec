// The exact reverse-time flows on Gaussian data (no discretization), as DirectionMaps from time
// T to t. They form one family with the marginals of the forward process (spec §7):
//   dx = [f x − ½(1 + η²) g² s] dt + η g dW̄,   η = 0: the probability-flow ODE, η = 1: the reverse SDE.
// Per eigen-direction, with ℓ_t = α_t²λ + σ_t² (so ℓ′ = 2fℓ + g²) and the deviation e = x − α_t m
// from the mean of p_t, the exact score −e/ℓ makes the drift of e linear:
//   de = [f + ½(1 + η²) g²/ℓ] e dt + η g dW̄,   and g²/ℓ = ℓ′/ℓ − 2f, so integrating from T down to t
//   the transfer factor is k = (ℓ_t/ℓ_T)^{(1+η²)/2} (α_T/α_t)^{η²}.
// The mean of e scales by k and its variance by k², plus the noise that keeps p_T ↦ p_t:
//   m_t = α_t m + k (m_T − α_T m),   v_t = ℓ_t + k² (v_T − ℓ_T).
// So A = k, B = (α_t − k α_T) m, V = ℓ_t − k² ℓ_T = ℓ_t [1 − (α_T² ℓ_t / (α_t² ℓ_T))^{η²}] ≥ 0,
// since ℓ/α² = λ + σ²/α² grows with t. η = 0 and η = 1 give spec §7's ODE and SDE (Pierret &
// Galerne, Prop. 2 and 3); other η are the extension documented in docs/gaussian-analysis.md.
#pragma once
#include "analysis/direction_maps.h"
#include "process/process.h"

namespace dw2::analysis {

// eta ≥ 0 (finite).
DirectionMaps continuousFlowMaps(double eta, const Process& process, double T, double t, const ScoreSpectrum& score);

}  // namespace dw2::analysis
