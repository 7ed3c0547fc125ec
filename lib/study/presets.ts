/** The embedded demo: two studies that need no input files. */
import type { StudyConfig } from './config.js';
import { requireFiniteNumber, requireInteger, requirePositive } from '../validate.js';

/**
 * A Gaussian with a power-law spectrum (d = 1024, λ_i ∝ i^(−1.5), a stand-in for natural-image
 * spectra) through every non-randomized sampler, exact errors. The log-SNR grid reaches the
 * asymptotic regime within these step counts (a uniform grid on vp with t_end = 1e-3 does not:
 * its error concentrates in the last steps); ddpm needs h·g² < 1, hence ≥ 20 steps.
 */
export const demoGaussianStudy: StudyConfig = {
  name: 'demo: power-law Gaussian (d = 1024)',
  target: { type: 'gaussian', eigenvalues: { powerLaw: { d: 1024, exponent: 1.5 } } },
  process: { name: 'vp' },
  prior: 'normal',
  grid: 'logsnr',
  tEnd: 1e-3,
  samplers: ['euler-maruyama', 'ddpm', 'exponential', 'euler', 'heun', 'rk4', 'ddim', 'exponential-ode', 'local-linearization', 'local-linearization-ode'],
  steps: [20, 40, 80, 160, 320, 640],
  fitLastPoints: 4,
};

/** Eight Gaussians on a circle of radius 4 (σ² = 0.09 each), equal weights. */
const maxRingComponents = 1_000_000;

export function ringMixture(components = 8, radius = 4, variance = 0.09) {
  // The mixture is built as plain JS arrays: a cap keeps a typo from exhausting the heap.
  requireInteger(components, 'components', 1, maxRingComponents);
  requireFiniteNumber(radius, 'radius');
  requirePositive(variance, 'variance');
  return {
    type: 'gmm' as const,
    weights: Array.from({ length: components }, () => 1 / components),
    means: Array.from({ length: components }, (_, k) => [radius * Math.cos((2 * Math.PI * k) / components), radius * Math.sin((2 * Math.PI * k) / components)]),
    variances: Array.from({ length: components }, () => [variance, variance]),
  };
}

/**
 * A 2-D eight-component ring mixture (radius 2.5, σ² = 0.25: neighbouring components overlap)
 * through five samplers. Each run is compared with exact target samples (exact-OT W2, which
 * stops at the two-sample floor) and, coupled, with a fine-grid reference from the same x_T and
 * Brownian path (rk4 at 1024 steps for ODE samplers, Euler–Maruyama at 4096 for SDE samplers);
 * orders are fitted on the coupled RMS against the pathwise orders. Step counts are powers of two
 * (dyadic grid times: the Brownian path costs about one draw per step). Well-separated modes are
 * avoided on purpose: there a fraction of coupled paths ∝ the error ends in different modes, and
 * the RMS falls at half the pathwise order (docs/studies.md).
 */
export const demoMixtureStudy: StudyConfig = {
  name: 'demo: 2-D eight-component Gaussian mixture',
  target: ringMixture(8, 2.5, 0.25),
  process: { name: 'vp' },
  prior: 'normal',
  grid: 'uniform',
  tEnd: 1e-3,
  samplers: ['euler-maruyama', 'exponential', 'randomized-midpoint', 'heun', 'local-linearization-ode'],
  steps: [8, 16, 32, 64],
  seeds: [0, 1, 2],
  n: 2000,
  coupled: true,
};
