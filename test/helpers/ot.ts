/** Independent reference code for the W2 tests (nothing here calls the library's solvers). */
import { ndarray, type NDArray } from '../../lib/index.js';

/** A small seeded generator (mulberry32) so test data does not depend on library code. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(r: () => number): number {
  const u = 1 - r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

export function randomCloud(seed: number, n: number, d: number, kind: 'uniform' | 'normal' | 'integer' = 'normal'): NDArray<Float64Array> {
  const r = rng(seed);
  const x = new Float64Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = kind === 'uniform' ? r() : kind === 'integer' ? Math.floor(r() * 7) - 3 : gaussian(r);
  return ndarray(x, [n, d]);
}

/** Points in a few tight clusters. */
export function clusteredCloud(seed: number, n: number, d: number, clusters = 3, spread = 1e-3): NDArray<Float64Array> {
  const r = rng(seed);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: d }, () => 10 * gaussian(r)));
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = centres[Math.floor(r() * clusters)]!;
    for (let k = 0; k < d; k++) x[i * d + k] = c[k]! + spread * gaussian(r);
  }
  return ndarray(x, [n, d]);
}

/** A regular grid (many exactly tied costs). */
export function gridCloud(side: number, d: number, offset = 0): NDArray<Float64Array> {
  const n = side ** d;
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let t = i;
    for (let k = 0; k < d; k++) {
      x[i * d + k] = (t % side) + offset;
      t = Math.floor(t / side);
    }
  }
  return ndarray(x, [n, d]);
}

export function sqDist(a: NDArray, i: number, b: NDArray, j: number): number {
  const d = a.shape.length === 1 ? 1 : a.shape[1]!;
  let s = 0;
  for (let k = 0; k < d; k++) {
    const t = a.data[i * d + k]! - b.data[j * d + k]!;
    s += t * t;
  }
  return s;
}

/** min over all permutations of the mean squared distance (n <= 8: 40320 permutations). */
export function bruteForceW2sq(a: NDArray, b: NDArray): number {
  const n = a.shape[0]!;
  const C = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => sqDist(a, i, b, j)));
  const perm = Array.from({ length: n }, (_, i) => i);
  let best = Infinity;
  const visit = (k: number, acc: number): void => {
    if (acc >= best) return;
    if (k === n) {
      best = acc;
      return;
    }
    for (let t = k; t < n; t++) {
      [perm[k], perm[t]] = [perm[t]!, perm[k]!];
      visit(k + 1, acc + C[k]![perm[k]!]!);
      [perm[k], perm[t]] = [perm[t]!, perm[k]!];
    }
  };
  visit(0, 0);
  return best / n;
}

/** W2^2 on the line with uniform weights and n = m: mean of squared differences of sorted values. */
export function sortedW2sq(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const a = Array.from(x).sort((p, q) => p - q);
  const b = Array.from(y).sort((p, q) => p - q);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s / a.length;
}

/** Repeats point i of a cloud counts[i] times (integer weights -> uniform weights). */
export function replicate(a: NDArray, counts: readonly number[]): NDArray<Float64Array> {
  const d = a.shape.length === 1 ? 1 : a.shape[1]!;
  const total = counts.reduce((s, c) => s + c, 0);
  const x = new Float64Array(total * d);
  let r = 0;
  counts.forEach((c, i) => {
    for (let t = 0; t < c; t++, r++) for (let k = 0; k < d; k++) x[r * d + k] = a.data[i * d + k]!;
  });
  return ndarray(x, [total, d]);
}

export function meanOf(a: NDArray): number[] {
  const [n, d] = [a.shape[0]!, a.shape.length === 1 ? 1 : a.shape[1]!];
  const m = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) m[k]! += a.data[i * d + k]! / n;
  return m;
}

export function relErr(x: number, y: number): number {
  return Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y), 1e-300);
}

/**
 * Minimum-cost perfect matching by the O(n³) Hungarian method with row/column potentials
 * (Kuhn–Munkres as in textbooks), on a dense cost matrix: an independent reference for
 * the library's assignment solvers. Returns the mean cost of the optimal matching.
 */
export function hungarianMeanCost(cost: readonly (readonly number[])[]): number {
  const n = cost.length;
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const matchOfCol = new Int32Array(n + 1); // row (1-based) matched to column j, 0 = none
  const way = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    matchOfCol[0] = i;
    let j0 = 0;
    const minv = new Float64Array(n + 1).fill(Infinity);
    const used = new Uint8Array(n + 1);
    do {
      used[j0] = 1;
      const i0 = matchOfCol[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost[i0 - 1]![j - 1]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[matchOfCol[j]!]! += delta;
          v[j]! -= delta;
        } else minv[j]! -= delta;
      }
      j0 = j1;
    } while (matchOfCol[j0] !== 0);
    do {
      const j1 = way[j0]!;
      matchOfCol[j0] = matchOfCol[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  let total = 0;
  for (let j = 1; j <= n; j++) total += cost[matchOfCol[j]! - 1]![j - 1]!;
  return total / n;
}

/** The dense squared-distance matrix between two clouds. */
export function costMatrix(a: NDArray, b: NDArray): number[][] {
  return Array.from({ length: a.shape[0]! }, (_, i) => Array.from({ length: b.shape[0]! }, (_, j) => sqDist(a, i, b, j)));
}

/** n points drawn (seeded) from `distinct` random lattice points in {0..side-1}^d: many exact duplicates. */
export function duplicatedCloud(seed: number, n: number, d: number, distinct: number, side = 5): NDArray<Float64Array> {
  const r = rng(seed);
  const atoms = Array.from({ length: distinct }, () => Array.from({ length: d }, () => Math.floor(r() * side)));
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const p = atoms[Math.floor(r() * distinct)]!;
    for (let k = 0; k < d; k++) x[i * d + k] = p[k]!;
  }
  return ndarray(x, [n, d]);
}

/** Nested rows of a 2-D cloud. */
export function toRowsOf(a: NDArray): number[][] {
  const [n, d] = [a.shape[0]!, a.shape.length === 1 ? 1 : a.shape[1]!];
  return Array.from({ length: n }, (_, i) => Array.from(a.data.subarray(i * d, (i + 1) * d)));
}
