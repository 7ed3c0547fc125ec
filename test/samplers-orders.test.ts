/**
 * Every scheme of the catalogue converges at the order the catalogue states (in the manner of
 * diffrax's test_ode_order: the test iterates over the registered schemes, so a new scheme is
 * tested by being registered). The order is the least-squares slope of the exact W2
 * discretization error (analyzeGaussian's `discretization` column: exact score, exact prior)
 * against the step count, on a Gaussian target, for the ou, vp and ve processes.
 * Lower bound for all: order − 0.1. Upper bound order + 0.2, except for the randomized schemes,
 * whose averaging over u cancels the leading W2 term on Gaussian targets (they can look order 2).
 * local-linearization (SDE) is order 2 on every process (spec §6: noise covariance with g² affine over the step).
 */
import { describe, expect, it } from 'vitest';
import { logLogSlope } from './helpers/stats.js';
import { analyzeGaussianSync, schemes, type ProcessInput } from '../lib/index.js';

const eigenvalues = [0.05, 0.3, 1, 2.5];
const mean = [0.5, -0.3, 0.2, 1];
// Step counts in the asymptotic range and above round-off: higher orders reach round-off sooner.
// (lms: its first-order start shows only from about a thousand steps on; the analysis is O(steps)).
const stepsFor = (order: number) => (order >= 3 ? [160, 320, 640, 1280] : [1280, 2560, 5120, 10240]);


const processes: { process: ProcessInput; tEnd: number }[] = [
  { process: { name: 'ou', T: 5 }, tEnd: 0.05 },
  { process: 'vp', tEnd: 0.05 },
  { process: { name: 've', T: 10 }, tEnd: 0.5 },
];

describe('each catalogued scheme has its catalogued order', () => {
  for (const s of schemes())
    it(`${s.name}: order ${s.order}`, () => {
      for (const { process, tEnd } of processes) {
        const name = typeof process === 'string' ? process : process.name;
        if (s.vpOnly && name !== 'vp' && name !== 'ou') continue;
        const steps = stepsFor(s.order);
        const r = analyzeGaussianSync({ eigenvalues, mean, process, sampler: s.name, steps, tEnd, prior: 'exact' });
        const errors = r.rows.map((row) => row.discretization);
        const p = logLogSlope(steps, errors);
        const why = `${name}: W2 ${errors.map((e) => e.toExponential(3)).join(', ')}, slope ${p.toFixed(3)}`;
        expect(p, why).toBeGreaterThan(s.order - 0.1);
        if (!s.randomized) expect(p, why).toBeLessThan(s.order + 0.2);
      }
    });
});

describe("UniC raises a step's order by one (Zhao et al. 2023)", () => {
  it('unipc order 1: W2 order 1 without the corrector, 2 with it (vp, exact recursion)', async () => {
    const { gaussianRecursion, processCoefficients } = await import('../lib/index.js');
    const tEnd = 0.05;
    const c = processCoefficients('vp', [tEnd]);
    const a = c.alpha[0]!;
    const s2 = c.sigma[0]! ** 2;
    const w2 = (corrector: boolean, steps: number) => {
      const r = gaussianRecursion({ eigenvalues, mean, sampler: 'unipc', order: 1, corrector, steps, tEnd, start: 'exact' });
      let e = 0;
      for (let i = 0; i < eigenvalues.length; i++)
        e += (r.mean[i]! - a * mean[i]!) ** 2 + (Math.sqrt(r.variance[i]!) - Math.sqrt(a * a * eigenvalues[i]! + s2)) ** 2;
      return Math.sqrt(e);
    };
    const ns = [320, 640, 1280, 2560];
    expect(Math.abs(logLogSlope(ns, ns.map((k) => w2(false, k))) - 1)).toBeLessThan(0.1);
    expect(Math.abs(logLogSlope(ns, ns.map((k) => w2(true, k))) - 2)).toBeLessThan(0.1);
  });
});
