/**
 * Convergence: the exact continuous flows are the schemes' limit as steps grow (the
 * difference shrinks at the scheme's order), and the orders read from the `discretization`
 * column by a log-log least-squares slope are 1 (Euler type), 2 (heun, local linearization)
 * and 4 (rk4).
 */
import { describe, expect, it } from 'vitest';
import { logLogSlope } from './helpers/stats.js';
import { analyzeGaussianSync, continuousFlow, gaussianRecursion, type ProcessName, type SamplerName } from '../lib/index.js';

const eigenvalues = [0.05, 0.3, 1, 2.5];
const mean = [0.5, -0.3, 0.2, 1];

/** Least-squares slope of log(error) against log(1/steps). */

function discretizationOrder(process: ProcessName, sampler: SamplerName, steps: number[], tEnd: number): number {
  const r = analyzeGaussianSync({ eigenvalues, mean, process, sampler, steps, tEnd, prior: 'exact' });
  return logLogSlope(
    steps,
    r.rows.map((row) => row.discretization),
  );
}

describe('orders read from the discretization column', () => {
  const steps = [40, 80, 160, 320];
  const firstOrder: SamplerName[] = ['euler-maruyama', 'ddpm', 'exponential', 'euler', 'ddim', 'exponential-ode'];
  for (const sampler of firstOrder)
    it(`${sampler}: order 1 (vp)`, () => {
      expect(Math.abs(discretizationOrder('vp', sampler, steps, 0.02) - 1)).toBeLessThan(0.1);
    });

  it('heun: order 2 (vp and ve)', () => {
    expect(Math.abs(discretizationOrder('vp', 'heun', steps, 0.02) - 2)).toBeLessThan(0.1);
    expect(Math.abs(discretizationOrder('ve', 'heun', [160, 320, 640, 1280], 0.5) - 2)).toBeLessThan(0.1);
  });

  it('rk4: order 4 before round-off (vp)', () => {
    expect(Math.abs(discretizationOrder('vp', 'rk4', steps, 0.02) - 4)).toBeLessThan(0.5);
  });

  it('local-linearization: order 2 on ou and (with the (g²)′ term of Q) on vp; the ODE variant also on vp', () => {
    expect(Math.abs(discretizationOrder('vp', 'local-linearization', [80, 160, 320, 640], 0.02) - 2)).toBeLessThan(0.15);
    expect(Math.abs(discretizationOrder('ou', 'local-linearization', [320, 640, 1280, 2560], 0.05) - 2)).toBeLessThan(0.15);
    expect(Math.abs(discretizationOrder('vp', 'local-linearization-ode', steps, 0.02) - 2)).toBeLessThan(0.1);
  });
});

describe('continuous closed forms are the schemes’ limit', () => {
  const cases: { process: ProcessName; sampler: SamplerName; ode: boolean; p: number; tEnd: number; steps: number[] }[] = [
    { process: 'vp', sampler: 'euler-maruyama', ode: false, p: 1, tEnd: 0.02, steps: [100, 200, 400, 800] },
    { process: 'ou', sampler: 'exponential', ode: false, p: 1, tEnd: 0.05, steps: [100, 200, 400, 800] },
    { process: 'heat', sampler: 'euler-maruyama', ode: false, p: 1, tEnd: 0.1, steps: [400, 800, 1600, 3200] },
    { process: 'vp', sampler: 'heun', ode: true, p: 2, tEnd: 0.02, steps: [40, 80, 160, 320] },
    { process: 've', sampler: 'heun', ode: true, p: 2, tEnd: 0.5, steps: [160, 320, 640, 1280] },
    { process: 'ou', sampler: 'rk4', ode: true, p: 4, tEnd: 0.05, steps: [80, 160, 320, 640] },
  ];
  for (const c of cases)
    it(`${c.process} ${c.sampler} → exact ${c.ode ? 'ODE' : 'SDE'} flow at order ${c.p} (means and variances, from the normal prior)`, () => {
      const flow = continuousFlow({ eigenvalues, mean, process: c.process, tEnd: c.tEnd, ode: c.ode, start: 'normal' });
      const gaps = c.steps.map((n) => {
        const r = gaussianRecursion({ eigenvalues, mean, process: c.process, sampler: c.sampler, steps: n, tEnd: c.tEnd, start: 'normal' });
        let gap = 0;
        for (let i = 0; i < eigenvalues.length; i++)
          gap = Math.max(gap, Math.abs(r.mean[i]! - flow.mean[i]!), Math.abs(r.variance[i]! - flow.variance[i]!));
        return gap;
      });
      expect(Math.abs(logLogSlope(c.steps, gaps) - c.p), `gaps ${gaps.map((g) => g.toExponential(2)).join(' ')}`).toBeLessThan(c.p === 4 ? 0.5 : 0.15);
      // The table's continuous column is the W2 of that flow; total approaches it.
      const table = analyzeGaussianSync({ eigenvalues, mean, process: c.process, sampler: c.sampler, steps: [c.steps[0]!, c.steps.at(-1)!], tEnd: c.tEnd, prior: 'normal' });
      const [coarse, fine] = table.rows;
      expect(Math.abs(fine!.total - fine!.continuous)).toBeLessThan(Math.abs(coarse!.total - coarse!.continuous) + 1e-12);
    });

  it('the flows satisfy their defining ODEs: ℓ′ = 2fℓ + g² transport (central differences in t_end)', () => {
    // d/dt of the SDE variance from spec §7 must match the reverse-SDE moment equation
    // dv/dt = 2(f + g²/ℓ)v − g² (forward-time form of the backward dynamics).
    const p = { name: 'vp' as const };
    const lam = 0.7;
    const t = 0.3;
    const e = 1e-5;
    const v = (tt: number) => continuousFlow({ eigenvalues: [lam], process: p, tEnd: tt, ode: false, start: 'normal' }).variance[0]!;
    const beta = 0.1 + t * 19.9;
    const alpha2 = Math.exp(-(0.1 * t + 0.5 * 19.9 * t * t));
    const ell = alpha2 * lam + 1 - alpha2;
    const dv = (v(t + e) - v(t - e)) / (2 * e);
    expect(dv).toBeCloseTo(2 * (-beta / 2 + beta / ell) * v(t) - beta, 4);
    // ODE: dv/dt = 2(f + g²/(2ℓ)) v
    const w = (tt: number) => continuousFlow({ eigenvalues: [lam], process: p, tEnd: tt, ode: true, start: 'normal' }).variance[0]!;
    expect((w(t + e) - w(t - e)) / (2 * e)).toBeCloseTo(2 * (-beta / 2 + beta / (2 * ell)) * w(t), 4);
  });
});
