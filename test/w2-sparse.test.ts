// Exact W2 in the plane from sparse candidate sets (native/ot/sparse_assignment.h):
// the value must equal the network simplex's (an independent algorithm over all pairs)
// and the certificate, re-checked here from coordinates over all n^2 pairs, must hold.
import { describe, expect, it } from 'vitest';
import { checkCertificate, ndarray, w2Sync, type NDArray } from '../lib/index.js';
import { randomCloud, relErr } from './helpers/ot.js';

function isPermutation(p: ArrayLike<number>): boolean {
  const seen = new Uint8Array(p.length);
  for (let i = 0; i < p.length; i++) {
    if (p[i]! < 0 || p[i]! >= p.length || seen[p[i]!]) return false;
    seen[p[i]!] = 1;
  }
  return true;
}

function expectExact(a: NDArray, b: NDArray): ReturnType<typeof w2Sync> {
  const r = w2Sync(a, b, { solver: 'sparse' });
  expect(r.solver).toBe('sparse-auction');
  expect(r.certificate!.certified).toBe(true);
  expect(isPermutation(r.permutation!)).toBe(true);
  expect(checkCertificate(a, b, r).ok).toBe(true);
  const dense = w2Sync(a, b, { solver: 'network-simplex' });
  expect(relErr(r.w2sq, dense.w2sq)).toBeLessThan(1e-12);
  return r;
}

describe('sparse candidate sets in d = 2', () => {
  it('normal clouds, also shifted and rescaled: equal to the network simplex over all pairs, certified over all pairs', () => {
    const r = expectExact(randomCloud(1, 3000, 2), randomCloud(2, 3000, 2));
    expect(r.stats!.candidatePairs as number).toBeLessThan(3000 * 60); // sparse: not n^2
    const b = randomCloud(4, 2000, 2);
    const moved = ndarray(Float64Array.from(b.data, (x, t) => (t % 2 ? 0.5 * x - 1 : 3 * x + 5)), [2000, 2]);
    expectExact(randomCloud(3, 2000, 2), moved);
  });

  it('neighbour candidates that cannot be enough: the certificate adds the missing pairs', () => {
    // 10 % of b sits in a far cluster: the points matched to it are nobody's neighbours.
    const n = 1500;
    const b0 = randomCloud(6, n, 2);
    const b = ndarray(Float64Array.from(b0.data, (x, t) => (t < 0.2 * n ? (t % 2 ? 0.1 * x : 20 + 0.1 * x) : x)), [n, 2]);
    const r = expectExact(randomCloud(5, n, 2), b);
    expect(r.stats!.addedPairs as number).toBeGreaterThan(0);
  });

  it('is refused where it does not apply', () => {
    expect(() => w2Sync(randomCloud(7, 10, 3), randomCloud(8, 10, 3), { solver: 'sparse' })).toThrow(/needs uniform weights, n = m and d = 2/);
    expect(() => w2Sync(randomCloud(7, 10, 2), randomCloud(8, 12, 2), { solver: 'sparse' })).toThrow(/needs uniform weights/);
  });
});
