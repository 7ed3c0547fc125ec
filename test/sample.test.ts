import { describe, expect, it } from 'vitest';
import {
  AbortError,
  CallbackError,
  gaussianTarget,
  gmmTarget,
  InvalidArgumentError,
  NonFiniteError,
  processCoefficients,
  sample,
  sampleSync,
  targetHessianVectorProduct,
  targetInfo,
  type TargetSpec,
  targetScore,
  ndarray,
  type FloatArray,
  type SamplerName,
} from '../lib/index.js';
import { expectThreadAndSplitInvariant } from './helpers/reproducibility.js';

const gauss = gaussianTarget({ mean: [0.5, -1, 2], covariance: [[1.2, 0.3, 0], [0.3, 0.8, -0.2], [0, -0.2, 0.5]] });
const gmm = gmmTarget({
  weights: [0.3, 0.5, 0.2],
  means: [[1, 0, -1, 0.5], [-1, 1, 0, 0], [0, -2, 1, 1]],
  variances: [[0.2, 0.5, 0.3, 0.4], [0.6, 0.1, 0.4, 0.3], [0.3, 0.3, 0.2, 0.5]],
});

/** The analytic score of `target` as a batched callback (float64). */
function callbackOf(target: typeof gmm, process: 'vp' | 'ou' | 've', d: number) {
  return {
    score: (t: number | Float64Array, x: FloatArray, n: number, _d: number, out: FloatArray) => {
      if (typeof t === 'number') {
        out.set(targetScore(target, process, t, ndarray(Float64Array.from(x), [n, d])).data);
      } else {
        for (let i = 0; i < n; i++)
          out.set(targetScore(target, process, t[i]!, ndarray(Float64Array.from(x.subarray(i * d, (i + 1) * d)), [1, d])).data, i * d);
      }
    },
    hvp: (t: number, x: FloatArray, v: FloatArray, n: number, _d: number, out: FloatArray) => {
      out.set(targetHessianVectorProduct(target, process, t, ndarray(Float64Array.from(x), [n, d]), ndarray(Float64Array.from(v), [n, d])).data);
    },
  };
}

const maxAbsDiff = (a: FloatArray, b: FloatArray) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('reproducibility: samples depend on (seed, particle) only', () => {
  const samplers: SamplerName[] = ['euler-maruyama', 'heun', 'randomized-midpoint', 'randomized-exponential', 'local-linearization'];
  for (const sampler of samplers) {
    it(`${sampler}: bitwise identical for 1 and 2 threads and for split batches`, () => {
      const o = { target: gmm, sampler, process: 'vp' as const, steps: 12, seed: 42, n: 3000 };
      const one = expectThreadAndSplitInvariant(o, 1234);
      const other = sampleSync({ ...o, seed: 43 }).samples.data;
      expect(maxAbsDiff(other, one)).toBeGreaterThan(0.1);
    });
  }

  it('float32 storage rounds the same computation (close to float64, not bitwise)', () => {
    const o = { target: gmm, sampler: 'heun' as const, steps: 10, seed: 1, n: 500 };
    const a = sampleSync(o).samples.data;
    const b = sampleSync({ ...o, dtype: 'float32' }).samples.data;
    expect(b).toBeInstanceOf(Float32Array);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-4);
  });
});

describe('callback scores', () => {
  for (const sampler of ['euler-maruyama', 'heun', 'rk4', 'ddim', 'randomized-midpoint', 'randomized-exponential'] as SamplerName[]) {
    it(`${sampler}: a JS callback returning the analytic score gives the native samples`, () => {
      const o = { sampler, process: 'vp' as const, steps: 8, seed: 9, n: 200, prior: 'normal' as const };
      const native = sampleSync({ ...o, target: gmm });
      const cb = callbackOf(gmm, 'vp', 4);
      const viaJs = sampleSync({ ...o, score: cb.score, d: 4, scoreDefinedAtZero: true });
      expect(viaJs.nfe).toBe(native.nfe);
      expect(maxAbsDiff(viaJs.samples.data, native.samples.data)).toBeLessThan(1e-12);
    });
  }

  it('the async form calls the callback once per stage for the whole batch, and agrees with sync', async () => {
    let calls = 0;
    const cb = callbackOf(gmm, 'ou', 4);
    const o = { sampler: 'heun' as const, process: 'ou' as const, steps: 5, seed: 3, n: 300, d: 4, scoreDefinedAtZero: true };
    const score = (t: number | Float64Array, x: FloatArray, n: number, d: number, out: FloatArray) => {
      calls++;
      expect(n).toBe(300);
      cb.score(t, x, n, d, out);
    };
    const a = await sample({ ...o, score });
    expect(calls).toBe(10);
    expect(a.nfe).toBe(10);
    const b = sampleSync({ ...o, score: cb.score });
    expect(maxAbsDiff(a.samples.data, b.samples.data)).toBe(0);
  });

  it('heun with a callback undefined at t = 0 falls back to Euler at the last step, and says so', () => {
    const r = sampleSync({ score: (_t, x, n, d, out) => out.set(x.map((v) => -v)), d: 2, sampler: 'heun', process: 've', steps: 4, tEnd: 0, n: 3 });
    expect(r.fallbackSteps).toBe(1);
    expect(r.nfe).toBe(7);
  });

  it('a callback that throws stops the run with CallbackError carrying the original error', async () => {
    const boom = new Error('boom');
    let calls = 0;
    const score = () => {
      if (++calls === 3) throw boom;
    };
    const o = { score: score as never, d: 2, steps: 10, n: 4 };
    let e: unknown;
    try {
      sampleSync(o);
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(CallbackError);
    expect((e as CallbackError).cause).toBe(boom);
    calls = 0;
    await expect(sample(o)).rejects.toSatisfy((err: unknown) => err instanceof CallbackError && (err as CallbackError).cause === boom);
  });

  it('a callback returning NaN or Inf stops the run with CALLBACK_FAILED naming the row', async () => {
    const nan = (_t: unknown, _x: FloatArray, _n: number, _d: number, out: FloatArray) => {
      out.fill(0);
      out[5] = Number.NaN;
    };
    expect(() => sampleSync({ score: nan, d: 2, steps: 3, n: 4 })).toThrow(/non-finite.*row 2, column 1/);
    await expect(sample({ score: nan, d: 2, steps: 3, n: 4 })).rejects.toBeInstanceOf(CallbackError);
    const inf = (_t: unknown, _x: FloatArray, _n: number, _d: number, out: FloatArray) => out.fill(Infinity);
    expect(() => sampleSync({ score: inf, d: 2, steps: 3, n: 4 })).toThrow(CallbackError);
  });
});

describe('schemes against each other', () => {
  it('ve: euler equals ddim with η = 0 (samples, to round-off)', () => {
    const o = { target: gauss, process: 've' as const, steps: 30, n: 500, seed: 2 };
    const e = sampleSync({ ...o, sampler: 'euler' }).samples.data;
    const d = sampleSync({ ...o, sampler: 'ddim', eta: 0 }).samples.data;
    expect(maxAbsDiff(e, d)).toBeLessThan(1e-9);
  });

  it('ddim η = 1 adds the DDPM posterior variance (1 − ᾱ₁)/(1 − ᾱ₀)·(1 − ᾱ₀/ᾱ₁) in one step from a fixed point', () => {
    const n = 40000;
    const x0 = new Float64Array(n * 3).fill(0.3);
    const grid = [0.6, 0.5];
    const r = sampleSync({ target: gauss, process: 'vp', sampler: 'ddim', eta: 1, grid, n, x0, seed: 4 });
    const c = processCoefficients('vp', grid);
    const ab0 = c.alpha[0]! ** 2;
    const ab1 = c.alpha[1]! ** 2;
    const posterior = ((1 - ab1) / (1 - ab0)) * (1 - ab0 / ab1);
    for (let j = 0; j < 3; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += r.samples.data[3 * i + j]!;
      m /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (r.samples.data[3 * i + j]! - m) ** 2;
      v /= n - 1;
      expect(Math.abs(v - posterior)).toBeLessThan(5 * posterior * Math.sqrt(2 / n));
    }
  });
});

describe('local linearization: dense and Krylov routes agree', () => {
  for (const sampler of ['local-linearization', 'local-linearization-ode'] as SamplerName[]) {
    it(`${sampler}, native mixture target (d = 4): same noise, same samples to 1e-9 (krylovTolerance 1e-12)`, () => {
      // The Krylov route (polynomial or Lanczos per particle) meets its tolerance per step; 1e-12
      // leaves room for ten steps of growth under 1e-9.
      const o = { target: gmm, sampler, process: 'vp' as const, steps: 10, n: 300, seed: 8 };
      const dense = sampleSync({ ...o, hessian: 'dense' });
      const krylov = sampleSync({ ...o, hessian: 'krylov', krylovTolerance: 1e-12 });
      expect(dense.hessianRoute).toBe('dense');
      expect(krylov.hessianRoute).toBe('krylov');
      expect(krylov.hvps).toBeGreaterThan(0);
      expect(maxAbsDiff(dense.samples.data, krylov.samples.data)).toBeLessThan(1e-9);
    });
  }

  it('Krylov with fewer iterations than d still approximates (d = 40 Gaussian, m = 20)', () => {
    const d = 40;
    const variances = Array.from({ length: d }, (_, i) => 0.05 + (2 * i) / d);
    const target = gaussianTarget({ mean: new Array(d).fill(0.1), variances });
    const o = { target, sampler: 'local-linearization' as const, process: 'ou' as const, steps: 6, n: 50, seed: 1 };
    const dense = sampleSync({ ...o, hessian: 'dense' });
    const krylov = sampleSync({ ...o, hessian: 'krylov', krylovDim: 20 });
    expect(maxAbsDiff(dense.samples.data, krylov.samples.data)).toBeLessThan(1e-8);
  });

  it('callback with hvp: dense and Krylov agree with the native run; without hvp finite differences are close', () => {
    const cb = callbackOf(gmm, 'ou', 4);
    const o = { sampler: 'local-linearization' as const, process: 'ou' as const, steps: 5, n: 100, seed: 6, tEnd: 0.05 };
    const native = sampleSync({ ...o, target: gmm });
    for (const hessian of ['dense', 'krylov'] as const) {
      const withHvp = sampleSync({ ...o, score: cb.score, hvp: cb.hvp, d: 4, hessian });
      // ∂_t s and Δs come from finite differences of the callback: agreement to ~1e-5.
      expect(maxAbsDiff(withHvp.samples.data, native.samples.data)).toBeLessThan(1e-4);
      const fd = sampleSync({ ...o, score: cb.score, d: 4, hessian });
      expect(maxAbsDiff(fd.samples.data, native.samples.data)).toBeLessThan(1e-4);
      expect(fd.nfe).toBeGreaterThan(withHvp.nfe);
    }
  });
});

describe('priors and options', () => {
  it('ot-gaussian for a Gaussian target is exactly p_T: its moments match α(T)μ, α(T)²Σ + σ(T)²I', () => {
    const n = 40000;
    const process = { name: 'vp' as const, T: 0.3 };
    const r = sampleSync({ target: gauss, process, sampler: 'euler', steps: 1, n, seed: 3, prior: 'ot-gaussian', trajectory: [0] });
    const x = r.trajectory[0]!.data;
    const c = processCoefficients(process, [0.3]);
    const a = c.alpha[0]!;
    const s2 = c.sigma[0]! ** 2;
    const mu = [0.5, -1, 2];
    const cov = [[1.2, 0.3, 0], [0.3, 0.8, -0.2], [0, -0.2, 0.5]];
    for (let j = 0; j < 3; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += x[3 * i + j]!;
      m /= n;
      const vt = a * a * cov[j]![j]! + s2;
      expect(Math.abs(m - a * mu[j]!)).toBeLessThan(5 * Math.sqrt(vt / n));
      let v = 0;
      for (let i = 0; i < n; i++) v += (x[3 * i + j]! - m) ** 2;
      v /= n - 1;
      expect(Math.abs(v - vt)).toBeLessThan(5 * vt * Math.sqrt(2 / n));
    }
  });

  it('normal on ve starts from N(0, σ(T)²I); x0 and trajectory are honoured', () => {
    const r = sampleSync({ target: gauss, process: { name: 've', T: 10 }, sampler: 'euler', steps: 4, n: 20000, seed: 1, trajectory: [0, 4, 2] });
    const x = r.trajectory[0]!.data;
    let v = 0;
    for (const s of x) v += s * s;
    v /= x.length;
    expect(Math.abs(v - 100)).toBeLessThan(5 * 100 * Math.sqrt(2 / x.length));
    expect(maxAbsDiff(r.trajectory[1]!.data, r.samples.data)).toBe(0);
    expect(r.trajectorySteps).toEqual([0, 4, 2]);
    const again = sampleSync({ target: gauss, process: { name: 've', T: 10 }, sampler: 'euler', steps: 2, grid: 'uniform', n: 20000, x0: r.trajectory[0]!, tEnd: r.grid[2] });
    expect(maxAbsDiff(again.samples.data, r.trajectory[2]!.data)).toBeLessThan(1e-9);
  });
});

describe('bad input: typed errors naming the parameter', () => {
  const ok = { target: gauss, steps: 5, n: 3 };
  it('rejects names, counts, grids, ranges and non-finite values', () => {
    expect(() => sampleSync({ ...ok, sampler: 'eulr' as never })).toThrow(/sampler/);
    expect(() => sampleSync({ ...ok, process: 'vq' as never })).toThrow(/process/);
    expect(() => sampleSync({ ...ok, steps: 0 })).toThrow(/steps/);
    expect(() => sampleSync({ ...ok, grid: [1, 0.5, 0.5], steps: undefined })).toThrow(/strictly decreasing/);
    expect(() => sampleSync({ ...ok, tEnd: 2 })).toThrow(/tEnd/);
    expect(() => sampleSync({ ...ok, tEnd: Number.NaN })).toThrow(NonFiniteError);
    expect(() => sampleSync({ ...ok, sampler: 'ddpm', steps: 10 })).toThrow(/h·g/);
    expect(() => sampleSync({ ...ok, sampler: 'ddpm', process: 've' })).toThrow(/vp and ou/);
    expect(() => sampleSync({ ...ok, sampler: 'ddim', eta: 2 })).toThrow(/eta/);
    expect(() => sampleSync({ ...ok, prior: 'flat' as never })).toThrow(/prior/);
    expect(() => sampleSync({ ...ok, n: -1 })).toThrow(/\bn\b/);
    expect(() => sampleSync({ ...ok, dtype: 'int8' as never })).toThrow(/dtype/);
    expect(() => sampleSync({ ...ok, trajectory: [6] })).toThrow(/trajectory/);
    expect(() => sampleSync({ ...ok, x0: new Float64Array(5) })).toThrow(/x0/);
    expect(() => sampleSync({ ...ok, x0: new Float64Array(9).fill(Number.NaN) })).toThrow(NonFiniteError);
    expect(() => sampleSync({ score: () => {}, d: 2, steps: 3, n: 2, prior: 'exact' })).toThrow(/exact/);
    expect(() => sampleSync({ score: () => {}, steps: 3, n: 2 } as never)).toThrow(/\bd\b/);
    expect(() => sampleSync({ steps: 3, n: 2 } as never)).toThrow(/target and score/);
    expect(() =>
      sampleSync({ ...ok, prior: { kind: 'ot-gaussian', mean: [0, 0, 0], covariance: [[1, 0, 0], [0, -1, 0], [0, 0, 1]] } }),
    ).toThrow(/positive semi-definite/);
    expect(() => sampleSync({ ...ok, sampler: 'euler' as never, hessian: 'lu' as never })).toThrow(InvalidArgumentError);
  });
});

describe('async runs', () => {
  it('AbortSignal stops a long run with AbortError', async () => {
    const controller = new AbortController();
    const run = sample({ target: gmm, sampler: 'rk4', steps: 200000, n: 2000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const t0 = performance.now();
    await expect(run).rejects.toBeInstanceOf(AbortError);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('timers keep firing while a native run is in flight, and progress is reported', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const fractions: number[] = [];
    const r = await sample({ target: gmm, sampler: 'heun', steps: 400, n: 20000, onProgress: (f) => fractions.push(f) });
    clearInterval(timer);
    expect(r.seconds).toBeGreaterThan(0.05);
    expect(ticks).toBeGreaterThan(3);
    expect(fractions.length).toBeGreaterThan(0);
  });
});

describe('target dimension read from the spec', () => {
  // The sampler reads d from the spec and builds the native target once; a bad hand-built spec
  // must fail with the same error as targetInfo's full native validation.
  const errorOf = (f: () => unknown): Error => {
    try {
      f();
    } catch (e) {
      return e as Error;
    }
    throw new Error('expected an error');
  };
  const bad = {
    notPsd: { type: 'gaussian', mean: new Float64Array([0, 0]), covariance: new Float64Array([1, 2, 2, 1]) },
    ragged: { type: 'gmm', weights: new Float64Array([0.5, 0.5]), means: new Float64Array([0, 1, 2]), variances: new Float64Array([1, 1, 1]) },
    plainArray: { type: 'gaussian', mean: [0, 0], variances: new Float64Array([1, 1]) },
  } as unknown as Record<string, TargetSpec>;
  for (const [name, target] of Object.entries(bad))
    it(`${name}: sample throws targetInfo's error`, () => {
      const expected = errorOf(() => targetInfo(target));
      const got = errorOf(() => sampleSync({ target, n: 4, steps: 2 }));
      expect(got.constructor).toBe(expected.constructor);
      expect(got.message).toBe(expected.message);
    });
});
