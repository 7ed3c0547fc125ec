/**
 * Regression tests for the async job lifetime and the score-callback contract (issue 11, defects
 * 2–4): a bad onProgress rejects before any native job exists, callbacks get memory they cannot
 * free, and a Promise-returning callback is awaited (async) or refused (sync).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CallbackError, DW2Error, gaussianTarget, InvalidArgumentError, sample, sampleSync, type FloatArray } from '../lib/index.js';
import { native } from '../lib/native.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const target = gaussianTarget({ mean: [0.5, -1], variances: [1, 2] });
const base = { d: 2, n: 64, steps: 8, process: 'vp' as const, seed: 7 };
// Score of N(0, I) under vp: −x / (α² + σ²) = −x.
const score = (_t: number | Float64Array, x: FloatArray, _n: number, _d: number, out: FloatArray): void => {
  for (let i = 0; i < x.length; i++) out[i] = -x[i]!;
};

describe('onProgress that is not a function (defect 2)', () => {
  it('rejects with INVALID_ARGUMENT in every async form, before a job is built', async () => {
    await expect(sample({ target, n: 10, steps: 5, onProgress: 5 as never })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(sample({ target, n: 10, steps: 5, signal: {} as never })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('leaves no half-built job behind in the binding (many rejected calls, then collections)', async () => {
    // Straight to the binding, past the TypeScript checks: the job's thread-safe function used to
    // be created before the check, and its finalizer read the freed job (ASan: use-after-free).
    const b = native() as unknown as { samplerRun: (o: unknown, p: unknown) => Promise<unknown>; normals: (...a: unknown[]) => Promise<void> };
    const o = { sampler: 'euler-maruyama', process: { name: 'vp' }, grid: { kind: 'uniform', steps: 4 }, n: 4, d: 2, seed: 0, target, dtype: 'float64' };
    const codeOf = async (call: () => Promise<unknown>): Promise<unknown> => {
      try {
        await call();
      } catch (e) {
        return (e as { code?: unknown }).code;
      }
      return 'resolved';
    };
    for (let i = 0; i < 50; i++) {
      expect(await codeOf(() => b.samplerRun(o, 5))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(() => b.normals(0, 0, 0, 0, 4, 2, new Float64Array(8), 'x'))).toBe('INVALID_ARGUMENT');
      if (i % 10 === 0) gc();
    }
    await new Promise((r) => setTimeout(r, 20));
    gc();
    expect((await sample({ ...base, target, onProgress: () => {} })).samples.data.every(Number.isFinite)).toBe(true);
  });
});

describe('score callbacks cannot free the sampler state (defect 3)', () => {
  const detach = (a: FloatArray): void => {
    structuredClone(a.buffer, { transfer: [a.buffer] });
  };

  it('a callback that detaches x gets the same samples as one that does not', async () => {
    const plain = sampleSync({ ...base, score });
    const detaching = (t: number | Float64Array, x: FloatArray, n: number, d: number, out: FloatArray): void => {
      score(t, x, n, d, out);
      detach(x);
    };
    for (let k = 0; k < 3; k++) {
      const r = await sample({ ...base, score: detaching });
      expect(Array.from(r.samples.data)).toEqual(Array.from(plain.samples.data));
      gc();
    }
    expect(Array.from(sampleSync({ ...base, score: detaching }).samples.data)).toEqual(Array.from(plain.samples.data));
  });

  it('arrays kept past the call are copies: writing them later changes nothing', async () => {
    const kept: FloatArray[] = [];
    const keeping = (t: number | Float64Array, x: FloatArray, n: number, d: number, out: FloatArray): void => {
      score(t, x, n, d, out);
      kept.push(x);
    };
    const plain = sampleSync({ ...base, score });
    const p = sample({ ...base, score: keeping });
    const scribble = setInterval(() => kept.forEach((a) => a.fill(1e300)), 0);
    const r = await p;
    clearInterval(scribble);
    expect(Array.from(r.samples.data)).toEqual(Array.from(plain.samples.data));
  });

  it('a callback that detaches out fails with CALLBACK_FAILED', async () => {
    const bad = (_t: number | Float64Array, _x: FloatArray, _n: number, _d: number, out: FloatArray): void => detach(out);
    expect(() => sampleSync({ ...base, score: bad })).toThrow(CallbackError);
    await expect(sample({ ...base, score: bad })).rejects.toBeInstanceOf(CallbackError);
  });
});

describe('Promise-returning score callbacks (defect 4)', () => {
  const later = async (t: number | Float64Array, x: FloatArray, n: number, d: number, out: FloatArray): Promise<void> => {
    await new Promise((r) => setTimeout(r, 1));
    score(t, x, n, d, out);
  };

  it('sampleSync refuses an async function before any work', () => {
    let calls = 0;
    const counted = async (t: number | Float64Array, x: FloatArray, n: number, d: number, out: FloatArray): Promise<void> => {
      calls++;
      await later(t, x, n, d, out);
    };
    expect(() => sampleSync({ ...base, score: counted as never })).toThrow(InvalidArgumentError);
    expect(calls).toBe(0);
  });

  it('sampleSync refuses a plain function that returns a Promise, with a typed error', () => {
    const thenable = (t: number | Float64Array, x: FloatArray, n: number, d: number, out: FloatArray) => Promise.resolve().then(() => score(t, x, n, d, out));
    let err: unknown;
    try {
      sampleSync({ ...base, score: thenable as never });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CallbackError);
    expect((err as DW2Error).message).toMatch(/Promise/);
  });

  it('sample awaits an async callback and matches the synchronous one', async () => {
    const plain = sampleSync({ ...base, score });
    const r = await sample({ ...base, steps: 4, score: later as never });
    expect(Array.from(r.samples.data)).toEqual(Array.from(sampleSync({ ...base, steps: 4, score }).samples.data));
    expect(plain.samples.data.every(Number.isFinite)).toBe(true);
  });

  it('a rejected Promise becomes CALLBACK_FAILED with the cause', async () => {
    const failing = async (): Promise<void> => {
      await null;
      throw new Error('model server down');
    };
    const err = await sample({ ...base, score: failing as never }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallbackError);
    expect((err as Error).message).toMatch(/model server down/);
  });
});
