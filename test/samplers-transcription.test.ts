/**
 * The k-diffusion-family samplers against independent transcriptions of their published
 * updates (test/helpers/published-samplers.ts, written from the papers), from identical starts
 * x0 and, for the stochastic ones, identical normals (normalsSync gives the sampler's noise of
 * step k, index l). Both score routes are checked: a native Gaussian target (fused executor)
 * and a JS score callback (stage-wise executor). Agreement to 1e-12 on O(1) values.
 */
import { describe, expect, it } from 'vitest';
import { gaussianTarget, normalsSync, sampleSync, type ProcessName, type SampleOptions, type SamplerName } from '../lib/index.js';
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
} from './helpers/published-samplers.js';
import { coefficients, type Coefficients } from './helpers/scalar-schemes.js';

const means = [0.8, -1.2];
const lambdas = [0.3, 1.7];
const n = 3;
const d = 2;
const seed = 11;
const processes: { name: ProcessName; T: number; tEnd: number }[] = [
  { name: 'vp', T: 1, tEnd: 1e-3 },
  { name: 'ou', T: 5, tEnd: 1e-2 },
  { name: 've', T: 20, tEnd: 0.002 },
  { name: 'heat', T: 50, tEnd: 1e-3 },
];

type Reference = (c: Coefficients, grid: Float64Array, x0: number, dir: Direction, noise: (k: number, l: number) => number) => number;

interface Case {
  sampler: SamplerName;
  options: Partial<SampleOptions>;
  reference: Reference;
}

const cases: Case[] = [
  { sampler: 'dpmpp-2m', options: {}, reference: (c, g, x0, dir) => dpmSolverPp2M(c, g, x0, dir) },
  { sampler: 'euler-ancestral', options: {}, reference: (c, g, x0, dir, z) => eulerAncestral(c, g, x0, dir, 1, 1, z) },
  { sampler: 'euler-ancestral', options: { eta: 0.6, sNoise: 1.1 }, reference: (c, g, x0, dir, z) => eulerAncestral(c, g, x0, dir, 0.6, 1.1, z) },
  { sampler: 'edm', options: {}, reference: (c, g, x0, dir, z) => edmSampler(c, g, x0, dir, { sChurn: 0, sTmin: 0, sTmax: Infinity, sNoise: 1 }, z) },
  {
    sampler: 'edm',
    options: { sChurn: 4, sTmin: 0.05, sTmax: 5, sNoise: 1.007 },
    reference: (c, g, x0, dir, z) => edmSampler(c, g, x0, dir, { sChurn: 4, sTmin: 0.05, sTmax: 5, sNoise: 1.007 }, z),
  },
  { sampler: 'dpm-2', options: {}, reference: (c, g, x0, dir) => dpmSolverSinglestep(c, g, x0, dir, 2) },
  { sampler: 'dpm-3', options: {}, reference: (c, g, x0, dir) => dpmSolverSinglestep(c, g, x0, dir, 3) },
  { sampler: 'dpmpp-2s-ancestral', options: {}, reference: (c, g, x0, dir, z) => dpmSolverPp2SAncestral(c, g, x0, dir, 1, 1, z) },
  { sampler: 'dpmpp-2s-ancestral', options: { eta: 0.5, sNoise: 1.02 }, reference: (c, g, x0, dir, z) => dpmSolverPp2SAncestral(c, g, x0, dir, 0.5, 1.02, z) },
  { sampler: 'dpmpp-2m-sde', options: {}, reference: (c, g, x0, dir, z) => dpmSolverPpSde(c, g, x0, dir, 2, 1, 1, z) },
  { sampler: 'dpmpp-2m-sde', options: { eta: 0 }, reference: (c, g, x0, dir) => dpmSolverPp2M(c, g, x0, dir) },
  { sampler: 'dpmpp-3m-sde', options: {}, reference: (c, g, x0, dir, z) => dpmSolverPpSde(c, g, x0, dir, 3, 1, 1, z) },
  { sampler: 'dpmpp-3m-sde', options: { eta: 0.3, sNoise: 0.9 }, reference: (c, g, x0, dir, z) => dpmSolverPpSde(c, g, x0, dir, 3, 0.3, 0.9, z) },
  { sampler: 'lms', options: {}, reference: (c, g, x0, dir) => linearMultistep(c, g, x0, dir, 4) },
  { sampler: 'lms', options: { order: 2 }, reference: (c, g, x0, dir) => linearMultistep(c, g, x0, dir, 2) },
  ...([1, 2, 3] as const).flatMap((order) =>
    (['bh1', 'bh2'] as const).flatMap((variant) =>
      [true, false].map((corrector) => ({
        sampler: 'unipc' as const,
        options: { order, variant, corrector },
        reference: ((c, g, x0, dir) => uniPc(c, g, x0, dir, { order, variant, corrector })) as Reference,
      })),
    ),
  ),
];

function gaussianScore(c: Coefficients) {
  return (t: number | Float64Array, x: Float64Array | Float32Array, rows: number, dim: number, out: Float64Array | Float32Array) => {
    if (typeof t !== 'number') throw new Error('per-particle times are not expected here');
    const a = c.alpha(t);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < dim; j++) out[i * dim + j] = -(x[i * dim + j]! - a * means[j]!) / (a * a * lambdas[j]! + c.sigma2(t));
  };
}

describe('samplers equal their published updates from identical starts and noise', () => {
  for (const process of processes)
    for (const cs of cases)
      for (const grid of ['uniform', 'karras'] as const)
        it(`${cs.sampler} ${JSON.stringify(cs.options)} on ${process.name}, ${grid} grid`, () => {
          const c = coefficients(process.name);
          const x0 = Float64Array.from({ length: n * d }, (_, q) => Math.sqrt(c.sigma2(process.T) + lambdas[q % d]!) * Math.sin(1 + 2.3 * q));
          const run: SampleOptions = { process: { name: process.name, T: process.T }, sampler: cs.sampler, steps: 9, grid, tEnd: process.tEnd, n, x0, seed, ...cs.options };
          const fused = sampleSync({ ...run, target: gaussianTarget({ mean: means, variances: lambdas }) });
          const callback = sampleSync({ ...run, score: gaussianScore(c), d });
          const times = fused.grid;
          const normals = new Map<string, Float64Array>();
          const noiseOf = (i: number, j: number) => (k: number, l: number) => {
            const key = `${k}/${l}`;
            if (!normals.has(key)) normals.set(key, normalsSync({ seed, n, d, step: k, stage: l }).data as Float64Array);
            return normals.get(key)![i * d + j]!;
          };
          let worst = 0;
          for (let i = 0; i < n; i++)
            for (let j = 0; j < d; j++) {
              const want = cs.reference(c, times, x0[i * d + j]!, { m: means[j]!, lam: lambdas[j]! }, noiseOf(i, j));
              worst = Math.max(worst, Math.abs(fused.samples.data[i * d + j]! - want), Math.abs(callback.samples.data[i * d + j]! - want));
            }
          expect(worst).toBeLessThan(1e-12);
          expect(fused.nfe).toBe(callback.nfe);
        });
});
