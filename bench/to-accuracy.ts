/**
 * Evaluations to accuracy: the search (doubling, log-log narrowing, sampled checks) against the
 * plain way to the same answer, a table over every step count 1..N until the error is ≤ ε
 * (computed in one analyzeGaussianSync call over 1..N*, the cheapest form of that sweep), on the
 * CIFAR-10 spectrum. Both give the same step counts; the ratio is the sweep's time over the search's.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeGaussianSync, readNpy, stepsToAccuracySync, type SamplerName } from '../lib/index.js';
import { medianMs } from './timing.js';

const here = dirname(fileURLToPath(import.meta.url));
const cifarPath = resolve(here, '..', '..', 'shared', 'data', 'cifar10-eigenvalues.npy');

const timeMs = (fn: () => void, reps = 3) => medianMs(fn, reps);

export async function main(): Promise<void> {
  if (!existsSync(cifarPath)) {
    console.log(`skipped: ${cifarPath} not found`);
    return;
  }
  const eigenvalues = readNpy(cifarPath);
  const base = { eigenvalues, process: 'vp' as const, grid: 'logsnr' as const, tEnd: 1e-3 };
  const eps = 1e-2;
  console.log(`CIFAR-10 spectrum, vp, log-SNR grid, t_end = 1e-3: fewest steps with discretization W2 ≤ ${eps}`);
  console.log(`${'sampler'.padEnd(24)} ${'steps'.padStart(6)} ${'search ms'.padStart(10)} ${'sweep ms'.padStart(10)} ${'ratio'.padStart(7)}`);
  for (const sampler of ['rk4', 'heun', 'randomized-exponential'] as SamplerName[]) {
    const found = stepsToAccuracySync({ ...base, sampler, tolerance: eps }).rows[0]!;
    const searchMs = timeMs(() => stepsToAccuracySync({ ...base, sampler, tolerance: eps }));
    const steps = Array.from({ length: found.steps }, (_, i) => i + 1);
    let sweepAnswer = 0;
    const sweepMs = timeMs(() => {
      const rows = analyzeGaussianSync({ ...base, sampler, steps, prior: 'exact' }).rows;
      sweepAnswer = rows.findIndex((r) => r.discretization <= eps) + 1;
    });
    if (sweepAnswer !== found.steps) throw new Error(`${sampler}: the sweep finds ${sweepAnswer} steps, the search ${found.steps}`);
    console.log(`${sampler.padEnd(24)} ${String(found.steps).padStart(6)} ${searchMs.toFixed(1).padStart(10)} ${sweepMs.toFixed(1).padStart(10)} ${(sweepMs / searchMs).toFixed(1).padStart(6)}×`);
  }
}
