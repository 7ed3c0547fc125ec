import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  NotConvergedError,
  ShapeMismatchError,
  defaultOtTolerance,
  fitOtPrior,
  fitOtPriorSync,
  gaussianOtMap,
  laguerreArgmax,
  loadOtPrior,
  nearestPoints,
  ndarray,
  normalsSync,
  otPriorInitialState,
  processCoefficients,
  saveOtPrior,
  type OtPrior,
} from '../lib/index.js';
import { bruteArgmax, gaussians, phi, prng, quantileByBisection } from './helpers/ot-reference.js';

const rand = prng(20251);
const uniform = (n: number, lo = -1, hi = 1) => Float64Array.from({ length: n }, () => lo + (hi - lo) * rand());

describe('Laguerre argmax kernel', () => {
  it('equals a brute-force argmax bit for bit (scores summed in coordinate order; ties to the lowest index)', () => {
    for (const [m, d, n] of [
      [1, 3, 7],
      [15, 1, 301],
      [16, 2, 257],
      [17, 5, 101],
      [600, 64, 37], // crosses a cache chunk of packed cells (512 cells at d = 64)
      [40, 17, 260],
    ] as const) {
      const y = uniform(m * d);
      const h = uniform(m);
      // Exact ties: cell 1 duplicates cell 0 (the lowest index must win).
      if (m > 1) {
        for (let k = 0; k < d; k++) y[d + k] = y[k]!;
        h[1] = h[0]!;
      }
      const z = uniform(n * d, -2, 2);
      const scale = 1.25;
      const r = laguerreArgmax(ndarray(y, [m, d]), h, ndarray(z, [n, d]), { scale });
      for (let i = 0; i < n; i++) {
        const b = bruteArgmax(y, h, m, d, scale, z, i);
        expect(r.index[i]).toBe(b.index);
        expect(r.gap[i]).toBe(b.gap);
        if (b.gap > 0) expect(r.second[i]).toBe(b.runnerUp);
      }
      if (m > 1) expect(Array.from(r.index).includes(1)).toBe(false);
    }
  });

  it('nearest points agree with a brute-force search', () => {
    const y = uniform(50 * 3);
    const x = uniform(200 * 3);
    const r = nearestPoints(ndarray(y, [50, 3]), ndarray(x, [200, 3]));
    for (let q = 0; q < 200; q++) {
      let best = Infinity;
      for (let i = 0; i < 50; i++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += (x[q * 3 + k]! - y[i * 3 + k]!) ** 2;
        best = Math.min(best, Math.sqrt(s));
      }
      expect(r.distance[q]).toBeCloseTo(best, 12);
    }
  });
});

describe('Gaussian OT map (ot-gaussian)', () => {
  const mean = [0.5, -1, 2];
  const covariance = [
    [2, 0.3, -0.4],
    [0.3, 1, 0.2],
    [-0.4, 0.2, 0.5],
  ];
  const process = { name: 'vp' as const, T: 0.6 };
  const c = processCoefficients(process, [0.6]);
  const a = c.alpha[0]!;
  const s = c.sigma[0]!;

  it('pushes N(0, I) exactly onto N(αμ, α²Σ + σ²I): A Aᵀ and the shift to round-off', () => {
    const g = gaussianOtMap({ mean, covariance }, process);
    for (let i = 0; i < 3; i++) {
      expect(g.shift[i]).toBe(a * mean[i]!);
      for (let j = 0; j < 3; j++) {
        let aat = 0;
        for (let k = 0; k < 3; k++) aat += g.matrix[i * 3 + k]! * g.matrix[j * 3 + k]!;
        const target = a * a * covariance[i]![j]! + (i === j ? s * s : 0);
        expect(Math.abs(aat - target)).toBeLessThan(1e-13);
        expect(g.matrix[i * 3 + j]).toBe(g.matrix[j * 3 + i]); // symmetric: the OT (gradient) map
      }
    }
    // Symmetric positive definite square root: the map is the gradient of a convex quadratic.
    const x = [1, -2, 0.5];
    let q = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) q += x[i]! * g.matrix[i * 3 + j]! * x[j]!;
    expect(q).toBeGreaterThan(0);
  });

  it('sample moments within 4.5 standard errors (n = 100 000)', () => {
    const g = gaussianOtMap({ mean, covariance }, process);
    const n = 100_000;
    const x = g.sample({ n, seed: 7 }).data;
    const S = (i: number, j: number) => a * a * covariance[i]![j]! + (i === j ? s * s : 0);
    const mu = [0, 0, 0];
    for (let r = 0; r < n; r++) for (let i = 0; i < 3; i++) mu[i]! += x[r * 3 + i]! / n;
    for (let i = 0; i < 3; i++) expect(Math.abs(mu[i]! - a * mean[i]!)).toBeLessThan(4.5 * Math.sqrt(S(i, i) / n));
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let v = 0;
        for (let r = 0; r < n; r++) v += (x[r * 3 + i]! - mu[i]!) * (x[r * 3 + j]! - mu[j]!);
        v /= n - 1;
        // Var of a Gaussian sample covariance entry ≈ (S_ii S_jj + S_ij²)/n.
        expect(Math.abs(v - S(i, j))).toBeLessThan(4.5 * Math.sqrt((S(i, i) * S(j, j) + S(i, j) ** 2) / n));
      }
  });

  it('estimates μ and Σ from data (divisor n − 1)', () => {
    const data = uniform(400 * 2, -3, 3);
    const g = gaussianOtMap({ data: ndarray(data, [400, 2]) }, process);
    const mu = [0, 0];
    for (let r = 0; r < 400; r++) for (let i = 0; i < 2; i++) mu[i]! += data[r * 2 + i]! / 400;
    for (let i = 0; i < 2; i++) {
      expect(g.mean[i]).toBeCloseTo(mu[i]!, 12);
      for (let j = 0; j < 2; j++) {
        let v = 0;
        for (let r = 0; r < 400; r++) v += (data[r * 2 + i]! - mu[i]!) * (data[r * 2 + j]! - mu[j]!);
        expect(g.covariance[i * 2 + j]).toBeCloseTo(v / 399, 12);
      }
    }
  });

  it('rejects bad input with typed errors', () => {
    expect(() => gaussianOtMap({ mean: [0, 0], covariance: [[1, 0]] }, 'vp')).toThrow(ShapeMismatchError);
    expect(() => gaussianOtMap({ mean: [0, 0], covariance: [[1, 2], [0, 1]] }, 'vp')).toThrow(/symmetric/);
    expect(() => gaussianOtMap({ mean: [0, 0], covariance: [[1, 2], [2, 1]] }, 'vp')).toThrow(/semidefinite/);
    expect(() => gaussianOtMap({ data: ndarray(new Float64Array(2), [1, 2]) }, 'vp')).toThrow(/at least 2/);
    const g = gaussianOtMap({ mean, covariance }, process);
    expect(() => g.map(ndarray(new Float64Array(4), [2, 2]))).toThrow(ShapeMismatchError);
  });
});

/** 1-D semi-discrete OT from N(0, s²) to (1/m)Σδ_{y_i} is the monotone rearrangement: the cell of
 * the k-th smallest y is [Φ⁻¹((k−1)/m), Φ⁻¹(k/m)] (in units of s), and the weights follow from
 * equal scores at each boundary: h_(k+1) = h_(k) − s(y_(k+1) − y_(k))·b_k. */
function directWeights1d(y: Float64Array, s: number): Float64Array {
  const m = y.length;
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => y[a]! - y[b]!);
  const h = new Float64Array(m);
  for (let k = 1; k < m; k++) {
    const b = quantileByBisection(k / m);
    h[order[k]!] = h[order[k - 1]!]! - s * (y[order[k]!]! - y[order[k - 1]!]!) * b;
  }
  const mean = h.reduce((u, v) => u + v, 0) / m;
  return h.map((v) => v - mean);
}

/** Masses of the fitted 1-D cells, assuming cells ordered like y (checked). */
function masses1d(y: Float64Array, h: Float64Array, s: number): Float64Array {
  const m = y.length;
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => y[a]! - y[b]!);
  const bounds = [-Infinity];
  for (let k = 1; k < m; k++) {
    const i = order[k - 1]!;
    const j = order[k]!;
    bounds.push((h[i]! - h[j]!) / (s * (y[j]! - y[i]!)));
  }
  bounds.push(Infinity);
  for (let k = 1; k < bounds.length; k++) expect(bounds[k]!).toBeGreaterThan(bounds[k - 1]!);
  const out = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const lo = bounds[k]!;
    const hi = bounds[k + 1]!;
    out[order[k]!] = (hi === Infinity ? 1 : phi(hi)) - (lo === -Infinity ? 0 : phi(lo));
  }
  return out;
}

describe('semi-discrete OT in d = 1 against the direct solution', () => {
  const data = new Float64Array([-1.2, 0.3, 1.9, 0.7, -0.4]);
  for (const process of [{ name: 'ou' as const, T: 2 }, { name: 've' as const, T: 2 }]) {
    it(`Newton (exact in 1-D) matches the monotone rearrangement to 1e-9 (${process.name})`, () => {
      for (const m of [2, 3, 5]) {
        const prior = fitOtPriorSync({ data: ndarray(data.slice(0, m), [m]), process, seed: 3, tolerance: 1e-12, method: 'newton' });
        expect(prior.converged).toBe(true);
        expect(prior.sourceScale).toBe(process.name === 've' ? 2 : 1);
        const direct = directWeights1d(prior.points.data, prior.sourceScale);
        for (let i = 0; i < m; i++) expect(Math.abs(prior.weights[i]! - direct[i]!)).toBeLessThan(1e-9);
      }
    });
  }

  it('averaged SGD reaches the tolerance: every cell mass within 1% (exact masses, computed here)', () => {
    const tolerance = 0.01;
    const prior = fitOtPriorSync({ data: ndarray(data, [5]), process: { name: 'ou', T: 2 }, seed: 11, tolerance, method: 'sgd', maxIterations: 50_000 });
    expect(prior.converged).toBe(true);
    const mass = masses1d(prior.points.data, prior.weights, 1);
    for (const v of mass) expect(Math.abs(5 * v - 1)).toBeLessThanOrEqual(tolerance + 1e-9);
    expect(prior.maxCellMassError).toBeLessThanOrEqual(tolerance);
  });

  it('the hard map is the monotone rearrangement (quantile map) of N(0, 1) onto the y_i', () => {
    const prior = fitOtPriorSync({ data: ndarray(data, [5]), process: { name: 'ou', T: 2 }, seed: 3, tolerance: 1e-12 });
    const z = new Float64Array([-2, -0.6, -0.1, 0.1, 0.4, 1.5]);
    const sorted = Float64Array.from(prior.points.data).sort();
    const mapped = prior.map(ndarray(z, [6, 1])).data;
    for (let i = 0; i < 6; i++) expect(mapped[i]).toBe(sorted[Math.min(4, Math.floor(5 * phi(z[i]!)))]);
  });
});

function monotoneViolation(prior: OtPrior, soft: boolean, pairs: number): number {
  const z = normalsSync({ seed: 99, n: 2 * pairs, d: prior.d }).data;
  const t = prior.map(ndarray(z, [2 * pairs, prior.d]), { soft }).data;
  let worst = 0;
  for (let p = 0; p < pairs; p++) {
    let dot = 0;
    for (let k = 0; k < prior.d; k++) dot += (t[2 * p * prior.d + k]! - t[(2 * p + 1) * prior.d + k]!) * (z[2 * p * prior.d + k]! - z[(2 * p + 1) * prior.d + k]!);
    worst = Math.min(worst, dot);
  }
  return worst;
}

describe('maps', () => {
  const data = ndarray(gaussians(40 * 2, rand), [40, 2]);
  const prior = fitOtPriorSync({ data, process: 'vp', seed: 5, tolerance: 0.5, method: 'sgd', maxIterations: 200, allowNotConverged: true });

  it('hard and soft maps are monotone (gradients of convex potentials): ⟨T(z) − T(z′), z − z′⟩ ≥ 0', () => {
    expect(monotoneViolation(prior, false, 5000)).toBeGreaterThanOrEqual(0);
    expect(monotoneViolation(prior, true, 5000)).toBeGreaterThanOrEqual(-1e-12);
  });

  it('the soft map equals a direct softmax average; as τ → 0 it tends to the hard map', () => {
    const z = normalsSync({ seed: 4, n: 50, d: 2 }).data;
    const soft = prior.map(ndarray(z, [50, 2]), { soft: true, tau: 0.3 }).data;
    const hard = prior.map(ndarray(z, [50, 2])).data;
    const y = prior.points.data;
    for (let r = 0; r < 50; r++) {
      const sc = Array.from({ length: 40 }, (_, i) => z[2 * r]! * y[2 * i]! + z[2 * r + 1]! * y[2 * i + 1]! + prior.weights[i]!);
      const top = Math.max(...sc);
      const w = sc.map((v) => Math.exp((v - top) / 0.3));
      const tot = w.reduce((u, v) => u + v, 0);
      for (let k = 0; k < 2; k++) expect(soft[2 * r + k]).toBeCloseTo(w.reduce((u, v, i) => u + v * y[2 * i + k]!, 0) / tot, 11);
    }
    const sharp = prior.map(ndarray(z, [50, 2]), { soft: true, tau: 1e-9 }).data;
    let agree = 0;
    for (let i = 0; i < 100; i++) if (Math.abs(sharp[i]! - hard[i]!) < 1e-9) agree++;
    expect(agree).toBeGreaterThanOrEqual(98); // all but rows within 1e-8 of a facet
  });

  it('initial states: n × d float64, reproducible, split-invariant', () => {
    const a = otPriorInitialState(prior, 10, 42);
    expect(a).toBeInstanceOf(Float64Array);
    expect(a.length).toBe(20);
    expect(otPriorInitialState(prior, 10, 42)).toEqual(a);
    expect(otPriorInitialState(prior, 4, 42, 6)).toEqual(a.subarray(12));
  });
});

describe('save and load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw2-otprior-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips to the same map (hard and soft, bit for bit)', () => {
    const data = ndarray(gaussians(30 * 3, rand), [30, 3]);
    const prior = fitOtPriorSync({ data, process: 'vp', seed: 8, tolerance: 0.5, maxIterations: 50, method: 'sgd', allowNotConverged: true, tau: 0.1 });
    const files = saveOtPrior(prior, join(dir, 'prior'));
    const back = loadOtPrior(files.manifest);
    expect(back.weights).toEqual(prior.weights);
    expect(back.points.data).toEqual(prior.points.data);
    expect(back.tau).toBe(0.1);
    expect(back.process).toEqual(prior.process);
    const z = ndarray(normalsSync({ seed: 1, n: 500, d: 3 }).data, [500, 3]);
    expect(back.map(z).data).toEqual(prior.map(z).data);
    expect(back.map(z, { soft: true }).data).toEqual(prior.map(z, { soft: true }).data);
  });
});

describe('bad input', () => {
  const data = ndarray(new Float64Array([0.1, -0.3, 0.5, 0.9]), [2, 2]);
  it('gives typed errors naming the parameter', async () => {
    expect(() => fitOtPriorSync({ data, process: 'vp', seed: 1, m: 0 })).toThrow(/\bm must be/);
    expect(() => fitOtPriorSync({ data, process: 'vp', seed: 1, tau: 0 })).toThrow(/tau must be > 0/);
    expect(() => fitOtPriorSync({ data, process: 'vp', seed: 1, tolerance: -1 })).toThrow(/tolerance/);
    expect(() => fitOtPriorSync({ process: 'vp', seed: 1 })).toThrow(InvalidArgumentError);
    // Analytic targets are supported now (test/ot-prior-integration.test.ts); they need m.
    expect(() => fitOtPriorSync({ target: {} as never, process: 'vp', seed: 1 })).toThrow(/\bm \(the number of training points/);
    expect(() => fitOtPriorSync({ data, process: { name: 'ou', T: 0.1 }, seed: 1 })).toThrow(/T = 0.1 is too small.*σ\(T\)² = /);
    expect(() => fitOtPriorSync({ data: ndarray(new Float64Array([30, 40]), [1, 2]), process: { name: 've', T: 5 }, seed: 1 })).toThrow(/signal/);
    expect(() => fitOtPriorSync({ data: ndarray(new Float64Array([0, Number.NaN]), [1, 2]), process: 'vp', seed: 1 })).toThrow(/non-finite/);
    const prior = fitOtPriorSync({ data, process: 'vp', seed: 1, tolerance: 0.1 });
    expect(() => prior.map(ndarray(new Float64Array(3), [1, 3]))).toThrow(ShapeMismatchError);
    expect(() => prior.map(ndarray(new Float64Array(2), [1, 2]), { soft: true, tau: -1 })).toThrow(/tau must be > 0/);
    expect(() => prior.map(ndarray(new Float64Array(2), [1, 2]), { tau: 0.1 })).toThrow(/soft/);
  });

  it('default tolerance: certified with the default budget in d ≥ 2 (0.5), exact-mass 0.01 in d = 1', () => {
    expect(defaultOtTolerance(1)).toBe(0.01);
    expect(defaultOtTolerance(3)).toBe(0.5);
    // Two well separated blobs in d = 2, m = 400: the default fit converges (with 0.01 it could not be
    // certified: m(2q/0.01)² ≈ 1.6·10⁸ check draws exceed the 2²⁴ cap), and its bound is ≤ the tolerance.
    const rows = 400;
    const z = gaussians(rows * 2, rand);
    const blobs = Float64Array.from(z, (v, i) => 0.3 * v + (i % 2 === 0 ? (i % 4 === 0 ? 2 : -2) : 0));
    const p = fitOtPriorSync({ data: ndarray(blobs, [rows, 2]), process: 'vp', seed: 4 });
    expect(p.tolerance).toBe(0.5);
    expect(p.converged).toBe(true);
    expect(p.cellMassErrorBound).toBeLessThanOrEqual(0.5);
  });

  it('non-convergence is a typed NOT_CONVERGED error, or converged: false when allowed', async () => {
    const many = ndarray(gaussians(300 * 2, rand), [300, 2]);
    const opts = { data: many, process: 'vp' as const, seed: 2, tolerance: 0.001, maxIterations: 3, method: 'sgd' as const, maxCheckDraws: 20_000 };
    await expect(fitOtPrior(opts)).rejects.toBeInstanceOf(NotConvergedError);
    await expect(fitOtPrior(opts)).rejects.toThrow(/max relative cell-mass error/);
    const p = await fitOtPrior({ ...opts, allowNotConverged: true });
    expect(p.converged).toBe(false);
    expect(p.cellMassErrorBound).toBeGreaterThan(0.001);
  });
});
