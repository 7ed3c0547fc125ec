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
  dpmAdaptive,
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

describe('dpm-adaptive equals the published adaptive algorithm (grid, counts, samples)', () => {
  const defaults = { rtol: 0.05, atol: 0.0078, hInit: 0.05, pcoeff: 0, icoeff: 1, dcoeff: 0, acceptSafety: 0.81 };
  const settings = [
    { order: 3 as const, ...defaults },
    { order: 2 as const, ...defaults, rtol: 0.01, atol: 0.002 },
    { order: 3 as const, ...defaults, rtol: 0.005, atol: 0.001, pcoeff: 0.3, icoeff: 0.9, dcoeff: 0.2, hInit: 0.2 },
  ];
  for (const process of processes)
    for (const o of settings)
      it(`${process.name}, order ${o.order}, rtol ${o.rtol}, PID (${o.pcoeff}, ${o.icoeff}, ${o.dcoeff})`, () => {
        const c = coefficients(process.name);
        const x0 = Float64Array.from({ length: n * d }, (_, q) => Math.sqrt(c.sigma2(process.T) + lambdas[q % d]!) * Math.sin(1 + 2.3 * q));
        const { order, ...rest } = o;
        const r = sampleSync({ target: gaussianTarget({ mean: means, variances: lambdas }), process: { name: process.name, T: process.T }, sampler: 'dpm-adaptive', tEnd: process.tEnd, n, x0, order, ...rest });
        const want = dpmAdaptive(c, process.T, process.tEnd, x0, means.map((m, j) => ({ m, lam: lambdas[j]! })), o);
        expect(r.accepted).toBe(want.accepted);
        expect(r.rejected).toBe(want.rejected);
        expect(r.nfe).toBe(want.nfe);
        expect(r.grid.length).toBe(want.grid.length);
        // The controller's error E is a difference of two solutions that agree to ~1e-4, so it
        // (1e-6 with tight tolerances) carries 1e-12–1e-10 relative rounding; h inherits it and λ sums it
        // over the attempts: the two implementations' grids agree to 1e-8 relative, not to the last bits.
        for (let k = 0; k < want.grid.length; k++) expect(Math.abs(r.grid[k]! - want.grid[k]!)).toBeLessThan(1e-8 * want.grid[k]!);
        for (let q = 0; q < n * d; q++) expect(Math.abs(r.samples.data[q]! - want.x[q]!)).toBeLessThan(1e-8);
        // On the library's accepted grid the published steps reproduce its samples to 1e-12.
        for (let i = 0; i < n; i++)
          for (let j = 0; j < d; j++) {
            const step = dpmSolverSinglestep(c, r.grid, x0[i * d + j]!, { m: means[j]!, lam: lambdas[j]! }, order);
            expect(Math.abs(r.samples.data[i * d + j]! - step)).toBeLessThan(1e-12);
          }
        // The run is the pair's higher-order member on the accepted grid: the analysis's plans.
        const replay = sampleSync({ target: gaussianTarget({ mean: means, variances: lambdas }), process: { name: process.name, T: process.T }, sampler: 'dpm-adaptive', grid: r.grid, n, x0, order, ...rest });
        expect(replay.grid).toEqual(r.grid);
        const fixed = sampleSync({ target: gaussianTarget({ mean: means, variances: lambdas }), process: { name: process.name, T: process.T }, sampler: order === 3 ? 'dpm-3' : 'dpm-2', grid: r.grid, n, x0 });
        expect(Array.from(fixed.samples.data)).toEqual(Array.from(r.samples.data));
      });
});
