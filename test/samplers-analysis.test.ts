/**
 * The exact Gaussian analysis of the k-diffusion-family samplers (multistep schemes run the
 * joint (x, history) recursion; edm's churn perturbs the input):
 *  1. against the published updates (helpers/published-samplers.ts): a run is affine in its start
 *     and in its normals, x_N = A x_T + B + Σ c_{kl} z_{kl}, so A, B and every c_{kl} are read off
 *     the transcription by evaluating it at unit inputs; the output law N(A m + B, A² v + Σ c²)
 *     must equal the library's recursion to 1e-12;
 *  2. against the library's own particles (Monte Carlo at 5 standard errors).
 */
import { describe, expect, it } from 'vitest';
import { gaussianRecursion, gaussianTarget, sampleSync, timeGrid, type ProcessName, type SamplerName } from '../lib/index.js';
import {
  dpmSolverPp2M,
  dpmSolverPp2SAncestral,
  dpmSolverPpSde,
  dpmSolverSinglestep,
  edmSampler,
  eulerAncestral,
  linearMultistep,
  uniPc,
  type Direction,
  type NoiseAt,
} from './helpers/published-samplers.js';
import { coefficients, marginal, type Coefficients } from './helpers/scalar-schemes.js';

const lambdas = [0.3, 1.7, 0.05];
const means = [0.8, -1.2, 0.1];

type Run = (c: Coefficients, grid: Float64Array, x0: number, dir: Direction, noise: NoiseAt) => number;
const edmChurn = { sChurn: 6, sTmin: 0.02, sTmax: 8, sNoise: 1.003 };
const cases: { sampler: SamplerName; options: Record<string, unknown>; run: Run; noises: number }[] = [
  { sampler: 'dpmpp-2m', options: {}, run: (c, g, x, dir) => dpmSolverPp2M(c, g, x, dir), noises: 0 },
  { sampler: 'euler-ancestral', options: { eta: 0.8, sNoise: 1.05 }, run: (c, g, x, dir, z) => eulerAncestral(c, g, x, dir, 0.8, 1.05, z), noises: 1 },
  { sampler: 'edm', options: edmChurn, run: (c, g, x, dir, z) => edmSampler(c, g, x, dir, { ...edmChurn }, z), noises: 1 },
  { sampler: 'unipc', options: { order: 3, variant: 'bh1' }, run: (c, g, x, dir) => uniPc(c, g, x, dir, { order: 3, variant: 'bh1', corrector: true }), noises: 0 },
  { sampler: 'dpm-2', options: {}, run: (c, g, x, dir) => dpmSolverSinglestep(c, g, x, dir, 2), noises: 0 },
  { sampler: 'dpm-3', options: {}, run: (c, g, x, dir) => dpmSolverSinglestep(c, g, x, dir, 3), noises: 0 },
  { sampler: 'dpmpp-2s-ancestral', options: {}, run: (c, g, x, dir, z) => dpmSolverPp2SAncestral(c, g, x, dir, 1, 1, z), noises: 1 },
  { sampler: 'dpmpp-2m-sde', options: {}, run: (c, g, x, dir, z) => dpmSolverPpSde(c, g, x, dir, 2, 1, 1, z), noises: 1 },
  { sampler: 'dpmpp-3m-sde', options: { eta: 0.7 }, run: (c, g, x, dir, z) => dpmSolverPpSde(c, g, x, dir, 3, 0.7, 1, z), noises: 1 },
  { sampler: 'lms', options: {}, run: (c, g, x, dir) => linearMultistep(c, g, x, dir, 4), noises: 0 },
  { sampler: 'unipc', options: {}, run: (c, g, x, dir) => uniPc(c, g, x, dir, { order: 2, variant: 'bh2', corrector: true }), noises: 0 },
];

/** Output law of an affine run from N(m0, v0), read off the transcription. */
function transcribedLaw(run: Run, c: Coefficients, grid: Float64Array, dir: Direction, noises: number, m0: number, v0: number) {
  const zero: NoiseAt = () => 0;
  const B = run(c, grid, 0, dir, zero);
  const A = run(c, grid, 1, dir, zero) - B;
  let noiseVariance = 0;
  for (let k = 0; k + 1 < grid.length; k++)
    for (let l = 0; l < noises; l++) {
      const ckl = run(c, grid, 0, dir, (kk, ll) => (kk === k && ll === l ? 1 : 0)) - B;
      noiseVariance += ckl * ckl;
    }
  return { mean: A * m0 + B, variance: A * A * v0 + noiseVariance };
}

describe('exact recursion = the published update’s own affine law', () => {
  const processes: { name: ProcessName; T: number; tEnd: number }[] = [
    { name: 'vp', T: 1, tEnd: 1e-3 },
    { name: 've', T: 20, tEnd: 0.002 },
    { name: 'ou', T: 4, tEnd: 0.01 },
    { name: 'heat', T: 30, tEnd: 0.001 },
  ];
  for (const p of processes)
    for (const cs of cases)
      it(`${cs.sampler} on ${p.name} (karras grid, 12 steps, start p_T)`, () => {
        const c = coefficients(p.name);
        const process = { name: p.name, T: p.T };
        const grid = timeGrid(process, { kind: 'karras', steps: 12, tEnd: p.tEnd });
        const r = gaussianRecursion({ eigenvalues: lambdas, mean: means, process, sampler: cs.sampler, grid, start: 'exact', ...cs.options });
        for (let j = 0; j < lambdas.length; j++) {
          const pT = marginal(c, p.T, means[j]!, lambdas[j]!);
          const want = transcribedLaw(cs.run, c, grid, { m: means[j]!, lam: lambdas[j]! }, cs.noises, pT.mean, pT.variance);
          expect(Math.abs(r.mean[j]! - want.mean)).toBeLessThan(1e-12);
          expect(Math.abs(r.variance[j]! - want.variance)).toBeLessThan(1e-12 * Math.max(1, want.variance));
        }
      });
});

describe('particles follow the exact recursion (Monte Carlo, 5 standard errors)', () => {
  for (const cs of cases)
    it(`${cs.sampler}: vp, 6 steps, n = 40000`, () => {
      const n = 40000;
      const target = gaussianTarget({ mean: means, variances: lambdas });
      const s = sampleSync({ target, sampler: cs.sampler, steps: 6, grid: 'karras', n, seed: 9, prior: 'exact', ...cs.options });
      const r = gaussianRecursion({ eigenvalues: lambdas, mean: means, sampler: cs.sampler, grid: s.grid, start: 'exact', ...cs.options });
      const d = lambdas.length;
      for (let j = 0; j < d; j++) {
        let m = 0;
        for (let i = 0; i < n; i++) m += s.samples.data[i * d + j]!;
        m /= n;
        let v = 0;
        for (let i = 0; i < n; i++) v += (s.samples.data[i * d + j]! - m) ** 2;
        v /= n - 1;
        expect(Math.abs(m - r.mean[j]!)).toBeLessThan(5 * Math.sqrt(r.variance[j]! / n));
        expect(Math.abs(v - r.variance[j]!)).toBeLessThan(5 * r.variance[j]! * Math.sqrt(2 / n));
      }
    });
});
