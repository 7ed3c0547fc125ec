import { describe, expect, it } from 'vitest';
import { gmmTarget, ndarray, sampleSync, setThreads, targetScore, type FloatArray, type SamplerName } from '../lib/index.js';
import { rng } from './helpers/gauss.js';
import { expectThreadAndSplitInvariant } from './helpers/reproducibility.js';

/*
 * The native-target sampler takes tiles of particles through windows of up to 32 steps while they
 * stay in cache (executePlansTiled), instead of all particles once per step. A score callback runs
 * the stage-wise executor, which still goes step by step over the whole batch with the same
 * combinations and noise keys: the two orders must give the same bits — final samples and every
 * trajectory state (captured tile by tile on the fast path) — over several tiles
 * (n·d·8 bytes ≫ 128 KiB) and two step windows. (float32 runs are compared across threads and
 * batch splits only: the callback path rounds its stage buffers to float32, the fused one does not.)
 */
const d = 16;
const r = rng(21);
const spec = {
  weights: [0.3, 0.7],
  means: [Array.from({ length: d }, () => r.normal()), Array.from({ length: d }, () => 2 * r.normal())],
  variances: [Array.from({ length: d }, () => 0.1 + r.uniform()), Array.from({ length: d }, () => 0.1 + r.uniform())],
};
const target = gmmTarget(spec);

function callback() {
  return (t: number | Float64Array, x: FloatArray, rows: number, _d: number, out: FloatArray) => {
    if (typeof t === 'number') out.set(targetScore(target, 'vp', t, ndarray(Float64Array.from(x), [rows, d])).data);
    else
      for (let i = 0; i < rows; i++) out.set(targetScore(target, 'vp', t[i]!, ndarray(Float64Array.from(x.subarray(i * d, (i + 1) * d)), [1, d])).data, i * d);
  };
}
const same = (a: FloatArray, b: FloatArray) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('tiled fast path (several steps per tile) equals the step-by-step order bitwise', () => {
  const n = 2500; // tiles of 1024 rows at d = 16: three tiles, the last partial
  const steps = 37; // windows of 32 and 5 steps
  const trajectory = [0, 1, 31, 32, 33, 37];

  for (const [sampler, dtype, noise] of [
    ['euler-maruyama', 'float64'],
    ['heun', 'float64'],
    ['dpmpp-2m', 'float64'], // a history slot per particle
    ['randomized-midpoint', 'float64'], // per-particle plans
    ['euler-maruyama', 'float64', 'path'], // the Brownian path walker: per-row state, rows in any order
  ] as [SamplerName, 'float64' | 'float32', 'path' | undefined][]) {
    it(`${sampler}, ${dtype}${noise ? ', path noise' : ''}: samples and trajectory states`, () => {
      const o = { sampler, process: 'vp' as const, steps, seed: 5, n, dtype, trajectory, ...(noise ? { noise } : {}) };
      const fast = sampleSync({ ...o, target });
      const stepwise = sampleSync({ ...o, score: callback(), d, scoreDefinedAtZero: true });
      expect(same(fast.samples.data, stepwise.samples.data)).toBe(true);
      for (let i = 0; i < trajectory.length; i++) expect(same(fast.trajectory[i]!.data, stepwise.trajectory[i]!.data), `trajectory ${trajectory[i]}`).toBe(true);
    });
  }

  for (const dtype of ['float64', 'float32'] as const) {
    it(`${dtype}: 1 and 2 threads, one batch and a split batch`, () => {
      const o = { target, sampler: 'heun' as const, steps, seed: 8, n, dtype };
      expectThreadAndSplitInvariant(o, 1111);
    });
  }

  it('particles that blow up are reported per tile: count and first step, for 1 and 2 threads', () => {
    // One coordinate at 1e200 on every 97th particle: its squared distance overflows, the score
    // and then the state become non-finite at the first step; the other particles are fine.
    const x0 = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x0[i * d + j] = i % 97 === 0 && j === 3 ? 1e200 : 0.1 * Math.sin(i + j);
    const report = () => {
      try {
        sampleSync({ target, sampler: 'euler-maruyama', process: 'vp', steps, seed: 2, n, x0: ndarray(x0, [n, d]) });
        return undefined;
      } catch (e) {
        return (e as { diverged?: unknown }).diverged;
      }
    };
    try {
      for (const threads of [1, 2]) {
        setThreads(threads);
        expect(report()).toEqual({ particles: Math.ceil(n / 97), firstStep: 1 });
      }
    } finally {
      setThreads(0);
    }
  });
});
