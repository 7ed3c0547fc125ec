/**
 * The η-family of reverse flows with the forward process's marginals (spec §7, extended in
 * docs/gaussian-analysis.md): dx = [f x − ½(1 + η²) g² s] dt + η g dW̄. Its closed form is checked
 * against a numerical integration of its moment ODEs written here from the SDE, and ddim(η)'s
 * `continuous` column against the fine-step limit of the scheme itself.
 */
import { describe, expect, it } from 'vitest';
import { analyzeGaussianSync, continuousFlow, gaussianRecursion } from '../lib/index.js';

const process = { name: 'vp' as const, betaMin: 0.1, betaMax: 20, T: 1 };
const beta = (t: number) => process.betaMin + t * (process.betaMax - process.betaMin);
const alpha = (t: number) => Math.exp(-0.5 * (process.betaMin * t + 0.5 * (process.betaMax - process.betaMin) * t * t));

const eigenvalues = [0.05, 1, 3];
const mean = [0.4, -1, 0.2];
const start = { mean: [1, 0.5, -0.3], variance: [0.7, 1.2, 2] };
const tEnd = 0.01;

/**
 * Mean and variance of one direction under the η-SDE, from T down to tEnd, by RK4 in s = T − t:
 * with the exact score s(x) = −(x − α μ)/ℓ, ℓ = α²λ + 1 − α² (vp), f = −β/2, g² = β,
 *   dm/ds = −[f m + ½(1 + η²) g² (m − α μ)/ℓ],   dv/ds = −2 [f + ½(1 + η²) g²/ℓ] v + η² g².
 */
function integrate(eta: number, lambda: number, mu: number, m0: number, v0: number, n = 20000): [number, number] {
  const rhs = (s: number, m: number, v: number): [number, number] => {
    const t = process.T - s;
    const a = alpha(t);
    const ell = a * a * lambda + 1 - a * a;
    const f = -0.5 * beta(t);
    const g2 = beta(t);
    const k = f + 0.5 * (1 + eta * eta) * g2 / ell;
    return [-(f * m + 0.5 * (1 + eta * eta) * g2 * (m - a * mu) / ell), -2 * k * v + eta * eta * g2];
  };
  const h = (process.T - tEnd) / n;
  let m = m0;
  let v = v0;
  for (let i = 0; i < n; i++) {
    const s = i * h;
    const k1 = rhs(s, m, v);
    const k2 = rhs(s + h / 2, m + (h / 2) * k1[0], v + (h / 2) * k1[1]);
    const k3 = rhs(s + h / 2, m + (h / 2) * k2[0], v + (h / 2) * k2[1]);
    const k4 = rhs(s + h, m + h * k3[0], v + h * k3[1]);
    m += (h / 6) * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
    v += (h / 6) * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]);
  }
  return [m, v];
}

const flow = (eta: number) => continuousFlow({ eigenvalues, mean, process, eta, tEnd, start });

/** Largest difference between two sets of per-direction moments. */
function gap(a: { mean: ArrayLike<number>; variance: ArrayLike<number> }, b: { mean: ArrayLike<number>; variance: ArrayLike<number> }): number {
  let g = 0;
  for (let i = 0; i < a.mean.length; i++) g = Math.max(g, Math.abs(a.mean[i]! - b.mean[i]!), Math.abs(a.variance[i]! - b.variance[i]!));
  return g;
}

describe('the η-flow in closed form', () => {
  it('matches a numerical integration of its mean and variance ODEs for η = 0, 0.3, 0.5, 1, 1.7', () => {
    for (const eta of [0, 0.3, 0.5, 1, 1.7]) {
      const closed = flow(eta);
      eigenvalues.forEach((lambda, i) => {
        const [m, v] = integrate(eta, lambda, mean[i]!, start.mean[i]!, start.variance[i]!);
        expect(Math.abs(closed.mean[i]! - m), `η=${eta} mean ${i}`).toBeLessThan(1e-10);
        expect(Math.abs(closed.variance[i]! - v), `η=${eta} variance ${i}`).toBeLessThan(1e-10);
      });
    }
  });

  it('is continuous in η at the closed forms of spec §7 (ODE at η = 0, reverse SDE at η = 1)', () => {
    expect(gap(flow(1e-7), continuousFlow({ eigenvalues, mean, process, ode: true, tEnd, start }))).toBeLessThan(1e-12);
    expect(gap(flow(1 - 1e-9), continuousFlow({ eigenvalues, mean, process, ode: false, tEnd, start }))).toBeLessThan(1e-8);
    // From p_T every member reaches p_{t_end}: mean α μ, variance ℓ.
    const fromT = continuousFlow({ eigenvalues, mean, process, eta: 0.6, tEnd, start: 'exact' });
    eigenvalues.forEach((lambda, i) => {
      const a = alpha(tEnd);
      expect(fromT.mean[i]!).toBeCloseTo(a * mean[i]!, 13);
      expect(fromT.variance[i]!).toBeCloseTo(a * a * lambda + 1 - a * a, 13);
    });
  });

  it('rejects ode with eta, and a negative eta', () => {
    expect(() => continuousFlow({ eigenvalues, process, ode: true, eta: 0.5 })).toThrow(/exactly one/);
    expect(() => continuousFlow({ eigenvalues, process, eta: -0.1 })).toThrow(/eta/);
  });
});

describe("ddim(η)'s continuous limit", () => {
  it('the scheme converges at first order to the η-flow, not to the ODE or the reverse SDE', () => {
    const eta = 0.5;
    const target = flow(eta);
    const ddim = (steps: number) => gaussianRecursion({ eigenvalues, mean, process, sampler: 'ddim', eta, steps, tEnd, start });
    const coarse = gap(ddim(1000), target);
    const fine = gap(ddim(4000), target);
    expect(fine / coarse).toBeGreaterThan(0.15);
    expect(fine / coarse).toBeLessThan(0.35); // ≈ 1/4 for first order
    expect(fine).toBeLessThan(0.01 * gap(flow(0), target));
    expect(fine).toBeLessThan(0.01 * gap(flow(1), target));
  });

  it("the table's continuous column for ddim is the W2 of its η-flow from the prior; other samplers keep theirs", () => {
    const options = { eigenvalues, mean, process, steps: 50, tEnd, prior: 'normal' as const };
    const w2 = (out: { mean: ArrayLike<number>; variance: ArrayLike<number> }) =>
      Math.sqrt(eigenvalues.reduce((acc, l, i) => acc + (out.mean[i]! - mean[i]!) ** 2 + (Math.sqrt(out.variance[i]!) - Math.sqrt(l)) ** 2, 0));
    const fromPrior = (eta: number) => continuousFlow({ eigenvalues, mean, process, eta, tEnd, start: 'normal' });
    for (const eta of [0, 0.5, 1]) {
      const row = analyzeGaussianSync({ ...options, sampler: 'ddim', eta }).rows[0]!;
      expect(row.continuous).toBeCloseTo(w2(fromPrior(eta)), 12);
    }
    expect(analyzeGaussianSync({ ...options, sampler: 'ddim', eta: 0.5 }).rows[0]!.continuous).not.toBeCloseTo(w2(fromPrior(0)), 3);
    expect(analyzeGaussianSync({ ...options, sampler: 'euler' }).rows[0]!.continuous).toBeCloseTo(w2(fromPrior(0)), 12);
    expect(analyzeGaussianSync({ ...options, sampler: 'euler-maruyama' }).rows[0]!.continuous).toBeCloseTo(w2(fromPrior(1)), 12);
  });
});
