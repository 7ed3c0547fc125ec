/**
 * Cost of path noise (one Brownian path per particle, `noise: 'path'`) against per-step noise:
 * CPU seconds per particle-step on one thread (best of 3, process CPU time, so robust on a shared
 * machine), for samplers that draw noise, on the bench mixture (K = 8, d = 2 and 16) and a
 * diagonal Gaussian (d = 16), on a dyadic grid (N = 64: grid times are tree-node boundaries) and a
 * non-dyadic one (N = 100: every time is bridged inside a leaf of the tree, depth 20).
 * Everything the run needs is timed, the walker's construction included.
 */
import { gaussianTarget, gmmTarget, sampleSync, setThreads, type SamplerName, type TargetSpec } from '../lib/index.js';
import { benchMixture } from './mixture-fixture.js';

function cpuPerParticleStep(target: TargetSpec, sampler: SamplerName, n: number, steps: number, noise: 'step' | 'path', repeats = 3): number {
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const c0 = process.cpuUsage();
    sampleSync({ target, sampler, steps, n, seed: r, noise });
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1e6);
  }
  return best / (n * steps);
}

export async function main(): Promise<void> {
  const cases: { name: string; target: TargetSpec; n: number }[] = [
    { name: 'mixture d=2', target: gmmTarget(benchMixture(2)), n: 20_000 },
    { name: 'mixture d=16', target: gmmTarget(benchMixture(16)), n: 5_000 },
    { name: 'gaussian d=16', target: gaussianTarget({ mean: new Array(16).fill(0), variances: Array.from({ length: 16 }, (_, i) => 1 / (i + 1)) }), n: 5_000 },
  ];
  const samplers: SamplerName[] = ['euler-maruyama', 'exponential', 'randomized-midpoint'];
  setThreads(1);
  try {
    console.log('target          sampler               steps   per-step ns   path ns   path / per-step');
    for (const c of cases)
      for (const sampler of samplers)
        for (const steps of [64, 100]) {
          const step = cpuPerParticleStep(c.target, sampler, c.n, steps, 'step');
          const path = cpuPerParticleStep(c.target, sampler, c.n, steps, 'path');
          console.log(
            `${c.name.padEnd(15)} ${sampler.padEnd(21)} ${String(steps).padStart(5)}   ${(step * 1e9).toFixed(1).padStart(11)}   ${(path * 1e9).toFixed(1).padStart(7)}   ${(path / step).toFixed(2).padStart(15)}×`,
          );
        }
  } finally {
    setThreads(0);
  }
}
