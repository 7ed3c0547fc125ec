// Row scans from float32 estimates (native/ot/cost_filter.h): used without a dense
// matrix for d > 8, they must give exactly what full exact scans give, because the
// estimate margin provably keeps every column that can matter. The dense path (exact
// rows read from the matrix) is the independent reference: same permutation, same
// potentials, same certificate, bit for bit; and the value matches an O(n^3) solver.
import { describe, expect, it } from 'vitest';
import { ndarray, setThreads, w2Sync, type NDArray } from '../lib/index.js';
import { clusteredCloud, randomCloud, relErr, rng } from './helpers/ot.js';

function mapCloud(a: NDArray, f: (x: number, k: number) => number): NDArray<Float64Array> {
  const d = a.shape[1]!;
  return ndarray(Float64Array.from(a.data as ArrayLike<number>, (x, t) => f(x, t % d)), [a.shape[0]!, d]);
}

// A budget that holds the solver's working set and the estimates but only an eighth of
// a dense matrix (the working-set terms of native/ot/exact.cc, with up to 8 threads).
function budgetWithoutDense(n: number, d: number): number {
  return 16 * n * d + 384 * n + 12 * n * Math.min(n, 192) + 256 * n + 32 * n * (d + 2) + n * n;
}

function compareWithDense(a: NDArray, b: NDArray): void {
  const dense = w2Sync(a, b);
  const fly = w2Sync(a, b, { memoryBudgetBytes: budgetWithoutDense(a.shape[0]!, a.shape[1]!) });
  expect(dense.stats!.dense).toBe(true);
  expect(dense.stats!.costEstimates).toBe(false);
  expect(fly.stats!.dense).toBe(false);
  expect(fly.stats!.costEstimates).toBe(true);
  expect(fly.solver).toBe(dense.solver);
  expect(fly.w2sq).toBe(dense.w2sq);
  expect(Array.from(fly.permutation!)).toEqual(Array.from(dense.permutation!));
  expect(Array.from(fly.potentials!.u)).toEqual(Array.from(dense.potentials!.u));
  expect(Array.from(fly.potentials!.v)).toEqual(Array.from(dense.potentials!.v));
  expect(fly.certificate!.maxViolation).toBe(dense.certificate!.maxViolation);
  expect(fly.certificate!.worstPair).toEqual(dense.certificate!.worstPair);
  expect(fly.certificate!.certified).toBe(true);
  // An independent solver on the same problem.
  const sp = w2Sync(a, b, { solver: 'shortest-path' });
  expect(relErr(fly.w2sq, sp.w2sq)).toBeLessThan(1e-12);
}

describe('cost estimates with exact candidates', () => {
  it('normal clouds, d = 16 and 64', () => {
    compareWithDense(randomCloud(1, 500, 16), randomCloud(2, 500, 16));
    compareWithDense(randomCloud(3, 400, 64), randomCloud(4, 400, 64));
  });

  it('nearby points far from the origin (the expanded form cancels there)', () => {
    // Spread 1e-3 around 1e6: |a|^2 ~ 1e13 while costs are ~1e-5.
    const a = mapCloud(randomCloud(5, 300, 12), (x, k) => 1e6 + k + 1e-3 * x);
    const b = mapCloud(randomCloud(6, 300, 12), (x, k) => 1e6 + k + 1e-3 * x);
    compareWithDense(a, b);
  });

  it('clouds far apart, clustered, and with many tied costs', () => {
    const far = mapCloud(randomCloud(8, 300, 10), (x) => x + 1e4);
    compareWithDense(randomCloud(7, 300, 10), far);
    compareWithDense(clusteredCloud(9, 300, 12, 4, 0.3), clusteredCloud(10, 300, 12, 4, 0.3));
    // Coordinates in {0, 1, 2}: many exactly equal costs (ties broken the same way).
    const r = rng(11);
    const tied = (n: number) => ndarray(Float64Array.from({ length: n * 9 }, () => Math.floor(3 * r())), [n, 9]);
    compareWithDense(tied(300), tied(300));
  });

  it('one thread gives the same bits as several', () => {
    const a = randomCloud(12, 400, 24), b = randomCloud(13, 400, 24);
    const opts = { memoryBudgetBytes: budgetWithoutDense(400, 24) };
    const many = w2Sync(a, b, opts);
    setThreads(1);
    try {
      const one = w2Sync(a, b, opts);
      expect(one.stats!.costEstimates).toBe(true);
      expect(one.w2sq).toBe(many.w2sq);
      expect(Array.from(one.permutation!)).toEqual(Array.from(many.permutation!));
      expect(one.certificate!.maxViolation).toBe(many.certificate!.maxViolation);
    } finally {
      setThreads(0);
    }
  });
});
