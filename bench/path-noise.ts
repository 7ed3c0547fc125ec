/**
 * Cost of path noise (one Brownian path per particle, `noise: 'path'`) against per-step noise, per
 * sampler step: the same sampler, target, grid and particles run with both noise sources in one
 * process, alternating, best of 5 each, CPU time of the whole run (walker set-up included) on one
 * thread, per particle-step. Target: the bench mixture (bench/mixture-fixture.ts: K = 8 diagonal
 * Gaussians) at d = 2, 16, 64 on the vp process. Grids: uniform N = 64, uniform N = 100 and karras
 * N = 100 on their own trees (pathSteps = N: every time a node of the Brownian tree), and uniform
 * N = 100 on the tree laid out for 1024 steps (pathSteps = 1024, as against a 1024-step reference:
 * every time bridged inside a depth-20 leaf). Every sampler that takes path noise is timed.
 *
 *   npm run bench path-noise [-- --d=16] [-- --grids=uniform-64,karras-100] [-- --samplers=euler-maruyama]
 */
import { gmmTarget, sampleSync, setThreads, type SamplerName, type TargetSpec } from '../lib/index.js';
import { benchMixture } from './mixture-fixture.js';

const repeats = 5;

interface Grid {
  name: string;
  kind: 'uniform' | 'karras';
  steps: number;
  pathSteps?: number;
}
const grids: Grid[] = [
  { name: 'uniform-64', kind: 'uniform', steps: 64 },
  { name: 'uniform-100', kind: 'uniform', steps: 100 },
  { name: 'karras-100', kind: 'karras', steps: 100 },
  { name: 'uniform-100/1024', kind: 'uniform', steps: 100, pathSteps: 1024 },
];

// Every scheme that draws Brownian noise (ddim with η = 1); local linearization factorizes a
// d × d Hessian per particle and step, so it runs on fewer particles.
const samplers: { name: SamplerName; eta?: number; particles: number }[] = [
  { name: 'euler-maruyama', particles: 1 },
  { name: 'ddpm', particles: 1 },
  { name: 'exponential', particles: 1 },
  { name: 'ddim', eta: 1, particles: 1 },
  { name: 'euler-ancestral', particles: 1 },
  { name: 'dpmpp-2s-ancestral', particles: 1 },
  { name: 'dpmpp-2m-sde', particles: 1 },
  { name: 'dpmpp-3m-sde', particles: 1 },
  { name: 'edm', particles: 1 },
  { name: 'randomized-midpoint', particles: 0.25 },
  { name: 'randomized-exponential', particles: 0.25 },
  { name: 'local-linearization', particles: 0.02 },
];

function flag(name: string): string[] | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3).split(',') : undefined;
}

function runSeconds(target: TargetSpec, sampler: SamplerName, eta: number | undefined, grid: Grid, n: number, noise: 'step' | 'path', seed: number): number {
  const c0 = process.cpuUsage();
  sampleSync({ target, sampler, eta, grid: grid.kind, steps: grid.steps, n, seed, noise, ...(noise === 'path' && grid.pathSteps ? { pathSteps: grid.pathSteps } : {}) });
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

export async function main(): Promise<void> {
  const dims = (flag('d') ?? ['2', '16', '64']).map(Number);
  const gridNames = flag('grids');
  const samplerNames = flag('samplers');
  const baseParticles: Record<number, number> = { 2: 20_000, 16: 5_000, 64: 1_500 };
  const worst = new Map<string, number>();
  setThreads(1);
  try {
    console.log('one thread, CPU time per particle-step, best of 5 (alternating step / path in one run)');
    console.log('d    grid              sampler                    per-step ns     path ns   path / per-step');
    for (const d of dims) {
      const target = gmmTarget(benchMixture(d));
      for (const grid of grids.filter((g) => !gridNames || gridNames.includes(g.name)))
        for (const s of samplers.filter((x) => !samplerNames || samplerNames.includes(x.name))) {
          const n = Math.max(16, Math.round((baseParticles[d] ?? 2_000) * s.particles));
          let step = Infinity, path = Infinity;
          for (let r = 0; r < repeats; r++) {
            step = Math.min(step, runSeconds(target, s.name, s.eta, grid, n, 'step', r));
            path = Math.min(path, runSeconds(target, s.name, s.eta, grid, n, 'path', r));
          }
          const per = (x: number) => (x / (n * grid.steps)) * 1e9;
          const ratio = path / step;
          const key = `d = ${d}, ${grid.name}`;
          worst.set(key, Math.max(worst.get(key) ?? 0, ratio));
          console.log(
            `${String(d).padEnd(4)} ${grid.name.padEnd(17)} ${s.name.padEnd(24)} ${per(step).toFixed(1).padStart(11)} ${per(path).toFixed(1).padStart(11)}   ${ratio.toFixed(2).padStart(13)}×`,
          );
        }
    }
    console.log('\nlargest ratio over the samplers:');
    for (const [key, r] of worst) console.log(`  ${key.padEnd(28)} ${r.toFixed(2)}×`);
  } finally {
    setThreads(0);
  }
}
