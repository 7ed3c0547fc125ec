/**
 * Local linearization, the numbers a user weighs (issue 13):
 * 1. Cost of one step relative to an Euler–Maruyama step on the bench mixture (bench/mixture-fixture.ts,
 *    K = 8 diagonal components) at d = 2, 16, 64, dense and Krylov routes, plain and stabilized, and the
 *    ODE variant (dense; no noise, so the difference to the SDE is the noise's share); one thread, process
 *    CPU time, best of 5 (robust on a shared machine).
 * 2. Time to reach a given W2 on a Gaussian (d = 16, spectrum 0.05…2, vp, t_end 10⁻³, exact prior):
 *    the fewest steps N (on a grid of ratio 2^{1/4}) whose exact `discretization` W2 (Gaussian analysis)
 *    is at most ε, times the measured CPU time per particle-step of the native sampler on the same
 *    target. For euler-maruyama, heun, exponential, local-linearization and local-linearization-ode.
 * The coupled W2 on the mixture (sampler and reference driven by the same Brownian path) needs the
 * path-noise source of issue 14; until then the mixture's W2 is limited by the sampling floor
 * (docs/sampling.md) and is not used for a time-to-accuracy figure.
 */
import { analyzeGaussianSync, gaussianTarget, gmmTarget, sampleSync, setThreads, type SamplerName, type TargetSpec } from '../lib/index.js';
import { benchMixture } from './mixture-fixture.js';

/** CPU seconds per particle-step on one thread (best of `repeats`). */
function secondsPerStep(o: { target: TargetSpec; sampler: SamplerName; n: number; steps: number; hessian?: 'dense' | 'krylov'; stabilize?: boolean; process?: 'vp' }, repeats = 5): number {
  let best = Infinity;
  setThreads(1);
  try {
    for (let r = 0; r < repeats; r++) {
      const c0 = process.cpuUsage();
      sampleSync({ ...o, seed: r });
      const c = process.cpuUsage(c0);
      best = Math.min(best, (c.user + c.system) / 1e6);
    }
  } finally {
    setThreads(0);
  }
  return best / (o.n * o.steps);
}

function costPerStep(): void {
  console.log('cost of one step relative to euler-maruyama (mixture, K = 8, vp, one thread, CPU time)');
  for (const d of [2, 16, 64]) {
    const target = gmmTarget(benchMixture(d));
    const n = d === 2 ? 20_000 : d === 16 ? 2_000 : 200;
    const steps = 5;
    const em = secondsPerStep({ target, sampler: 'euler-maruyama', n, steps });
    const cell = (hessian: 'dense' | 'krylov', stabilize?: boolean, sampler: SamplerName = 'local-linearization') => {
      const t = secondsPerStep({ target, sampler, n, steps, hessian, stabilize });
      return `${(t / em).toFixed(1)}× (${(t * 1e6).toFixed(2)} µs)`;
    };
    console.log(
      `d = ${String(d).padStart(2)}: dense ${cell('dense')}, dense stabilized ${cell('dense', true)}, ` +
        `ode dense ${cell('dense', false, 'local-linearization-ode')}, krylov ${cell('krylov')} ` +
        `(euler-maruyama ${(em * 1e9).toFixed(0)} ns per particle-step)`,
    );
  }
}

function timeToAccuracy(): void {
  const d = 16;
  const eigenvalues = Array.from({ length: d }, (_, i) => 0.05 * 40 ** (i / (d - 1)));
  const mean = Array.from({ length: d }, (_, i) => Math.cos(i));
  const target = gaussianTarget({ mean, variances: eigenvalues });
  const stepsGrid = Array.from({ length: 45 }, (_, i) => Math.round(2 * 2 ** (i / 4))).filter((v, i, a) => a.indexOf(v) === i);
  const samplers: SamplerName[] = ['euler-maruyama', 'heun', 'exponential', 'local-linearization', 'local-linearization-ode'];
  const targets = [1e-1, 1e-2, 1e-3];
  console.log(`\ntime to reach W2 ≤ ε (Gaussian d = ${d}, λ ∈ [0.05, 2], vp, t_end 1e-3, exact prior; exact discretization W2, CPU time per particle)`);
  const rows: string[][] = [];
  const em: Record<number, number> = {};
  for (const sampler of samplers) {
    const table = analyzeGaussianSync({ eigenvalues, mean, process: 'vp', tEnd: 1e-3, sampler, steps: stepsGrid, prior: 'exact' });
    const perStep = secondsPerStep({ target, sampler, n: 2_000, steps: 10 });
    const cells = targets.map((eps) => {
      const row = table.rows.find((r) => r.discretization <= eps);
      if (!row) return `> ${stepsGrid[stepsGrid.length - 1]} steps`;
      const t = row.steps * perStep;
      if (sampler === 'euler-maruyama') em[eps] = t;
      const vs = em[eps] ? ` (${(t / em[eps]!).toFixed(2)}× EM)` : '';
      return `${row.steps} steps, ${(t * 1e6).toFixed(1)} µs${vs}`;
    });
    rows.push([sampler, `${(perStep * 1e9).toFixed(0)} ns`, ...cells]);
  }
  const head = ['sampler', 'per step', ...targets.map((e) => `ε = ${e}`)];
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  for (const r of [head, ...rows]) console.log(r.map((c, j) => c.padEnd(widths[j]!)).join(' | '));
}

export async function main(): Promise<void> {
  costPerStep();
  timeToAccuracy();
}
