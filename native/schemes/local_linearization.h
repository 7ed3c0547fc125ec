// Local linearization (spec §6). Around (t_k, x) the reverse drift b is replaced by its
// first-order model b + L δ + M s, integrated exactly over the step:
//   x′ = x + h φ₁(hL) b + h² φ₂(hL) M + η,
//   η ~ N(0, Q),  Q = g(t_k)² h φ₁(2hL) − (g²)′(t_k) h² φ₂(2hL)   (g² affine over the step).
// Freezing g² at t_k (dropping the second term) costs one order wherever g varies (`vp`).
// L is symmetric, so every matrix function acts on its eigenvalues μ (dense route) or on
// the Ritz values of a Lanczos basis (Krylov route); both, and the exact Gaussian analysis
// (one eigenvalue per direction), use these scalar weights.
#pragma once
#include <cmath>

#if defined(__CUDACC__)
#define DW2_LL_HD __host__ __device__
#else
#define DW2_LL_HD
#endif

namespace dw2 {

// φ₁(z) = (eᶻ − 1)/z, φ₂(z) = (eᶻ − 1 − z)/z², with their limits 1 and ½ at 0.
DW2_LL_HD inline double phi1(double z) {
  if (std::fabs(z) < 1e-5) return 1.0 + z * (0.5 + z * (1.0 / 6.0 + z / 24.0));
  return std::expm1(z) / z;
}

DW2_LL_HD inline double phi2(double z) {
  // For |z| < 1 the Taylor series Σ z^k/(k+2)! (to k = 16, error < 1e-17) avoids the
  // cancellation in eᶻ − 1 − z.
  if (std::fabs(z) < 1.0) {
    const double c[17] = {5.00000000000000000e-01, 1.66666666666666657e-01, 4.16666666666666644e-02, 8.33333333333333322e-03, 1.38888888888888894e-03, 1.98412698412698413e-04, 2.48015873015873016e-05, 2.75573192239858925e-06, 2.75573192239858883e-07, 2.50521083854417202e-08, 2.08767569878681002e-09, 1.60590438368216133e-10, 1.14707455977297245e-11, 7.64716373181981641e-13, 4.77947733238738525e-14, 2.81145725434552060e-15, 1.56192069685862253e-16};
    double s = c[16];
    for (int k = 15; k >= 0; --k) s = s * z + c[k];
    return s;
  }
  return (std::expm1(z) - z) / (z * z);
}

// Weights of one eigen-direction of L with eigenvalue mu, for a step of length h.
struct LocalLinearizationWeights {
  double drift;     // h φ₁(h μ): multiplies b
  double curvature; // h² φ₂(h μ): multiplies M
};

DW2_LL_HD inline LocalLinearizationWeights localLinearizationWeights(double h, double mu) {
  return {h * phi1(h * mu), h * h * phi2(h * mu)};
}

// Q in the eigen-direction mu: ∫₀ʰ e^{2μ(h − r)} (a + b r) dr with g² = a + b r in reverse time
// r over the step, i.e. a = g(t_k)², b = −(g²)′(t_k).
DW2_LL_HD inline double localLinearizationNoiseVariance(double h, double mu, double a, double b) {
  return a * h * phi1(2.0 * h * mu) + b * h * h * phi2(2.0 * h * mu);
}

}  // namespace dw2
