/**
 * Duplicated points: identical points collapse into weighted atoms, the reduced problem is
 * solved and certified, and the plan (or permutation) is expanded back. Every value is
 * checked against an independent Hungarian method on the full point sets (test/helpers),
 * brute force or a closed form, and every result's certificate is re-checked from the
 * coordinates alone.
 */
import { describe, expect, it } from 'vitest';
import { checkCertificate, ndarray, w2Sync, type NDArray, type W2Result } from '../lib/index.js';
import { bruteForceW2sq, costMatrix, duplicatedCloud, hungarianMeanCost, randomCloud, relErr, replicate } from './helpers/ot.js';

function expectValidPermutation(r: W2Result, a: NDArray, b: NDArray): void {
  const n = a.shape[0]!;
  const perm = r.permutation!;
  expect(perm).toBeDefined();
  expect(new Set(perm).size).toBe(n);
  const d = a.shape[1] ?? 1;
  let total = 0;
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) total += (a.data[i * d + k]! - b.data[perm[i]! * d + k]!) ** 2;
  expect(relErr(total / n, r.w2sq)).toBeLessThan(1e-12);
}

function expectCertified(r: W2Result, a: NDArray, b: NDArray, weights: { weightsA?: number[]; weightsB?: number[] } = {}): void {
  expect(r.certificate!.certified).toBe(true);
  const check = checkCertificate(a, b, r, weights);
  expect(check.ok).toBe(true);
  expect(check.marginalError).toBeLessThan(1e-14);
}

describe('duplicated points collapse exactly into atoms', () => {
  it('duplicates on one side: equals the Hungarian method on all points, permutation expanded', () => {
    const a = duplicatedCloud(1, 90, 2, 6);
    const b = randomCloud(2, 90, 2);
    const r = w2Sync(a, b);
    expect(r.solver).toBe('atoms+network-simplex');
    expect(r.stats!.atomsB).toBe(90);
    expect(r.stats!.atomsA).toBeLessThanOrEqual(6);
    expect(relErr(r.w2sq, hungarianMeanCost(costMatrix(a, b)))).toBeLessThan(1e-12);
    expectValidPermutation(r, a, b);
    expectCertified(r, a, b);
  });

  it('duplicates on both sides (an integer lattice): equals the Hungarian method and every other solver', () => {
    const a = duplicatedCloud(3, 150, 3, 20, 3);
    const b = duplicatedCloud(4, 150, 3, 20, 3);
    const reference = hungarianMeanCost(costMatrix(a, b));
    const r = w2Sync(a, b);
    expect(r.solver).toBe('atoms+network-simplex');
    expect(relErr(r.w2sq, reference)).toBeLessThan(1e-12);
    expectValidPermutation(r, a, b);
    expectCertified(r, a, b);
    // The solvers that do not collapse (named explicitly) agree.
    for (const solver of ['auction', 'shortest-path'] as const) expect(relErr(w2Sync(a, b, { solver }).w2sq, reference)).toBeLessThan(1e-12);
  });

  it('brute force over all permutations for small duplicated clouds', () => {
    for (let seed = 0; seed < 6; seed++) {
      const a = duplicatedCloud(10 + seed, 8, 2, 2, 4);
      const b = duplicatedCloud(20 + seed, 8, 2, 2, 4);
      const r = w2Sync(a, b);
      expect(relErr(r.w2sq, bruteForceW2sq(a, b)) < 1e-12 || Math.abs(r.w2sq - bruteForceW2sq(a, b)) < 1e-15).toBe(true);
      expectValidPermutation(r, a, b);
      expectCertified(r, a, b);
    }
  });

  it('all points identical: W2² = |p − q|², or the mean squared distance to the single point', () => {
    const same = ndarray(new Float64Array(2 * 40).map((_, k) => (k % 2 ? -1.5 : 2.25)), [40, 2]);
    const other = ndarray(new Float64Array(2 * 40).map((_, k) => (k % 2 ? 0.5 : -3)), [40, 2]);
    const r0 = w2Sync(same, same);
    expect(r0.w2sq).toBe(0);
    expectCertified(r0, same, same);
    const r1 = w2Sync(same, other);
    expect(r1.w2sq).toBe((2.25 + 3) ** 2 + (-1.5 - 0.5) ** 2);
    expectValidPermutation(r1, same, other);
    expectCertified(r1, same, other);
    // One side a single repeated point: every coupling is optimal; W2² is the mean distance.
    const b = randomCloud(5, 40, 2);
    let mean = 0;
    for (let j = 0; j < 40; j++) mean += ((b.data[2 * j]! - 2.25) ** 2 + (b.data[2 * j + 1]! + 1.5) ** 2) / 40;
    const r2 = w2Sync(same, b);
    expect(r2.stats!.atomsA).toBe(1);
    expect(relErr(r2.w2sq, mean)).toBeLessThan(1e-13);
    expectCertified(r2, same, b);
  });

  it('weights with duplicates equal the uniform problem on replicated points', () => {
    const a = duplicatedCloud(6, 30, 2, 5);
    const b = duplicatedCloud(7, 40, 2, 6);
    const ca = Array.from({ length: 30 }, (_, i) => 1 + ((3 * i) % 4)); // total 75
    const cb = Array.from({ length: 40 }, (_, j) => 1 + (j % 3)); // total 79
    cb[1] = 1;
    cb[2] = 1;
    cb[5] = 2; // total 75
    expect(cb.reduce((s, x) => s + x)).toBe(75);
    const r = w2Sync(a, b, { weightsA: ca, weightsB: cb });
    expect(r.solver).toBe('atoms+network-simplex');
    const reference = hungarianMeanCost(costMatrix(replicate(a, ca), replicate(b, cb)));
    expect(relErr(r.w2sq, reference)).toBeLessThan(1e-12);
    expectCertified(r, a, b, { weightsA: ca, weightsB: cb });
  });

  it('uniform clouds of different sizes with duplicates: whole units, equal to the replicated problem', () => {
    const a = duplicatedCloud(8, 40, 2, 5);
    const b = duplicatedCloud(9, 60, 2, 7);
    const r = w2Sync(a, b);
    expect(r.solver).toBe('atoms+network-simplex');
    const reference = hungarianMeanCost(costMatrix(replicate(a, Array(40).fill(3)), replicate(b, Array(60).fill(2))));
    expect(relErr(r.w2sq, reference)).toBeLessThan(1e-12);
    // Every plan mass is a whole number of units 1/(n m).
    for (const x of r.plan!.mass) expect(Math.abs(x * 2400 - Math.round(x * 2400))).toBeLessThan(1e-9);
    expectCertified(r, a, b);
  });

  it('-0 and +0 are the same point; the result does not depend on the order of the points', () => {
    const a = ndarray(Float64Array.of(0, 1, -0, 1, 0, 1, 2, 2), [4, 2]);
    const b = ndarray(Float64Array.of(1, 0, 1, -0, 3, 3, 1, 0), [4, 2]);
    const r = w2Sync(a, b);
    expect(r.stats!.atomsA).toBe(2);
    expect(r.w2sq).toBe(bruteForceW2sq(a, b));
    expectValidPermutation(r, a, b);
  });

  it('few duplicates leave the assignment solvers in charge', () => {
    const a = randomCloud(11, 64, 3);
    const b = randomCloud(12, 64, 3);
    b.data.set(b.data.subarray(0, 3), 3); // one duplicated point
    expect(w2Sync(a, b).solver).toMatch(/^auction/);
  });
});

describe('tied costs without duplicates', () => {
  it('a grid against its half-step shift: every pair is at least 0.5 apart in x, so W2² = 1/4; auto picks shortest paths and says so', () => {
    const side = 24;
    const grid = (off: number) => ndarray(Float64Array.from({ length: 2 * side * side }, (_, k) => (k % 2 ? Math.floor(k / 2 / side) : ((k / 2) % side) + off)), [side * side, 2]);
    const a = grid(0);
    const b = grid(0.5);
    const r = w2Sync(a, b);
    expect(r.solver).toBe('shortest-path');
    expect(r.w2sq).toBe(0.25);
    expectValidPermutation(r, a, b);
    expectCertified(r, a, b);
    expect(w2Sync(a, b, { solver: 'auction' }).w2sq).toBe(0.25);
  });
});
