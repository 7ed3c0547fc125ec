// The local-linearization weights of local_linearization.h and local_linearization_step_noise.h at
// eight values z = hμ at once (SIMD lanes), for the interpolation nodes of the polynomial route
// (sampler/lane_chebyshev.h):
//   drift h φ₁(z),   curvature h² φ₂(z),   per-step noise √Q with Q = a h φ₁(2z) + b h² φ₂(2z)
// (written as two non-negative terms as in local_linearization_step_noise.h). Same formulas: Taylor
// series for |z| < 1, closed forms through eᶻ otherwise; eᶻ is deterministicExp's (IEEE operations
// only) instead of libm's expm1, so the values agree with the scalar weights to a few ulp and every
// lane's bits are its own. Selects are bit masks, so the clones stay vector code.
#pragma once
#include <cmath>
#include <cstring>
#include "random/deterministic_math.h"
#include "targets/lane_masks.h"

namespace dw2 {
namespace laneweights {

using lanemask::V;

// Coefficients 1/((k + shift)!) for k < N (φ₁: shift 1, φ₂: shift 2), or 1/(k! (k + 2)) (ψ = φ₁ − φ₂).
template <int N>
struct TaylorTable {
  double c[N];
  constexpr TaylorTable(int shift, bool psi) : c() {
    double factorial = 1.0;  // k!
    for (int k = 0; k < N; ++k) {
      if (k > 0) factorial *= k;
      double shifted = factorial;
      for (int j = k + 1; j <= k + shift; ++j) shifted *= j;
      c[k] = psi ? 1.0 / (factorial * (k + 2)) : 1.0 / shifted;
    }
  }
};
// Truncation below 1e-17 for |z| < 1: the first omitted terms are 1/19!, 1/19! and 1/(18! · 20).
constexpr TaylorTable<18> kPhi1Series(1, false), kPhi2Series(2, false), kPsiSeries(0, true);

template <int N>
__attribute__((always_inline)) inline V series(const TaylorTable<N>& t, V z) {
  V s = V{} + t.c[N - 1];
  for (int k = N - 2; k >= 0; --k) s = s * z + t.c[k];
  return s;
}

__attribute__((always_inline)) inline V laneExp(V z) {
  double in[8], out[8];
  std::memcpy(in, &z, sizeof in);
  interleaved::exp<8>(in, out);
  V e;
  std::memcpy(&e, out, sizeof e);
  return e;
}

// |z| < 1 per lane (false for NaN).
__attribute__((always_inline)) inline lanemask::Mask small(V z) { return lanemask::greater(lanemask::bitsOf(1.0), lanemask::absBits(z)); }

// φ₁(z), φ₂(z) and ψ(z) = φ₁(z) − φ₂(z) from e = eᶻ; the series only where a lane needs it (the
// selected value of each lane is the same either way).
__attribute__((always_inline)) inline V phi1(V z, V e) {
  const lanemask::Mask s = small(z);
  const V closed = (e - 1.0) / z;
  return lanemask::any(s) ? lanemask::select(s, series(kPhi1Series, z), closed) : closed;
}
__attribute__((always_inline)) inline V phi2(V z, V e) {
  const lanemask::Mask s = small(z);
  const V closed = (e - 1.0 - z) / (z * z);
  return lanemask::any(s) ? lanemask::select(s, series(kPhi2Series, z), closed) : closed;
}
__attribute__((always_inline)) inline V psi(V z, V e) {
  const lanemask::Mask s = small(z);
  const V closed = (e * (z - 1.0) + 1.0) / (z * z);
  return lanemask::any(s) ? lanemask::select(s, series(kPsiSeries, z), closed) : closed;
}

// Drift and curvature weights of a step h at z = hμ, from e = eᶻ.
__attribute__((always_inline)) inline void driftCurvature(double h, V z, V e, V* drift, V* curvature) {
  *drift = h * phi1(z, e);
  *curvature = (h * h) * phi2(z, e);
}

// √Q at z = hμ, g² = a + b r over the step (a ≥ 0, a + b h ≥ 0), as localLinearizationStepNoiseStd.
__attribute__((always_inline)) inline V stepNoiseStd(double h, V z, double a, double b) {
  const V z2 = 2.0 * z;
  const V e2 = laneExp(z2);
  const V q = b >= 0.0 ? a * h * phi1(z2, e2) + b * h * h * phi2(z2, e2)
                       : std::fmax(0.0, a + b * h) * h * phi1(z2, e2) - b * h * h * psi(z2, e2);
  // q ≥ 0 exactly: both terms are non-negative (no cancellation), so no clamp is needed.
  V r;
  for (int p = 0; p < 8; ++p) r[p] = std::sqrt(q[p]);
  return r;
}

}  // namespace laneweights
}  // namespace dw2
