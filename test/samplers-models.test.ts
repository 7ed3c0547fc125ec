/**
 * Model conventions: an x₀-, ε-, v-predictor or a k-diffusion denoiser D(y, ς) drives every
 * sampler exactly as the score it encodes (closed forms for a diagonal Gaussian written here),
 * and the per-step callback sees each step once, with the right x̂₀.
 */
import { describe, expect, it } from 'vitest';
import { gaussianTarget, InvalidArgumentError, sampleSync, type ModelInput, type ProcessName, type SamplerName, type StepInfo } from '../lib/index.js';
import { coefficients, type Coefficients } from './helpers/scalar-schemes.js';

const means = [0.4, -0.7];
const lambdas = [0.6, 1.9];
const d = 2;
const n = 4;

/** x̂₀(x, t) of N(m, λ) per coordinate. */
const x0hat = (c: Coefficients, t: number, x: number, j: number) => {
  const a = c.alpha(t);
  return means[j]! + (lambdas[j]! * a * (x - a * means[j]!)) / (a * a * lambdas[j]! + c.sigma2(t));
};

function model(c: Coefficients, prediction: ModelInput['prediction']): ModelInput {
  return {
    prediction,
    fn: (t, x, rows, dim, out) => {
      for (let i = 0; i < rows; i++) {
        const time = typeof t === 'number' ? t : t[i]!;
        for (let j = 0; j < dim; j++) {
          const q = i * dim + j;
          if (prediction === 'denoiser') {
            // k-diffusion's convention: (ς, y = x/α) ↦ E[x₀ | x₀ + ς z = y]
            out[q] = means[j]! + (lambdas[j]! * (x[q]! - means[j]!)) / (lambdas[j]! + time * time);
            continue;
          }
          const a = c.alpha(time);
          const s = Math.sqrt(c.sigma2(time));
          const x0 = x0hat(c, time, x[q]!, j);
          const eps = (x[q]! - a * x0) / s;
          out[q] = prediction === 'x0' ? x0 : prediction === 'eps' ? eps : prediction === 'v' ? a * eps - s * x0 : (a * x0 - x[q]!) / (s * s);
        }
      }
    },
  };
}

describe('every prediction type reproduces the target run', () => {
  const processes: { name: ProcessName; T: number }[] = [
    { name: 'vp', T: 1 },
    { name: 've', T: 20 },
  ];
  const samplers: SamplerName[] = ['dpmpp-2m', 'unipc', 'edm', 'euler-ancestral', 'randomized-midpoint'];
  for (const p of processes)
    for (const prediction of ['score', 'x0', 'eps', 'v', 'denoiser'] as const)
      it(`${p.name}, ${prediction}`, () => {
        const c = coefficients(p.name);
        const x0 = Float64Array.from({ length: n * d }, (_, q) => Math.cos(3 * q) * Math.sqrt(c.sigma2(p.T) + 1));
        for (const sampler of samplers) {
          const run = { process: { name: p.name, T: p.T }, sampler, steps: 6, grid: 'karras' as const, n, x0, seed: 2 };
          const want = sampleSync({ ...run, target: gaussianTarget({ mean: means, variances: lambdas }) }).samples.data;
          const got = sampleSync({ ...run, model: model(c, prediction), d }).samples.data;
          for (let q = 0; q < n * d; q++) expect(Math.abs(got[q]! - want[q]!), sampler).toBeLessThan(1e-12 * (1 + Math.abs(want[q]!)));
        }
      });
});

describe('per-step callback', () => {
  it('sees steps 0..N−1 once each, at t_k (or t̂_k with churn), with x̂₀ of the evaluated rows', () => {
    const c = coefficients('vp');
    for (const [sampler, extra] of [
      ['dpmpp-2m', {}],
      ['heun', {}],
      ['edm', { sChurn: 5 }],
      ['dpm-3', {}],
    ] as const) {
      const seen: StepInfo[] = [];
      let worst = 0;
      const r = sampleSync({
        model: model(c, 'x0'),
        d,
        sampler,
        steps: 5,
        n,
        seed: 1,
        ...extra,
        callback: (info) => {
          seen.push({ ...info, x: Float64Array.from(info.x) });
          for (let q = 0; q < n * d; q++) worst = Math.max(worst, Math.abs(info.denoised[q]! - x0hat(c, info.t, info.x[q]!, q % d)));
        },
      });
      expect(seen.map((s) => s.step)).toEqual([0, 1, 2, 3, 4]);
      for (const s of seen) {
        if (sampler === 'edm') expect(s.t).toBeGreaterThan(r.grid[s.step]!);
        else expect(s.t).toBe(r.grid[s.step]);
      }
      expect(worst).toBeLessThan(1e-12);
    }
  });

  it('bad model inputs are typed errors', () => {
    const c = coefficients('vp');
    expect(() => sampleSync({ model: { prediction: 'logits' as 'x0', fn: () => {} }, d, steps: 3, n })).toThrow(InvalidArgumentError);
    expect(() => sampleSync({ model: model(c, 'x0'), score: () => {}, d, steps: 3, n })).toThrow(/one of score and model/);
    expect(() => sampleSync({ target: gaussianTarget({ mean: means, variances: lambdas }), steps: 3, n, callback: () => {} })).toThrow(/callback needs/);
  });
});

describe("grid 'karras-zero' (k-diffusion's get_sigmas_karras + 0)", () => {
  it('is the Karras levels from ς(T) to ς(t_end) plus a final 0, and every history sampler runs it', async () => {
    const { karrasZeroGrid, gaussianRecursion } = await import('../lib/index.js');
    const g = karrasZeroGrid({ name: 've', T: 80 }, { steps: 4, tEnd: 0.002, rho: 7 });
    const level = (k: number) => (80 ** (1 / 7) + (k / 3) * (0.002 ** (1 / 7) - 80 ** (1 / 7))) ** 7;
    expect(g.length).toBe(5);
    for (let k = 0; k < 4; k++) expect(Math.abs(g[k]! - level(k))).toBeLessThan(1e-12 * level(k));
    expect(g[4]).toBe(0);
    expect(() => karrasZeroGrid('vp', { steps: 4, tEnd: 0 })).toThrow(InvalidArgumentError);
    const target = gaussianTarget({ mean: means, variances: lambdas });
    for (const sampler of ['dpmpp-2m', 'unipc', 'dpmpp-3m-sde', 'lms', 'edm', 'dpm-3'] as const) {
      const run = { process: { name: 've' as const, T: 80 }, sampler, steps: 8, grid: 'karras-zero' as const };
      const r = sampleSync({ ...run, target, n: 20000, seed: 3, prior: 'exact' });
      expect(r.grid.at(-1)).toBe(0);
      const exact = gaussianRecursion({ ...run, eigenvalues: lambdas, mean: means });
      let m = 0;
      for (let i = 0; i < 20000; i++) m += r.samples.data[i * d]!;
      m /= 20000;
      expect(Math.abs(m - exact.mean[0]!), sampler).toBeLessThan(5 * Math.sqrt(exact.variance[0]! / 20000));
    }
  });
});
