// The noise of one local-linearization step (spec §6) when no Brownian path has to be matched
// (per-step noise): η = √Q(hL) z with one standard normal z, Q the step's covariance in the
// eigen-direction μ of L,
//   Q = ∫₀ʰ e^{2μ(h − r)} (a + b r) dr = a h φ₁(2hμ) + b h² φ₂(2hμ),   g² = a + b r over the step.
// The path form c_W W + c_H H + √v ξ (local_linearization_noise.h) has the same variance
// c_W² h + c_H² h/12 + v = Q for fresh normals, so both forms give the same law of the step.
// Q ≥ 0 exactly (g² ≥ 0); the formula is written as a sum of two non-negative terms so that no
// cancellation can make it negative or inaccurate where g² nearly vanishes at one end of the step:
//   b ≥ 0:  Q = a h φ₁(z) + b h² φ₂(z),
//   b < 0:  Q = (a + b h) h φ₁(z) + |b| h² ψ(z),   ψ = φ₁ − φ₂,   z = 2hμ,
// with ψ(z) = ∫₀¹ s e^{zs} ds = (eᶻ(z − 1) + 1)/z² > 0 (the second form substitutes
// a + b r = (a + b h) − b (h − r)). Rounding negatives are clamped at 0 all the same.
#pragma once
#include <cmath>
#include "schemes/local_linearization.h"

namespace dw2 {

// ψ(z) = ∫₀¹ s e^{zs} ds = Σ_{k≥0} z^k / (k! (k + 2)): the Taylor series for |z| < 1 (to k = 17,
// error < 1e-17), else (expm1(z)(z − 1) + z)/z² (cancellation at most a factor ≈ 5 near z = −1;
// tends to 1/z² as z → −∞ without overflow).
DW2_LL_HD inline double phi1MinusPhi2(double z) {
  if (std::fabs(z) < 1.0) {
    const double c[18] = {5.00000000000000000e-01, 3.33333333333333315e-01, 1.25000000000000000e-01, 3.33333333333333329e-02,
                          6.94444444444444406e-03, 1.19047619047619058e-03, 1.73611111111111118e-04, 2.20458553791887140e-05,
                          2.48015873015873016e-06, 2.50521083854417176e-07, 2.29644326866549102e-08, 1.92708526041859370e-09,
                          1.49119692770486430e-10, 1.07060292245477428e-11, 7.16921599858107782e-13, 4.49833160695283296e-14,
                          2.65526518465965852e-15, 1.47971434439237934e-16};
    double s = c[17];
    for (int k = 16; k >= 0; --k) s = s * z + c[k];
    return s;
  }
  return (std::expm1(z) * (z - 1.0) + z) / (z * z);
}

// √Q of the step in eigen-direction mu: h the step, g² = a + b r in reverse time r ∈ [0, h]
// (a = g(t_k)², b = −(g²)′(t_k)); a ≥ 0, a + b h ≥ 0.
DW2_LL_HD inline double localLinearizationStepNoiseStd(double h, double mu, double a, double b) {
  const double z = 2.0 * h * mu;
  const double q = b >= 0.0 ? a * h * phi1(z) + b * h * h * phi2(z)
                            : fmax(0.0, a + b * h) * h * phi1(z) - b * h * h * phi1MinusPhi2(z);
  return std::sqrt(fmax(0.0, q));
}

}  // namespace dw2
