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

/** The 2-D eight-component mixture through five samplers, exact-OT W2 against exact samples. */
export const demoMixtureStudy: StudyConfig = {
  name: 'demo: 2-D eight-component Gaussian mixture',
  target: ringMixture(),
  process: { name: 'vp' },
  prior: 'normal',
  grid: 'uniform',
  tEnd: 1e-3,
  samplers: ['euler-maruyama', 'heun', 'exponential', 'randomized-midpoint', 'local-linearization'],
  steps: [4, 6, 8, 12, 16, 24, 32],
  seeds: [0, 1, 2, 3],
  n: 2000,
};
