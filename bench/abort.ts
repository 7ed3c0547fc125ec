/**
 * `npm run bench abort`: how long an aborted async call takes to reject, as a fraction of one
 * unit of uninterruptible-looking work (one sampler step, one analysis step) measured in the same
 * run. The goal is under 100 ms whatever a step costs.
 */
import { analyzeGaussian, empiricalTarget, ndarray, sample } from '../lib/index.js';

async function abortLatency(start: (signal: AbortSignal) => Promise<unknown>, afterMs: number): Promise<number> {
  const ac = new AbortController();
  const p = start(ac.signal);
  await new Promise((r) => setTimeout(r, afterMs));
  const t = performance.now();
  ac.abort();
  try {
    await p;
    return Number.NaN; // finished before the abort
  } catch {
    return performance.now() - t;
  }
}

async function timeOf(run: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await run();
  return performance.now() - t;
}

async function report(name: string, oneUnit: () => Promise<unknown>, long: (signal: AbortSignal) => Promise<unknown>): Promise<void> {
  const unit = await timeOf(oneUnit);
  const lat: number[] = [];
  for (const f of [0.3, 0.6, 0.9, 1.4]) lat.push(await abortLatency(long, 50 + f * unit));
  const worst = Math.max(...lat.filter(Number.isFinite));
  console.log(`${name}: one step ${unit.toFixed(0)} ms; abort latency ${lat.map((l) => l.toFixed(0)).join(' / ')} ms (worst ${(worst / unit).toFixed(3)} of a step)`);
}

export async function main(): Promise<void> {
  const m = 2000;
  const d = 64;
  const points = new Float64Array(m * d);
  for (let i = 0; i < points.length; i++) points[i] = Math.sin(i * 12.9898) * 0.5;
  const target = empiricalTarget(ndarray(points, [m, d]));
  const n = 20000;
  await report(
    `sample, empirical target (m = ${m}, d = ${d}), n = ${n}`,
    () => sample({ target, n, steps: 1 }),
    (signal) => sample({ target, n, steps: 1000, signal }),
  );
  const dim = 1500;
  const eigenvalues = Array.from({ length: dim }, (_, i) => 1 / (1 + i));
  const mean = Array.from({ length: dim }, (_, i) => Math.sin(i));
  const opts = { eigenvalues, mean, samplers: ['randomized-exponential' as const], quadratureNodes: 32 };
  await report(
    `analyzeGaussian, randomized-exponential with a mean (full covariance), d = ${dim}`,
    () => analyzeGaussian({ ...opts, steps: [1] }),
    (signal) => analyzeGaussian({ ...opts, steps: [200], signal }),
  );
}
