/**
 * Local linearization (spec §6) with the noise covariance Q = g(t_k)² h φ₁(2hL) − (g²)′(t_k) h² φ₂(2hL):
 * - the path-coupled noise coefficients (c_W, c_H, remainder) of schemes/local_linearization_noise.h
 *   add up to Q to round-off, and match the closed forms of their special cases (constant g; μ = 0)
 *   and an independent fine composite-Simpson quadrature of the defining integrals;
 * - the sampler's per-step table of those coefficients (many μ at once) agrees with them to 1e-14 of
 *   the step's noise scale;
 * - the exact Gaussian analysis shows order 2 on vp (where freezing g² gave 1), ou, ve and heat.
 */
import { describe, expect, it } from 'vitest';
import { analyzeGaussianSync, gaussianTarget, gmmTarget, localLinearizationNoise, localLinearizationNoiseTable, phiFunctions, sampleSync, type ProcessName } from '../lib/index.js';
import { simpson } from './helpers/quadrature.js';

/** c_W, c_H, remainder from their definitions (brownian-path construction, spec §6 kernel). */
function byDefinition(h: number, mu: number, a: number, b: number) {
  const k = (r: number) => Math.exp(mu * (h - r)) * Math.sqrt(Math.max(0, a + b * r));
  const j0 = simpson(k, h);
  const cov = simpson((r) => k(r) * (0.5 - r / h), h);
  const cW = j0 / h;
  const cH = (12 * cov) / h;
  const remainder = simpson((r) => (k(r) - cW - cH * (0.5 - r / h)) ** 2, h);
  return { cW, cH, remainder, variance: simpson((r) => k(r) ** 2, h) };
}

const cases: [number, number, number, number][] = [
  // h, μ, a = g(t_k)², b = −(g²)′(t_k)
  [1 / 16, 0, 1, 1],
  [1 / 16, -1, 1, 1],
  [1 / 16, -10, 1, 1],
  [0.05, 2.5, 0.3, -4], // repelling direction, g² decreasing (vp in reverse time)
  [0.2, -80, 19.9, -19.9], // stiff: |hμ| = 16, two panels
  [0.01, -5000, 0.1, -9.9], // |hμ| = 50: three panels and a tail
  [0.5, 30, 1, 0], // ou-like, strongly repelling
  [0.002, -3, 0.004, -2], // ve reaching t = 0 at the end of the step (a + bh = 0)
  [0.3, -2, 0, 2], // g vanishes at the start of the step
  // Near the switch between the 8-node and 16-node rules (|hμ|(1 + 3ρ) ≈ 1):
  [0.1, -9.9, 1, 0],
  [0.1, 9.9, 1, 0],
  [0.5, -0.55, 0.05, 1],
  [0.5, -0.6, 0.01, 2],
  [0.1, -9.5, 1, -5],
];

describe('local-linearization noise coefficients', () => {
  it('c_W² h + c_H² h/12 + remainder = Q (closed form) to round-off', () => {
    for (const [h, mu, a, b] of cases) {
      const n = localLinearizationNoise(h, mu, a, b);
      const [p1] = phiFunctions(2 * h * mu);
      const p2 = phiFunctions(2 * h * mu)[1];
      const q = a * h * p1 + b * h * h * p2;
      expect(Math.abs(n.variance - q) / q).toBeLessThan(1e-14);
      const sum = n.cW * n.cW * h + (n.cH * n.cH * h) / 12 + n.remainder;
      expect(Math.abs(sum - q) / q, `h ${h} μ ${mu} a ${a} b ${b}`).toBeLessThan(2e-14);
      expect(n.remainder).toBeGreaterThanOrEqual(0);
    }
  });

  it('match an independent quadrature of their definitions', () => {
    for (const [h, mu, a, b] of cases) {
      const n = localLinearizationNoise(h, mu, a, b);
      const ref = byDefinition(h, mu, a, b);
      const scale = Math.sqrt(ref.variance / h);
      expect(Math.abs(n.cW - ref.cW) / scale, `c_W at μ ${mu}`).toBeLessThan(1e-8);
      expect(Math.abs(n.cH - ref.cH) / scale, `c_H at μ ${mu}`).toBeLessThan(1e-8);
      expect(Math.abs(n.remainder - ref.remainder) / ref.variance, `remainder at μ ${mu}`).toBeLessThan(1e-8);
    }
  });

  it("the sampler's per-step table agrees with them: |Δc_W|, |Δc_H|, |Δ√v| ≤ 1e-14 √(Q/h), √Q", () => {
    // Each step's (h, a, b) with a spread of μ covering the 8-node, 16-node and several-panel cases in
    // one vector (the table sorts them into groups and vectorizes across each group).
    const steps = new Map<string, [number, number, number]>();
    for (const [h, , a, b] of cases) steps.set(`${h},${a},${b}`, [h, a, b]);
    for (const [h, a, b] of steps.values()) {
      const mus = [0, 1e-9, -1e-9, ...cases.filter((c) => c[0] === h && c[2] === a && c[3] === b).map((c) => c[1])];
      for (const z of [-200, -40, -9, -8, -7.9, -3, -1.01, -0.99, -0.5, -0.1, 0.01, 0.3, 0.97, 1.5, 4, 7.99, 8.01, 12]) mus.push(z / h);
      const t = localLinearizationNoiseTable(h, mus, a, b);
      mus.forEach((mu, i) => {
        const n = localLinearizationNoise(h, mu, a, b);
        const at = `h ${h} μ ${mu} a ${a} b ${b}`;
        const scale = Math.sqrt(n.variance);
        expect(Math.abs(t.cW[i]! - n.cW) * Math.sqrt(h), `c_W, ${at}`).toBeLessThanOrEqual(1e-14 * scale);
        expect(Math.abs(t.cH[i]! - n.cH) * Math.sqrt(h / 12), `c_H, ${at}`).toBeLessThanOrEqual(1e-14 * scale);
        expect(Math.abs(t.sqrtRemainder[i]! - Math.sqrt(n.remainder)), `√v, ${at}`).toBeLessThanOrEqual(1e-14 * scale);
      });
    }
  });

  it('constant g: c_W = √a φ₁(hμ), c_H = 12 √a (φ₁/2 − φ₂)(hμ)', () => {
    for (const [h, mu] of [[0.1, -3], [0.02, 0.7], [1, -0.001], [0.4, -60]] as const) {
      const a = 2.3;
      const n = localLinearizationNoise(h, mu, a, 0);
      const [p1, p2] = phiFunctions(h * mu);
      expect(Math.abs(n.cW - Math.sqrt(a) * p1) / (Math.sqrt(a) * p1)).toBeLessThan(1e-14);
      const psi = p1 / 2 - p2;
      expect(Math.abs(n.cH - 12 * Math.sqrt(a) * psi)).toBeLessThan(1e-13 * Math.sqrt(a) * Math.max(1, Math.abs(12 * psi)));
    }
  });

  it('μ = 0: J₀, J₁ in closed form in u = √(a + b r)', () => {
    const [h, a, b] = [0.3, 0.5, 1.7];
    const u0 = Math.sqrt(a);
    const u1 = Math.sqrt(a + b * h);
    const j0 = (2 * (u1 ** 3 - u0 ** 3)) / (3 * b);
    const j1 = (2 / (b * b)) * ((u1 ** 5 - u0 ** 5) / 5 - (a * (u1 ** 3 - u0 ** 3)) / 3);
    const n = localLinearizationNoise(h, 0, a, b);
    expect(Math.abs(n.cW - j0 / h)).toBeLessThan(1e-15 * 10);
    expect(Math.abs(n.cH - (12 * (j0 / 2 - j1 / h)) / h)).toBeLessThan(1e-13);
  });

  it('the remainder is O(h⁴) relative to Q: K h⁴ with K = (μ² − μb/a − b²/(4a²))²/720', () => {
    const [mu, a, b] = [-1, 1, 1];
    const K = (mu * mu - (mu * b) / a - (b * b) / (4 * a * a)) ** 2 / 720;
    for (const h of [1 / 64, 1 / 128]) {
      const n = localLinearizationNoise(h, mu, a, b);
      const ratio = n.remainder / n.variance / (K * h ** 4);
      expect(Math.abs(ratio - 1)).toBeLessThan(0.05);
    }
  });
});

describe('local-linearization (SDE): order 2 by the exact Gaussian analysis', () => {
  const eigenvalues = [0.01, 0.1, 1, 4];
  const settings: { process: ProcessName; grid: 'uniform' | 'karras'; tEnd: number; steps: number[] }[] = [
    { process: 'vp', grid: 'uniform', tEnd: 1e-3, steps: [80, 160, 320, 640] },
    { process: 'ou', grid: 'karras', tEnd: 1e-3, steps: [80, 160, 320, 640] },
    { process: 'ou', grid: 'uniform', tEnd: 0.05, steps: [320, 640, 1280, 2560] },
    { process: 've', grid: 'karras', tEnd: 2e-3, steps: [80, 160, 320, 640] },
    { process: 'heat', grid: 'karras', tEnd: 1e-2, steps: [80, 160, 320, 640] },
  ];
  for (const s of settings)
    it(`${s.process} (${s.grid} grid, t_end ${s.tEnd}): every halving of h divides the error by ≥ 2^1.85, overall ≥ 1.9`, () => {
      const r = analyzeGaussianSync({ eigenvalues, process: s.process, grid: s.grid, sampler: 'local-linearization', steps: s.steps, tEnd: s.tEnd, prior: 'exact' });
      const e = r.rows.map((row) => row.discretization);
      const orders = e.slice(1).map((v, i) => Math.log2(e[i]! / v));
      for (const o of orders) expect(o).toBeGreaterThan(1.85);
      expect(Math.log2(e[0]! / e[e.length - 1]!) / (e.length - 1)).toBeGreaterThan(1.9);
    });

  it('vp: the issue’s reference point, 6.6e-5 at 640 steps (freezing g² gave 4.1e-3)', () => {
    const r = analyzeGaussianSync({ eigenvalues, process: 'vp', sampler: 'local-linearization', steps: [640], tEnd: 1e-3, prior: 'exact' });
    expect(r.rows[0]!.discretization).toBeGreaterThan(6.5e-5);
    expect(r.rows[0]!.discretization).toBeLessThan(6.7e-5);
  });
});

describe('dense route (tridiagonal QR applied to the step vectors) against the Krylov route on the full space', () => {
  const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
    return m;
  };
  it('12-D mixture (vp) and a 6-D Gaussian with a repeated eigenvalue (ou): same samples to 1e-9', () => {
    const d = 12;
    const K = 5;
    const mixture = gmmTarget({
      weights: Array.from({ length: K }, (_, k) => (k + 1) / 15),
      means: Array.from({ length: K }, (_, k) => Array.from({ length: d }, (_, j) => Math.sin(3 * k + j))),
      variances: Array.from({ length: K }, (_, k) => Array.from({ length: d }, (_, j) => 0.1 + 0.07 * ((k + 2 * j) % 4))),
    });
    const a = Math.PI / 5;
    const rot = [[Math.cos(a), -Math.sin(a)], [Math.sin(a), Math.cos(a)]];
    const lam = [0.5, 0.5, 2, 2, 2, 0.1];
    const cov = Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => {
      // Blocks (0,1), (2,3) rotated; 4 and 5 on the axes.
      const bi = i < 4 ? i >> 1 : -1;
      const bj = j < 4 ? j >> 1 : -1;
      if (bi >= 0 && bi === bj) return rot[i & 1]![0]! * lam[2 * bi]! * rot[j & 1]![0]! + rot[i & 1]![1]! * lam[2 * bi + 1]! * rot[j & 1]![1]!;
      return i === j ? lam[i]! : 0;
    }));
    const gauss = gaussianTarget({ mean: [0.2, 0, -1, 0.5, 0, 1], covariance: cov });
    for (const [target, process, dim] of [[mixture, 'vp', d], [gauss, 'ou', 6]] as const) {
      const o = { target, process, sampler: 'local-linearization' as const, steps: 20, n: 200, seed: 4 };
      const dense = sampleSync({ ...o, hessian: 'dense' });
      // A tolerance below round-off: every Lanczos run goes on until its space is invariant (the full space).
      const krylov = sampleSync({ ...o, hessian: 'krylov', krylovDim: dim, krylovTolerance: 1e-15 });
      expect(dense.diverged).toBeNull();
      expect(maxAbsDiff(dense.samples.data, krylov.samples.data), process).toBeLessThan(1e-10);
    }
  });
});
