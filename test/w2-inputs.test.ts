/**
 * What `w2` accepts besides NDArrays (nested rows, flat arrays with d), and exact optimal
 * transport for a given cost matrix (`exactOtSync`, `exactOt`, POT-shaped `emd2`), checked
 * against an independent Hungarian method and a certificate recomputed here from the matrix.
 */
import { describe, expect, it } from 'vitest';
import { AbortError, emd2, exactOt, exactOtSync, ndarray, NotConvergedError, ShapeMismatchError, w2Sync, type ExactOtResult } from '../lib/index.js';
import { costMatrix, hungarianMeanCost, randomCloud, relErr, rng, toRowsOf } from './helpers/ot.js';

/** primal − dual + max violation over all pairs, recomputed from the matrix. */
function independentBound(M: number[][], wa: number[], wb: number[], r: ExactOtResult): number {
  let primal = 0;
  for (let k = 0; k < r.plan.mass.length; k++) primal += r.plan.mass[k]! * M[r.plan.rows[k]!]![r.plan.cols[k]!]!;
  let dual = 0;
  wa.forEach((w, i) => (dual += w * r.potentials.u[i]!));
  wb.forEach((w, j) => (dual += w * r.potentials.v[j]!));
  let violation = -Infinity;
  M.forEach((row, i) => row.forEach((c, j) => (violation = Math.max(violation, r.potentials.u[i]! + r.potentials.v[j]! - c))));
  expect(relErr(primal, r.cost)).toBeLessThan(1e-13);
  return Math.max(0, primal - dual) + Math.max(0, violation);
}

function randomMatrix(seed: number, n: number, m: number, lo = -1, hi = 3): number[][] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: m }, () => lo + (hi - lo) * r()));
}

describe('w2 accepts nested rows and flat arrays with d', () => {
  const a = randomCloud(1, 50, 3);
  const b = randomCloud(2, 50, 3);
  const reference = w2Sync(a, b);

  it('nested rows, flat typed arrays and flat plain arrays give the identical result', () => {
    expect(w2Sync(toRowsOf(a), toRowsOf(b)).w2sq).toBe(reference.w2sq);
    expect(w2Sync(a.data, b.data, { d: 3 }).w2sq).toBe(reference.w2sq);
    expect(w2Sync(Array.from(a.data), Array.from(b.data), { d: 3 }).w2sq).toBe(reference.w2sq);
    expect(w2Sync(toRowsOf(a), b).permutation).toEqual(reference.permutation);
    // Flat without d: points on the line.
    const x = [0.5, -1, 2, 7];
    const y = [1, 1, 3, -2];
    expect(w2Sync(x, y).w2sq).toBe(w2Sync(ndarray(Float64Array.from(x), [4]), ndarray(Float64Array.from(y), [4])).w2sq);
  });

  it('ragged rows, lengths that are not a multiple of d and conflicting d are typed errors', () => {
    expect(() => w2Sync([[1, 2], [3]], [[1, 2], [3, 4]])).toThrow(ShapeMismatchError);
    expect(() => w2Sync(a.data, b.data, { d: 4 })).toThrow(ShapeMismatchError);
    expect(() => w2Sync(a, b, { d: 2 })).toThrow(ShapeMismatchError);
    expect(() => w2Sync([[1, 'x' as unknown as number]], [[1, 2]])).toThrow(/must be a number/);
  });
});

describe('exact optimal transport for a cost matrix', () => {
  it('square uniform: the Hungarian optimum and a permutation, with any-sign costs', () => {
    const M = randomMatrix(3, 40, 40);
    const r = exactOtSync(M);
    expect(relErr(r.cost, hungarianMeanCost(M))).toBeLessThan(1e-12);
    expect(new Set(r.permutation).size).toBe(40);
    expect(r.certificate.certified).toBe(true);
    const u = new Array(40).fill(1 / 40);
    expect(independentBound(M, u, u, r)).toBeLessThanOrEqual(r.certificate.tolerance);
  });

  it('integer weights equal the uniform problem on repeated rows and columns', () => {
    const M = randomMatrix(4, 12, 15, 0, 5);
    const ca = Array.from({ length: 12 }, (_, i) => 1 + (i % 3)); // total 24
    const cb = Array.from({ length: 15 }, (_, j) => 1 + (j % 2)); // 7 twos, 8 ones: 22
    cb[0]! += 2;
    const rowsRep = ca.flatMap((c, i) => Array(c).fill(i) as number[]);
    const colsRep = cb.flatMap((c, j) => Array(c).fill(j) as number[]);
    const big = rowsRep.map((i) => colsRep.map((j) => M[i]![j]!));
    const r = exactOtSync(M, { weightsA: ca, weightsB: cb });
    expect(relErr(r.cost, hungarianMeanCost(big))).toBeLessThan(1e-12);
    expect(r.certificate.certified).toBe(true);
    const total = 24;
    expect(independentBound(M, ca.map((c) => c / total), cb.map((c) => c / total), r)).toBeLessThanOrEqual(r.certificate.tolerance);
  });

  it('zero weights take no mass; n ≠ m; equals w2 on the squared-distance matrix', () => {
    const a = randomCloud(5, 30, 2);
    const b = randomCloud(6, 45, 2);
    const wa = Array.from({ length: 30 }, (_, i) => (i % 4 === 0 ? 0 : 1 + (i % 3)));
    const exact = w2Sync(a, b, { weightsA: wa });
    const r = exactOtSync(costMatrix(a, b), { weightsA: wa });
    expect(relErr(r.cost, exact.w2sq)).toBeLessThan(1e-12);
    for (let k = 0; k < r.plan.rows.length; k++) expect(wa[r.plan.rows[k]!]).toBeGreaterThan(0);
    expect(r.certificate.certified).toBe(true);
  });

  it('emd2(a, b, M) in POT argument order; flat M with the weights giving the shape', async () => {
    const M = randomMatrix(7, 20, 25, 0, 1);
    const a = Array.from({ length: 20 }, (_, i) => 1 + (i % 2));
    const b = Array.from({ length: 25 }, (_, j) => (j < 5 ? 2.4 : 0.9)); // both total 30
    const r = exactOtSync(M, { weightsA: a, weightsB: b });
    expect(emd2(a, b, M)).toBe(r.cost);
    expect(emd2(a, b, Float64Array.from(M.flat()))).toBe(r.cost);
    expect(emd2([], [], ndarray(Float64Array.from(M.flat()), [20, 25]))).toBe(exactOtSync(M).cost);
    expect((await exactOt(M, { weightsA: a, weightsB: b })).cost).toBe(r.cost);
    expect(() => emd2(a, b, M.slice(1))).toThrow(ShapeMismatchError);
  });

  it('costs near the float64 limit are solved exactly in scaled units', () => {
    const M = randomMatrix(8, 10, 10, 0, 1);
    const s = 2 ** 1000;
    const r = exactOtSync(M.map((row) => row.map((c) => c * s)));
    expect(relErr(r.cost / s, exactOtSync(M).cost)).toBeLessThan(1e-12);
    expect(r.certificate.certified).toBe(true);
  });

  it('a pivot cap is NOT_CONVERGED, never an unchecked value; an aborted signal is an AbortError', async () => {
    expect(() => exactOtSync(randomMatrix(9, 30, 30), { maxIterations: 1 })).toThrow(NotConvergedError);
    await expect(exactOt(randomMatrix(10, 30, 30), { signal: AbortSignal.abort() })).rejects.toThrow(AbortError);
  });
});
