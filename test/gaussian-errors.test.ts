/** Bad input to the exact Gaussian analysis gives typed errors naming the parameter. */
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  analyzeGaussian,
  analyzeGaussianSync,
  gaussianRecursion,
  gaussianW2,
  InvalidArgumentError,
  NonFiniteError,
  randomizedMoments,
  ShapeMismatchError,
  TooLargeError,
} from '../lib/index.js';

const ok = { eigenvalues: [0.5, 1, 2], process: 'vp' as const, sampler: 'euler' as const, steps: 10 };

describe('typed errors', () => {
  it('negative eigenvalues are rejected; round-off negatives are clamped with a warning', () => {
    expect(() => analyzeGaussianSync({ ...ok, eigenvalues: [0.5, -0.1, 2] })).toThrow(InvalidArgumentError);
    expect(() => analyzeGaussianSync({ ...ok, eigenvalues: [0.5, -0.1, 2] })).toThrow(/eigenvalues\[1\].*negative/);
    const r = analyzeGaussianSync({ ...ok, eigenvalues: [0.5, -1e-14, 2] });
    expect(r.warnings.join(' ')).toMatch(/clamped/);
    const clean = analyzeGaussianSync({ ...ok, eigenvalues: [0.5, 0, 2] });
    expect(r.rows[0]!.total).toBe(clean.rows[0]!.total);
  });

  it('a covariance that is not positive semi-definite, or not symmetric, is rejected', () => {
    expect(() => analyzeGaussianSync({ ...ok, eigenvalues: undefined, covariance: [[1, 2], [2, 1]] })).toThrow(/negative/);
    expect(() => analyzeGaussianSync({ ...ok, eigenvalues: undefined, covariance: [[1, 0.5], [0.2, 1]] })).toThrow(/symmetric/);
  });

  it('NaN and infinity are NON_FINITE', () => {
    expect(() => analyzeGaussianSync({ ...ok, eigenvalues: [0.5, Number.NaN, 2] })).toThrow(NonFiniteError);
    expect(() => analyzeGaussianSync({ ...ok, mean: [0, Infinity, 0] })).toThrow(/mean/);
    expect(() => analyzeGaussianSync({ ...ok, tEnd: Number.NaN })).toThrow(NonFiniteError);
    expect(() => gaussianW2([0], [[Number.NaN]], [0], [[1]])).toThrow(NonFiniteError);
  });

  it('shape mismatches are SHAPE_MISMATCH', () => {
    expect(() => analyzeGaussianSync({ ...ok, mean: [0, 1] })).toThrow(ShapeMismatchError);
    expect(() => analyzeGaussianSync({ ...ok, eigenvectors: [1, 0, 0, 1] })).toThrow(ShapeMismatchError);
    expect(() => analyzeGaussianSync({ ...ok, eigenvalues: undefined, covariance: [1, 2, 3] })).toThrow(ShapeMismatchError);
    expect(() => analyzeGaussianSync({ ...ok, approxScore: { covariance: [[1, 0], [0, 1]] } })).toThrow(ShapeMismatchError);
    expect(() => gaussianW2([0, 0], [[1, 0], [0, 1]], [0], [[1]])).toThrow(ShapeMismatchError);
    expect(() => gaussianRecursion({ eigenvalues: [1, 2], sampler: 'euler', start: { mean: [0], variance: [1, 1] } })).toThrow(ShapeMismatchError);
  });

  it('non-orthonormal eigenvectors are rejected', () => {
    expect(() => analyzeGaussianSync({ ...ok, eigenvalues: [1, 2], eigenvectors: [[1, 1], [0, 1]] })).toThrow(/orthonormal/);
  });

  it('unknown sampler, prior, grid and process; steps < 1; eta outside [0, 1]', () => {
    expect(() => analyzeGaussianSync({ ...ok, sampler: 'leapfrog' as never })).toThrow(InvalidArgumentError);
    expect(() => analyzeGaussianSync({ ...ok, sampler: 'leapfrog' as never })).toThrow(/sampler/);
    expect(() => analyzeGaussianSync({ ...ok, prior: 'uniform' as never })).toThrow(/prior/);
    expect(() => analyzeGaussianSync({ ...ok, grid: 'cosine' as never })).toThrow(/grid/);
    expect(() => analyzeGaussianSync({ ...ok, process: 'vq' as never })).toThrow(/process/);
    expect(() => analyzeGaussianSync({ ...ok, steps: 0 })).toThrow(/steps/);
    expect(() => analyzeGaussianSync({ ...ok, steps: [10, 2.5] })).toThrow(/steps/);
    expect(() => analyzeGaussianSync({ ...ok, sampler: 'ddim', eta: 1.5 })).toThrow(/eta/);
    expect(() => analyzeGaussianSync({ ...ok, tEnd: 2 })).toThrow(/tEnd/);
  });

  it('ddpm outside vp/ou is an invalid configuration; a ddpm step with h·g² ≥ 1 an invalid row (test/gaussian-invalid-rows)', () => {
    expect(() => analyzeGaussianSync({ ...ok, process: 've', sampler: 'ddpm' })).toThrow(/vp and ou/);
    expect(analyzeGaussianSync({ ...ok, sampler: 'ddpm', steps: 5 }).rows[0]!.invalid).toMatch(/h·g/);
  });

  it('both or neither of eigenvalues and covariance', () => {
    expect(() => analyzeGaussianSync({ ...ok, covariance: [[1]] })).toThrow(/exactly one/);
    expect(() => analyzeGaussianSync({ process: 'vp', sampler: 'euler' })).toThrow(/exactly one/);
  });

  it('randomized schemes: not in the affine recursion; full covariance limited to d ≤ 2048', () => {
    expect(() => gaussianRecursion({ eigenvalues: [1], sampler: 'randomized-midpoint' })).toThrow(/randomized/);
    const d = 2049;
    expect(() => randomizedMoments({ eigenvalues: new Float64Array(d).fill(1), mean: new Float64Array(d).fill(0.1), sampler: 'randomized-midpoint', steps: 2 })).toThrow(
      TooLargeError,
    );
  });

  it('an aborted async analysis rejects with AbortError', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(analyzeGaussian({ ...ok, signal: controller.signal })).rejects.toThrow(AbortError);
    await expect(analyzeGaussian({ ...ok, eigenvalues: [1, -5, 1] })).rejects.toThrow(InvalidArgumentError);
  });
});
