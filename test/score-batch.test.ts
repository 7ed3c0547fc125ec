import { describe, expect, it } from 'vitest';
import {
  empiricalTarget,
  gaussianTarget,
  gmmTarget,
  ndarray,
  sampleSync,
  targetScore,
  type FloatArray,
  type SamplerName,
  type TargetSpec,
} from '../lib/index.js';
import { randomSpd, rng } from './helpers/gauss.js';
import { expectThreadAndSplitInvariant } from './helpers/reproducibility.js';

/*
 * The fused native sampler evaluates analytic scores in blocks of particles
 * (Target::scoreBatch: a kernel vectorized over particles for diagonal mixtures, the scales
 * computed once per block for the others). targetScore evaluates them point by point, and a
 * score callback built on it runs the stage-wise executor, whose combinations round exactly
 * like the fused ones. So the two runs must agree bit for bit — for every target kind, block
 * remainders (n not a multiple of the block), particle offsets, and dimensions large enough
 * that the executor takes fewer rows per block.
 */

function mixture(K: number, d: number, seed: number, full: boolean, zeroWeight = false): TargetSpec {
  const r = rng(seed);
  const weights = Array.from({ length: K }, () => 0.2 + r.uniform());
  if (zeroWeight) weights[K - 1] = 0;
  const total = weights.reduce((a, b) => a + b, 0);
  const means = Array.from({ length: K }, () => Array.from({ length: d }, () => 2 * r.normal()));
  const w = weights.map((v) => v / total);
  if (full) return gmmTarget({ weights: w, means, covariances: Array.from({ length: K }, () => randomSpd(d, r)) });
  return gmmTarget({ weights: w, means, variances: Array.from({ length: K }, () => Array.from({ length: d }, () => 0.05 + r.uniform())) });
}

const cases: { name: string; target: TargetSpec; d: number; definedAtZero: boolean }[] = [
  { name: 'gaussian (diagonal)', target: gaussianTarget({ mean: [1, -2, 0.5], variances: [0.3, 1.5, 0.8] }), d: 3, definedAtZero: true },
  { name: 'gaussian (full)', target: gaussianTarget({ mean: [1, -2, 0.5, 0], covariance: randomSpd(4, rng(3)) }), d: 4, definedAtZero: true },
  { name: 'mixture (diagonal)', target: mixture(5, 6, 1, false), d: 6, definedAtZero: true },
  { name: 'mixture (diagonal, a zero weight)', target: mixture(4, 3, 2, false, true), d: 3, definedAtZero: true },
  { name: 'mixture (diagonal, d = 1)', target: mixture(3, 1, 4, false), d: 1, definedAtZero: true },
  { name: 'mixture (diagonal, d = 300)', target: mixture(2, 300, 5, false), d: 300, definedAtZero: true },
  { name: 'mixture (full)', target: mixture(3, 4, 6, true), d: 4, definedAtZero: true },
  {
    name: 'empirical',
    target: empiricalTarget(Array.from({ length: 9 }, (_, i) => [Math.sin(i), Math.cos(2 * i), i / 4 - 1])),
    d: 3,
    definedAtZero: false,
  },
];

function callback(target: TargetSpec, process: 'vp' | 've', d: number) {
  return (t: number | Float64Array, x: FloatArray, n: number, _d: number, out: FloatArray) => {
    if (typeof t === 'number') {
      out.set(targetScore(target, process, t, ndarray(Float64Array.from(x), [n, d])).data);
    } else {
      for (let i = 0; i < n; i++)
        out.set(targetScore(target, process, t[i]!, ndarray(Float64Array.from(x.subarray(i * d, (i + 1) * d)), [1, d])).data, i * d);
    }
  };
}

const same = (a: FloatArray, b: FloatArray) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('batched native scores equal per-point scores bitwise', () => {
  const samplers: SamplerName[] = ['euler-maruyama', 'heun', 'rk4', 'exponential', 'randomized-midpoint'];
  for (const c of cases) {
    it(`${c.name}: fused (batched) and callback (per point) runs are bitwise equal`, () => {
      for (const process of ['vp', 've'] as const) {
        for (const sampler of samplers) {
          const n = c.d >= 100 ? 45 : 77;
          const o = { sampler, process, steps: 6, seed: 11, n, firstParticle: 5, prior: 'normal' as const };
          const native = sampleSync({ ...o, target: c.target });
          const viaJs = sampleSync({ ...o, score: callback(c.target, process, c.d), d: c.d, scoreDefinedAtZero: c.definedAtZero });
          expect(viaJs.nfe).toBe(native.nfe);
          expect(same(native.samples.data, viaJs.samples.data), `${process} ${sampler}`).toBe(true);
        }
      }
    });
  }

  it('blocks split across threads and batches: diagonal mixture, heun', () => {
    const target = mixture(8, 16, 7, false);
    const o = { target, sampler: 'heun' as const, process: 'vp' as const, steps: 5, seed: 3, n: 2000 };
    expectThreadAndSplitInvariant(o, 1001);
  });
});
