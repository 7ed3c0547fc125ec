// Model conventions as mathematics: every parameterization's output, written from its definition
// (x = α x₀ + σ ε), converts back to the exact score on every process; time inputs; async callbacks;
// the affine-fit analysis against the native exact analysis; the paired distance against exact W2.
import { describe, expect, it } from 'vitest';
import {
  alphasCumprod,
  analyzeGaussian,
  affineScoreAnalysis,
  fitAffine,
  gaussianTarget,
  ndarray,
  pairedRms,
  processCoefficients,
  sample,
  sampleSync,
  targetScore,
  w2,
  type ProcessName,
} from '../lib/index.js';
import { edmFactors, modelInput, scoreFromOutput, timeFeature, timestepOfLogSnr } from '../lib/model/parameterization.js';

const mean = [0.5, -1];
const covariance = [[1.5, 0.4], [0.4, 0.3]];
const target = gaussianTarget({ mean, covariance });
const x = Float64Array.of(0.3, -0.2, 1.7, 0.9, -2.2, 0.4);
const n = 3;
const d = 2;

describe('parameterizations', () => {
  it.each(['vp', 'ou', 've', 'heat'] as ProcessName[])('every output kind converts back to the exact score (%s)', (process) => {
    const t = process === 've' ? 3.5 : process === 'heat' ? 2 : 0.4;
    const { alpha, sigma } = processCoefficients(process, [t, t, t]);
    const s = targetScore(target, process, t, ndarray(x, [n, d])).data;
    const c = { alpha: Float64Array.from(alpha), sigma: Float64Array.from(sigma) };
    const sigmaData = 0.7;
    // What each network would output, from x = α x₀ + σ ε and Tweedie's x̂₀ = (x + σ² s)/α.
    const outputs: Record<string, (j: number, i: number) => number> = {
      score: (j) => s[j],
      eps: (j, i) => -sigma[i] * s[j],
      x0: (j, i) => (x[j] + sigma[i] ** 2 * s[j]) / alpha[i],
      v: (j, i) => alpha[i] * (-sigma[i] * s[j]) - sigma[i] * ((x[j] + sigma[i] ** 2 * s[j]) / alpha[i]),
      edm: (j, i) => {
        const vs = sigma[i] / alpha[i];
        const D = (x[j] + sigma[i] ** 2 * s[j]) / alpha[i];
        const f = edmFactors(vs, sigmaData);
        return (D - f.skip * (x[j] / alpha[i])) / f.out;
      },
    };
    for (const [p, y] of Object.entries(outputs)) {
      const out = new Float64Array(n * d);
      scoreFromOutput(p as never, Float64Array.from({ length: n * d }, (_, j) => y(j, Math.floor(j / d))), x, d, c, sigmaData, out);
      for (let j = 0; j < n * d; j++) expect(out[j]).toBeCloseTo(s[j], 11);
    }
    const fed = new Float64Array(n * d);
    modelInput('edm', x, d, c, sigmaData, fed);
    expect(fed[0]).toBeCloseTo(x[0] / alpha[0] / Math.sqrt((sigma[0] / alpha[0]) ** 2 + sigmaData ** 2), 14);
  });

  it('refuses a score where σ(t) = 0', () => {
    const c = { alpha: Float64Array.of(1), sigma: Float64Array.of(0) };
    expect(() => scoreFromOutput('eps', [1, 1], [0, 0], 2, c, 0.5, new Float64Array(2))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('time inputs', () => {
  it('σ, log-SNR and EDM noise are functions of α and σ', () => {
    const c = { alpha: Float64Array.of(0.8), sigma: Float64Array.of(0.6) };
    expect(timeFeature('sigma', Float64Array.of(0.5), c)[0]).toBeCloseTo(0.75, 15);
    expect(timeFeature('logsnr', Float64Array.of(0.5), c)[0]).toBeCloseTo(Math.log(0.64 / 0.36), 14);
    expect(timeFeature('edm', Float64Array.of(0.5), c)[0]).toBeCloseTo(0.25 * Math.log(0.75), 15);
    expect(timeFeature('t', Float64Array.of(0.5), c)[0]).toBe(0.5);
  });

  it("a DDPM schedule's own ᾱ_i maps to index i, and between entries linearly in log-SNR", () => {
    const abar = alphasCumprod();
    expect(abar.length).toBe(1000);
    expect(abar[0]).toBeCloseTo(1 - 1e-4, 15);
    const lsnr = (a: number) => Math.log(a / (1 - a));
    for (const i of [0, 1, 17, 500, 999]) expect(timestepOfLogSnr(lsnr(abar[i]), abar)).toBeCloseTo(i, 9);
    expect(timestepOfLogSnr(0.5 * (lsnr(abar[40]) + lsnr(abar[41])), abar)).toBeCloseTo(40.5, 9);
    // The continuous vp process (β from 0.1 to 20) is the limit of this schedule, t ≈ (i + 1)/1000, up to
    // the O(Σβ²) difference between Π(1 − β_j) and exp(−Σβ_j) (≈ 0.6 of an index at t = 0.5).
    const { alpha, sigma } = processCoefficients('vp', [0.5]);
    expect(Math.abs(timestepOfLogSnr(Math.log(alpha[0] ** 2 / sigma[0] ** 2), abar) - 499)).toBeLessThan(1);
  });
});

describe('async score callbacks', () => {
  const sync = (t: number | Float64Array, y: Float64Array | Float32Array, m: number, dd: number, out: Float64Array | Float32Array) => {
    for (let i = 0; i < m * dd; i++) out[i] = -y[i];
  };
  const later = async (...a: Parameters<typeof sync>) => {
    await new Promise((r) => setTimeout(r, 1));
    sync(...a);
  };
  const o = { process: 'ou' as const, steps: 6, n: 5, d: 2, seed: 9 };

  it('the async sampler awaits a callback that returns a Promise', async () => {
    const a = await sample({ ...o, score: sync });
    const b = await sample({ ...o, score: later });
    expect(Array.from(b.samples.data)).toEqual(Array.from(a.samples.data));
  });

  it('sync forms refuse it, and a rejection is the callback error with its cause', async () => {
    expect(() => sampleSync({ ...o, score: later })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const boom = new Error('boom');
    await expect(sample({ ...o, score: async () => { throw boom; } })).rejects.toMatchObject({ code: 'CALLBACK_FAILED', cause: boom });
  });
});

describe('affine-fit analysis', () => {
  const exactScore = async (t: number, y: Float64Array, m: number, out: Float64Array) => {
    out.set(targetScore(target, 'vp', t, ndarray(y, [m, d])).data);
  };

  it('with the exact (affine) score it is the exact analysis, computed another way', async () => {
    for (const sampler of ['euler-maruyama', 'heun', 'rk4', 'exponential'] as const) {
      const r = await affineScoreAnalysis({ target, score: exactScore, sampler, steps: 8, process: 'vp', fitSamples: 64 });
      const ref = await analyzeGaussian({ mean, covariance, process: 'vp', samplers: [sampler], steps: [8], prior: 'normal' });
      expect(Math.abs(r.w2 - ref.rows[0].total)).toBeLessThan(1e-12);
    }
  });

  it('fitAffine recovers an affine map exactly', () => {
    const A = [2, -1, 0.5, 3];
    const b = [0.1, -0.4];
    const pts = Float64Array.from({ length: 20 }, (_, i) => Math.sin(1.3 * i + 0.2));
    const s = new Float64Array(20);
    for (let r = 0; r < 10; r++) for (let i = 0; i < 2; i++) s[r * 2 + i] = A[i * 2] * pts[r * 2] + A[i * 2 + 1] * pts[r * 2 + 1] + b[i];
    const f = fitAffine(pts, s, 10, 2);
    Array.from(f.A).forEach((v, i) => expect(v).toBeCloseTo(A[i], 12));
    Array.from(f.b).forEach((v, i) => expect(v).toBeCloseTo(b[i], 12));
  });
});

describe('paired distance', () => {
  it('bounds the exact W2 between the two clouds from above (the pairing is a coupling)', async () => {
    const o = { process: 'vp' as const, sampler: 'euler-maruyama' as const, n: 300, seed: 4, target };
    const a = await sample({ ...o, steps: 4 });
    const b = await sample({ ...o, steps: 64 });
    const paired = pairedRms(a.samples, b.samples);
    const exact = await w2(a.samples, b.samples);
    expect(exact.w2).toBeLessThanOrEqual(paired.rms + 1e-12);
    expect(paired.low).toBeLessThanOrEqual(paired.rms);
    expect(paired.high).toBeGreaterThanOrEqual(paired.rms);
  });
});
