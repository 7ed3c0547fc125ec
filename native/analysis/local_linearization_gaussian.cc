// Local linearization (spec §6) on Gaussian data. Per eigen-direction the score
// s(t, y) = −(y − α_t m)/ℓ_t is affine, so the scheme is exact arithmetic on affine forms:
//   SDE: b = −f x + g² s,   L = −f − g²/ℓ,     M = f′x − (g²)′ s − g² ∂_t s   (Δs = 0),
//   ODE: b = −f x + ½g² s,  L = −f − ½g²/ℓ,    M = f′x − ½(g²)′ s − ½g² ∂_t s, no noise,
// with ∂_t s = f α m/ℓ + (y − α m) ℓ′/ℓ² and ℓ′ = 2fℓ + g² (spec §7), and the scalar weights
// of localLinearizationWeights(h, L) and the noise variance Q = g² h φ₁(2hL) − (g²)′ h² φ₂(2hL)
// of localLinearizationNoiseVariance shared with the particle sampler (whose noise
// c_W W + c_H H + √v ξ has exactly this variance: local_linearization_noise.h).
#include <cmath>
#include "analysis/direction_blocks.h"
#include "analysis/gaussian_recursion.h"
#include "core/errors.h"
#include "runtime/simd.h"
#include "schemes/local_linearization.h"

namespace dw2::analysis {

namespace {

struct LinearizationStep {
  double h, f, g2, dfdt, dg2dt, alpha, alpha2, sigma2, cap;  // cap: κ/h (+∞ = plain scheme)
};

DW2_SIMD_CLONES void applyLinearizationStep(const LinearizationStep& st, bool ode, const double* lambda, const double* centre, size_t lo,
                                            size_t hi, double* A, double* B, double* V) {
  const double half = ode ? 0.5 : 1.0;  // the ODE drift carries ½g²
  for (size_t i = lo; i < hi; ++i) {
    const double ell = st.alpha2 * lambda[i] + st.sigma2;
    const double precision = 1.0 / ell;
    const double dEll = 2.0 * st.f * ell + st.g2;
    const double am = st.alpha * centre[i];
    // Affine forms (coefficient of x, constant) of s, ∂_t s, b and M at (t_k, x).
    const double sX = -precision, sC = am * precision;
    const double dsX = dEll * precision * precision, dsC = st.f * am * precision - am * dEll * precision * precision;
    const double L = -st.f + half * st.g2 * sX;
    const double bC = half * st.g2 * sC;
    const double mX = st.dfdt - half * st.dg2dt * sX - half * st.g2 * dsX;
    const double mC = -half * st.dg2dt * sC - half * st.g2 * dsC;
    // The model's growth rate: L, or min(L, κ/h) in the stabilized variant; the affine forms
    // of b and M are unchanged.
    const double mu = std::fmin(L, st.cap);
    const LocalLinearizationWeights w = localLinearizationWeights(st.h, mu);
    const double a = 1.0 + w.drift * L + w.curvature * mX;
    const double b = w.drift * bC + w.curvature * mC;
    const double noise = ode ? 0.0 : localLinearizationNoiseVariance(st.h, mu, st.g2, -st.dg2dt);
    A[i] = a * A[i];
    B[i] = a * B[i] + b;
    V[i] = a * a * V[i] + noise;
  }
}

}  // namespace

DirectionMaps localLinearizationMaps(bool ode, const Process& p, const std::vector<double>& grid, const ScoreSpectrum& score, Progress& progress,
                                     double linearizationCap) {
  if (grid.size() < 2) fail(ErrorCode::InvalidArgument, "a grid needs at least 2 times");
  std::vector<LinearizationStep> steps(grid.size() - 1);
  for (size_t k = 0; k + 1 < grid.size(); ++k) {
    const double t = grid[k];
    const double h = t - grid[k + 1];
    steps[k] = {h, p.f(t), p.g2(t), p.dfdt(t), p.dg2dt(t), p.alpha(t), p.alpha(t) * p.alpha(t), p.sigma2(t), linearizationCap / h};
  }
  DirectionMaps maps;
  maps.resetIdentity(score.d);
  maps.nfe = static_cast<long long>(steps.size());
  double* A = maps.gain.data();
  double* B = maps.offset.data();
  double* V = maps.noiseVariance.data();
  forDirectionBlocks(score.d, steps.size(), 120.0, progress, [&](size_t s0, size_t s1, size_t lo, size_t hi) {
    for (size_t k = s0; k < s1; ++k) applyLinearizationStep(steps[k], ode, score.lambda, score.centre, lo, hi, A, B, V);
  });
  return maps;
}

}  // namespace dw2::analysis
