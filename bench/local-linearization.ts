/**
 * Local linearization, the numbers a user weighs (issue 13):
 * 1. Cost of one step relative to an Euler–Maruyama step on the bench mixture (bench/mixture-fixture.ts,
 *    K = 8 diagonal components) at d = 2, 16, 64: the dense route (plain and stabilized) and the
 *    cached-product Krylov route (default tolerance 1e-10), SDE and ODE variants (the ODE has no noise,
 *    so the difference is the noise's share); one thread, process CPU time, two untimed runs first, then
 *    best of 7 (robust on a shared machine). The untimed runs matter: the first runs of a configuration
 *    pay for memory the process has not touched yet (page faults, the allocator growing its heap),
 *    which inflated single figures by up to 1.7× — Euler–Maruyama's as well as the others'.
 * 2. Time to reach a given W2 on a Gaussian (d = 16, spectrum 0.05…2, vp, t_end 10⁻³, exact prior):
 *    the fewest steps N (on a grid of ratio 2^{1/4}) whose exact `discretization` W2 (Gaussian analysis)
 *    is at most ε, times the measured CPU time per particle-step of the native sampler on the same
 *    target. For euler-maruyama, heun, exponential, local-linearization and local-linearization-ode.
 * 3. Time to reach a coupled W2 bound on the bench mixture (d = 16): sampler and a fine reference on the
 *    same Brownian path (`noise: 'path'`), RMS distance ≤ ε, CPU time of that run (coupledTimeToAccuracy).
 */
import { analyzeGaussianSync, gaussianTarget, gmmTarget, sampleSync, setThreads, type SamplerName, type TargetSpec } from '../lib/index.js';
import { benchMixture } from './mixture-fixture.js';

/** CPU seconds per particle-step on one thread (best of `repeats`, after `warmups` untimed runs). */
function secondsPerStep(o: { target: TargetSpec; sampler: SamplerName; n: number; steps: number; hessian?: 'dense' | 'krylov'; stabilize?: boolean; process?: 'vp' }, repeats = 7, warmups = 2): number {
  let best = Infinity;
  setThreads(1);
  try {
    for (let r = 0; r < warmups; r++) sampleSync({ ...o, seed: repeats + r });
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
        `ode dense ${cell('dense', false, 'local-linearization-ode')}, krylov ${cell('krylov')}, ` +
        `ode krylov ${cell('krylov', false, 'local-linearization-ode')} (euler-maruyama ${(em * 1e9).toFixed(0)} ns per particle-step)`,
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

/** One run's samples and its CPU seconds per particle (one thread). */
function timedRun(o: Parameters<typeof sampleSync>[0]): { samples: Float64Array; seconds: number; diverged: boolean } {
  setThreads(1);
  try {
    const c0 = process.cpuUsage();
    const r = sampleSync(o);
    const c = process.cpuUsage(c0);
    return { samples: r.samples.data as Float64Array, seconds: (c.user + c.system) / 1e6 / o.n, diverged: r.diverged !== null };
  } catch (e) {
    if ((e as Error).name === 'DivergedError') return { samples: new Float64Array(0), seconds: Infinity, diverged: true };
    throw e;
  }
}

function rmsDistance(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s / n);
}

/**
 * Time to reach a coupled W2 bound on the bench mixture (d = 16, K = 8, vp, t_end 10⁻³): every sampler
 * runs with path noise (`noise: 'path'`) on 2, 4, …, 512 steps from the same x_T, and its RMS distance to
 * a fine reference on the same Brownian path — local linearization at 2048 steps for the SDE samplers,
 * rk4 at 2048 for the ODE ones — bounds W2 from above (lib/coupled.ts) with no sampling floor. Reported:
 * the fewest steps whose distance is ≤ ε and the CPU time per particle of that run (one thread).
 */
function coupledTimeToAccuracy(): void {
  const d = 16;
  const n = 400;
  const target = gmmTarget(benchMixture(d));
  const base = { target, n, seed: 11, tEnd: 1e-3, noise: 'path' as const };
  const sde = timedRun({ ...base, sampler: 'local-linearization', steps: 2048 }).samples;
  const ode = timedRun({ ...base, sampler: 'rk4', steps: 2048 }).samples;
  const rows: { name: string; sampler: SamplerName; stabilize?: boolean; ode: boolean }[] = [
    { name: 'euler-maruyama', sampler: 'euler-maruyama', ode: false },
    { name: 'exponential', sampler: 'exponential', ode: false },
    { name: 'local-linearization (κ = 0.5)', sampler: 'local-linearization', stabilize: true, ode: false },
    { name: 'heun', sampler: 'heun', ode: true },
    { name: 'local-linearization-ode', sampler: 'local-linearization-ode', ode: true },
  ];
  const targets = [1e-1, 3e-2, 1e-2];
  console.log(`\ntime to reach a coupled W2 bound ≤ ε (mixture d = ${d}, K = 8, vp, t_end 1e-3, n = ${n}, path noise; CPU time per particle, one thread)`);
  const table: string[][] = [];
  // Each row against the first row of its kind: euler-maruyama (SDE), heun (ODE).
  const baseline: Record<string, Record<number, number>> = { sde: {}, ode: {} };
  for (const r of rows) {
    const best = baseline[r.ode ? 'ode' : 'sde']!;
    const first = r.sampler === (r.ode ? 'heun' : 'euler-maruyama');
    const found: (string | undefined)[] = targets.map(() => undefined);
    for (let steps = 2; steps <= 512 && found.some((f) => f === undefined); steps *= 2) {
      const run = timedRun({ ...base, sampler: r.sampler, steps, ...(r.stabilize ? { stabilize: true } : {}) });
      if (run.diverged) continue;
      const distance = rmsDistance(run.samples, r.ode ? ode : sde, n);
      targets.forEach((eps, j) => {
        if (found[j] !== undefined || distance > eps) return;
        if (first) best[eps] = run.seconds;
        const vs = best[eps] ? ` (${(run.seconds / best[eps]!).toFixed(2)}× ${r.ode ? 'heun' : 'EM'})` : '';
        found[j] = `${steps} steps, ${(run.seconds * 1e6).toFixed(1)} µs${vs}`;
      });
    }
    table.push([r.name, ...found.map((f) => f ?? '> 512 steps')]);
  }
  const head = ['sampler', ...targets.map((e) => `ε = ${e}`)];
  const widths = head.map((h, j) => Math.max(h.length, ...table.map((r) => r[j]!.length)));
  for (const r of [head, ...table]) console.log(r.map((c, j) => c.padEnd(widths[j]!)).join(' | '));
  console.log('(ODE samplers against the ODE reference, SDE samplers against the SDE reference: each its own pathwise limit.)');
}

export async function main(): Promise<void> {
  costPerStep();
  timeToAccuracy();
  coupledTimeToAccuracy();
}
