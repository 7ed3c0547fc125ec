/**
 * Regression tests for finite, accepted-looking settings that used to return NaN or ±Inf (issue 11,
 * defects 5, 6 and 11): settings whose process coefficients overflow double precision are refused
 * up front; a result that still overflows is a NON_FINITE error, never returned.
 */
import { describe, expect, it } from 'vitest';
import {
  analyzeGaussianSync,
  DW2Error,
  gaussianTarget,
  InvalidArgumentError,
  ndarray,
  NonFiniteError,
  processCoefficients,
  sampleSync,
  targetMoments,
  targetScore,
} from '../lib/index.js';

const target = gaussianTarget({ mean: [0], variances: [1] });

function codeOf(f: () => unknown): string {
  try {
    const r = f();
    return `returned ${JSON.stringify(r)}`.slice(0, 80);
  } catch (e) {
    expect(e).toBeInstanceOf(DW2Error);
    return (e as DW2Error).code;
  }
}

describe('process horizons whose coefficients overflow are refused (defect 5)', () => {
  it('vp with T = 10 (α(T) = e^{−498}, ς² = e^{996} overflows): INVALID_ARGUMENT naming the range', () => {
    let err: unknown;
    try {
      sampleSync({ target, process: { name: 'vp', T: 10 }, sampler: 'exponential', steps: 6, n: 3 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as Error).message).toMatch(/usable range \(0, 8\.38\d*\]/);
  });

  it('the vp limit is where ∫₀ᵗβ = 700 (βmin = 0.1, βmax = 20: 0.1 t + 9.95 t² = 700)', () => {
    const t = (-0.1 + Math.sqrt(0.01 + 4 * 9.95 * 700)) / (2 * 9.95);
    expect(codeOf(() => sampleSync({ target, process: { name: 'vp', T: t * (1 - 1e-9) }, steps: 4, n: 2 }))).toMatch(/^returned/);
    expect(codeOf(() => sampleSync({ target, process: { name: 'vp', T: t * (1 + 1e-9) }, steps: 4, n: 2 }))).toBe('INVALID_ARGUMENT');
  });

  it('ou with β = 100 at its default T = 10, ve with T = 1e300, analyzeGaussian on vp with T = 80', () => {
    expect(codeOf(() => sampleSync({ target, process: { name: 'ou', beta: 100 }, sampler: 'randomized-exponential', steps: 6, n: 3 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => sampleSync({ target, process: { name: 've', T: 1e300 }, steps: 6, n: 3 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => analyzeGaussianSync({ eigenvalues: [1, 2], process: { name: 'vp', T: 80 }, steps: [4] }))).toBe('INVALID_ARGUMENT');
  });

  it('targetScore at t = 1e300 is refused; at t within range it is finite', () => {
    const x = ndarray(new Float64Array([1]), [1, 1]);
    expect(codeOf(() => targetScore(target, 'vp', 1e300, x))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => targetScore(target, 've', 1e300, x))).toBe('INVALID_ARGUMENT');
    expect(Array.from(targetScore(target, 'vp', 8, x).data)).toEqual([-1]);
  });

  it('processCoefficients stay finite across the accepted range', () => {
    const c = processCoefficients({ name: 'vp', T: 8 }, [1e-3, 1, 4, 8]) as unknown as Record<string, ArrayLike<number>>;
    for (const [k, v] of Object.entries(c)) if (typeof v === 'object' && v !== null && 'length' in v) expect(Array.from(v).every(Number.isFinite), k).toBe(true);
  });
});

describe('a result that overflows is a NON_FINITE error, never returned (defect 5)', () => {
  it('x0 holding 1e308', () => {
    expect(() => sampleSync({ target, x0: new Float64Array([1e308]), steps: 6, n: 1 })).toThrow(NonFiniteError);
  });

  it('an error table whose scheme diverges to a non-finite W2 (randomized-exponential, vp T = 8, 100 steps)', () => {
    expect(codeOf(() => analyzeGaussianSync({ eigenvalues: [1, 2], process: { name: 'vp', T: 8 }, samplers: ['randomized-exponential'], steps: [100] }))).toBe('NON_FINITE');
  });
});

describe('covariance validation (defect 6)', () => {
  it('an eigenvalue of −1e308 is rejected like −5e307 (it used to pass as PSD, with an all-zero covariance)', () => {
    expect(codeOf(() => gaussianTarget({ mean: [0], covariance: [[-5e307]] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => gaussianTarget({ mean: [0], covariance: [[-1e308]] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => gaussianTarget({ mean: [0, 0], covariance: [[1, 0], [0, -1e308]] }))).toBe('INVALID_ARGUMENT');
  });

  it('a huge positive covariance is kept, not zeroed', () => {
    const t = gaussianTarget({ mean: [0], covariance: [[1e308]] });
    expect(Array.from(targetMoments(t).covariance.data)).toEqual([1e308]);
  });
});

describe('n = 0 with a trajectory (defect 11: memcpy from a null buffer)', () => {
  it('returns empty states', () => {
    const r = sampleSync({ target, n: 0, steps: 3, trajectory: [0, 1, 3] });
    expect(r.trajectory.map((a) => a.data.length)).toEqual([0, 0, 0]);
  });
});

describe('runs that blow up', () => {
  it('are a DivergedError (NON_FINITE) carrying the divergence report, never returned samples', async () => {
    const { DivergedError, sample } = await import('../lib/index.js');
    // A finite but enormous score: the first Euler–Maruyama step on ve overflows every coordinate.
    const score = (_t: number | Float64Array, _x: Float64Array | Float32Array, n: number, d: number, out: Float64Array | Float32Array) => out.fill(1e307, 0, n * d);
    const err = await sample({ score, d: 2, steps: 6, n: 5, process: 've' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DivergedError);
    expect(err).toMatchObject({ code: 'NON_FINITE', diverged: { particles: 5, firstStep: 1 } });
  });
});
