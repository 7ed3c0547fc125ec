/**
 * Regression tests for untyped errors at the public entry points (issue 11, defect 8): the values
 * the fuzz campaign found (BigInt, Symbol, null-prototype object, detached array, wrong containers)
 * and the specific calls it named now end in a DW2Error with a code.
 */
import { describe, expect, it } from 'vitest';
import * as L from '../lib/index.js';
import { DW2Error, gaussianTarget } from '../lib/index.js';

async function codeOf(f: () => unknown): Promise<string> {
  try {
    await f();
    return 'returned';
  } catch (e) {
    return e instanceof DW2Error ? e.code : `untyped ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`;
  }
}

const detached = (): Float64Array => {
  const a = new Float64Array(4);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
};
const target = gaussianTarget({ mean: [0], variances: [1] });

describe('hostile values where a value is expected', () => {
  const hostile: [string, unknown][] = [
    ['a BigInt', 5n],
    ['a Symbol', Symbol('s')],
    ['a null-prototype object', Object.create(null)],
    ['a detached array', detached()],
  ];
  for (const [what, v] of hostile)
    it(`${what} as steps, seed, process, x or shape is a typed error`, async () => {
      expect(await codeOf(() => L.sampleSync({ target, n: 2, steps: v as never }))).toMatch(/^[A-Z_]+$/);
      if (typeof v !== 'bigint') expect(await codeOf(() => L.sampleSync({ target, n: 2, steps: 3, seed: v as never }))).toMatch(/^[A-Z_]+$/); // a BigInt seed is valid
      expect(await codeOf(() => L.processCoefficients(v as never, [0.5]))).toMatch(/^[A-Z_]+$/);
      expect(await codeOf(() => L.targetScore(target, 'vp', 0.5, v as never))).toMatch(/^[A-Z_]+$/);
      expect(await codeOf(() => L.ndarray(new Float64Array(2), [2, v as never]))).toMatch(/^[A-Z_]+$/);
      expect(await codeOf(() => L.gaussianW2([v as never], [[1]], [0], [[1]]))).toMatch(/^[A-Z_]+$/);
      expect(await codeOf(() => L.schemeInfo(v as never))).toMatch(/^[A-Z_]+$/);
    });
});

describe('the calls the fuzz campaign named', () => {
  it('grid: null, signal: {}, samplers: 5, shape: "x"', async () => {
    expect(await codeOf(() => L.sampleSync({ target, n: 2, steps: 3, grid: null as never }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(() => L.sample({ target, n: 2, steps: 3, signal: {} as never }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(() => L.analyzeGaussianSync({ eigenvalues: [1], samplers: 5 as never, steps: [4] }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(() => L.toRows({ data: new Float64Array(4), shape: 'x' as never }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(() => L.w2Sync({ data: new Float64Array(2), shape: 'x' as never }, { data: new Float64Array(2), shape: [2, 1] }))).toMatch(/^(INVALID_ARGUMENT|SHAPE_MISMATCH)$/);
  });

  it('normalsSync past 2^32 particles is a typed error, not a RangeError', async () => {
    expect(await codeOf(() => L.normalsSync({ seed: 1, n: 2 ** 32 + 1, d: 1 }))).toMatch(/^(INVALID_ARGUMENT|TOO_LARGE)$/);
    expect(await codeOf(() => L.normalsSync({ seed: 1, n: 2, d: 1, firstParticle: 2 ** 32 - 1 }))).toMatch(/^(INVALID_ARGUMENT|TOO_LARGE)$/);
  });

  it('writeNpy({}) and ringMixture(2^31)', async () => {
    expect(await codeOf(() => L.writeNpy('never-written.npy', {} as never))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(() => L.ringMixture(2 ** 31))).toBe('INVALID_ARGUMENT');
  });

  it('a table of contents: every function of the package root runs behind the typed boundary', () => {
    const fns = Object.entries(L).filter(([k, v]) => typeof v === 'function' && !/^[A-Z]/.test(k));
    expect(fns.length).toBeGreaterThan(80);
    expect(fns.filter(([, f]) => !L.isTypedEntry(f)).map(([k]) => k)).toEqual([]);
  });
});
