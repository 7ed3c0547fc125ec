import { describe, expect, it } from 'vitest';
import {
  empiricalTarget,
  gmmTarget,
  ndarray,
  sampleSync,
  targetScore,
  type FloatArray,
  type SampleOptions,
  type TargetSpec,
} from '../lib/index.js';
import { coefficients, gaussianLogPdf, marginalCovariance, randomSpd, rng, solve } from './helpers/gauss.js';
import { expectThreadAndSplitInvariant } from './helpers/reproducibility.js';

/*
 * The block kernels behind analytic scores (native/targets/mixture_block.cc): full-covariance
 * mixtures in precision form (one matrix product per component and block) and empirical targets
 * (logits and weighted sums by matrix products). They sum in a different order than the
 * definition, so they are checked against a transcription of the formulas (spec §4) to
 * round-off; and, because every row of a block goes through the same operations, runs must be
 * bit-identical across thread counts, batch splits and dtypes' shared float64 arithmetic.
 */

const same = (a: FloatArray, b: FloatArray) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / scale;
}

interface FullMixture {
  weights: number[];
  means: number[][];
  covs: number[][][];
}

function fullMixture(K: number, d: number, seed: number): FullMixture {
  const r = rng(seed);
  const raw = Array.from({ length: K }, () => 0.3 + r.uniform());
  const total = raw.reduce((a, b) => a + b, 0);
  return {
    weights: raw.map((w) => w / total),
    means: Array.from({ length: K }, () => Array.from({ length: d }, () => 1.5 * r.normal())),
    covs: Array.from({ length: K }, () => randomSpd(d, r, 0.1)),
  };
}

/** s(t, x) = Σ_k r_k (−Σ_{k,t}⁻¹(x − αμ_k)), r_k ∝ w_k N(x; αμ_k, Σ_{k,t}), by elimination. */
function referenceMixtureScore(mix: FullMixture, process: 'vp' | 've', t: number, x: number[]): number[] {
  const c = coefficients(process, t);
  const logs = mix.weights.map((w, k) => Math.log(w) + gaussianLogPdf(x, mix.means[k]!.map((v) => c.alpha * v), marginalCovariance(mix.covs[k]!, c)));
  const top = Math.max(...logs);
  const e = logs.map((l) => Math.exp(l - top));
  const total = e.reduce((a, b) => a + b, 0);
  const s = new Array<number>(x.length).fill(0);
  mix.covs.forEach((cov, k) => {
    const y = x.map((v, i) => v - c.alpha * mix.means[k]![i]!);
    const z = solve(marginalCovariance(cov, c), y).x;
    for (let i = 0; i < x.length; i++) s[i]! -= (e[k]! / total) * z[i]!;
  });
  return s;
}

/** The ideal denoiser from the definition: distances |x − αp_k|² directly. */
function referenceEmpiricalScore(points: Float64Array, m: number, process: 'vp' | 've', t: number, x: ArrayLike<number>): number[] {
  const d = x.length;
  const { alpha, sigma2 } = coefficients(process, t);
  const logits = Array.from({ length: m }, (_, k) => {
    let q = 0;
    for (let i = 0; i < d; i++) q += (x[i]! - alpha * points[k * d + i]!) ** 2;
    return -q / (2 * sigma2);
  });
  const top = Math.max(...logits);
  const w = logits.map((l) => Math.exp(l - top));
  const total = w.reduce((a, b) => a + b, 0);
  return Array.from({ length: d }, (_, i) => {
    let xbar = 0;
    for (let k = 0; k < m; k++) xbar += w[k]! * points[k * d + i]!;
    return -(x[i]! - (alpha * xbar) / total) / sigma2;
  });
}

function pointsNear(centres: number[][], n: number, seed: number, spread: number): Float64Array {
  const r = rng(seed);
  const d = centres[0]!.length;
  return Float64Array.from({ length: n * d }, (_, q) => centres[Math.floor(q / d) % centres.length]![q % d]! + spread * r.normal());
}

describe('full-covariance mixture block kernel', () => {
  // n = 77 rows: blocks of 32, 32 and 13 (an 8-row kernel), and single rows through score().
  for (const [K, d] of [
    [3, 5],
    [8, 16],
    [2, 33],
  ] as const)
    it(`K = ${K}, d = ${d}: equals the definition to round-off (vp and ve, several times)`, () => {
      const mix = fullMixture(K, d, 10 + d);
      const target = gmmTarget({ weights: mix.weights, means: mix.means, covariances: mix.covs });
      for (const process of ['vp', 've'] as const)
        for (const t of [0.02, 0.3, 1]) {
          const alpha = coefficients(process, t).alpha;
          const x = pointsNear(mix.means.map((m) => m.map((v) => alpha * v)), 77, 3, 0.7);
          const s = targetScore(target, process, t, ndarray(x, [77, d])).data;
          for (const row of [0, 31, 32, 64, 76]) {
            const expected = referenceMixtureScore(mix, process, t, Array.from(x.subarray(row * d, (row + 1) * d)));
            expect(maxRelDiff(s.subarray(row * d, (row + 1) * d), expected), `${process} t=${t} row ${row}`).toBeLessThan(1e-10);
          }
        }
    });

  it('too large to cache precision matrices (K·d² > 2^18): the per-point path, same mathematics', () => {
    const mix = fullMixture(7, 200, 4);
    const target = gmmTarget({ weights: mix.weights, means: mix.means, covariances: mix.covs });
    const x = pointsNear(mix.means.map((m) => m.map((v) => 0.8 * v)), 2, 5, 0.5);
    const s = targetScore(target, 'vp', 0.1, ndarray(x, [2, 200])).data;
    for (const row of [0, 1]) {
      const expected = referenceMixtureScore(mix, 'vp', 0.1, Array.from(x.subarray(row * 200, (row + 1) * 200)));
      expect(maxRelDiff(s.subarray(row * 200, (row + 1) * 200), expected)).toBeLessThan(1e-10);
    }
  });

  it('diagonal covariance matrices take the diagonal path: bitwise equal to the same variances', () => {
    const r = rng(8);
    const K = 4;
    const d = 6;
    const weights = [0.1, 0.2, 0.3, 0.4];
    const means = Array.from({ length: K }, () => Array.from({ length: d }, () => r.normal()));
    const variances = Array.from({ length: K }, (_, k) => Array.from({ length: d }, (_, j) => (k === 1 && j === 2 ? 0 : 0.05 + r.uniform())));
    const asMatrices = variances.map((v) => v.map((x, i) => v.map((_, j) => (i === j ? x : 0))));
    const a = gmmTarget({ weights, means, variances });
    const b = gmmTarget({ weights, means, covariances: asMatrices });
    const x = ndarray(pointsNear(means, 50, 2, 0.5), [50, d]);
    expect(same(targetScore(b, 'vp', 0.4, x).data, targetScore(a, 'vp', 0.4, x).data)).toBe(true);
    for (const dtype of ['float64', 'float32'] as const) {
      const o = { sampler: 'heun' as const, steps: 6, n: 300, seed: 4, dtype };
      expect(same(sampleSync({ ...o, target: b }).samples.data, sampleSync({ ...o, target: a }).samples.data), dtype).toBe(true);
    }
    const negative = asMatrices.map((c) => c.map((row) => [...row]));
    negative[2]![3]![3] = -0.5;
    expect(() => gmmTarget({ weights, means, covariances: negative })).toThrow(/covariances\[2\] is not positive semidefinite/);
  });
});

describe('empirical block kernel', () => {
  const m = 500;
  const d = 12;
  const g = rng(21);
  const points = Float64Array.from({ length: m * d }, () => g.normal());
  const target = empiricalTarget(ndarray(points, [m, d]));

  it('equals the ideal denoiser written from the definition to round-off (near the data and far away)', () => {
    for (const process of ['vp', 've'] as const)
      for (const t of [0.05, 0.4, 1]) {
        const { alpha } = coefficients(process, t);
        const centres = [0, 7, 99].map((k) => Array.from(points.subarray(k * d, (k + 1) * d), (v) => alpha * v));
        const x = pointsNear(centres, 41, 9, process === 've' ? t : 0.3);
        x.set(x.subarray(0, d).map((v) => v + 6), 40 * d);  // one row away from every point
        const s = targetScore(target, process, t, ndarray(x, [41, d])).data;
        for (const row of [0, 1, 32, 39, 40]) {
          const expected = referenceEmpiricalScore(points, m, process, t, x.subarray(row * d, (row + 1) * d));
          // The logits differ from the definition's by the k-independent |x|²/(2σ²) and round-off
          // of order ε|x||αp|/σ²; their effect on s is relative ~1e-12 here.
          expect(maxRelDiff(s.subarray(row * d, (row + 1) * d), expected), `${process} t=${t} row ${row}`).toBeLessThan(1e-9);
        }
      }
  });
});

describe('block kernels are bit-reproducible', () => {
  it('a row scored alone (one-row kernel) has the bits it has inside blocks of 32 and 8', () => {
    const mix = fullMixture(4, 9, 40);
    const g = rng(41);
    const targets: [string, TargetSpec, number][] = [
      ['full', gmmTarget({ weights: mix.weights, means: mix.means, covariances: mix.covs }), 9],
      ['diagonal', gmmTarget({ weights: mix.weights, means: mix.means, variances: mix.covs.map((c) => c.map((row, i) => row[i]!)) }), 9],
      ['empirical', empiricalTarget(ndarray(Float64Array.from({ length: 200 * 9 }, () => g.normal()), [200, 9])), 9],
    ];
    for (const [name, target, d] of targets) {
      const x = pointsNear(mix.means, 40, 6, 0.8);  // a block of 32 rows, then one of 8 (the 8-row kernel)
      const block = targetScore(target, 'vp', 0.2, ndarray(x, [40, d])).data;
      for (const row of [0, 17, 31, 32, 36, 39]) {
        const alone = targetScore(target, 'vp', 0.2, ndarray(x.slice(row * d, (row + 1) * d), [1, d])).data;
        expect(same(alone, block.subarray(row * d, (row + 1) * d)), `${name} row ${row}`).toBe(true);
      }
    }
  });


  const mix = fullMixture(6, 10, 30);
  const full = gmmTarget({ weights: mix.weights, means: mix.means, covariances: mix.covs });
  const g = rng(31);
  const empirical = empiricalTarget(ndarray(Float64Array.from({ length: 300 * 7 }, () => g.normal()), [300, 7]));
  for (const [name, target] of [
    ['full-covariance mixture', full],
    ['empirical', empirical],
  ] as [string, TargetSpec][])
    for (const dtype of ['float64', 'float32'] as const)
      it(`${name}, ${dtype}: independent of thread count and batch split`, () => {
        const o: SampleOptions = { target, sampler: 'heun', steps: 4, seed: 3, n: 1500, dtype };
        expectThreadAndSplitInvariant(o, 701);
      });
});
