/**
 * Exact Gaussian analysis: the native error table against a numpy implementation of the same
 * per-direction recursions (bench/gaussian_numpy.py, timed inside Python), on the CIFAR-10
 * spectrum. Also times local linearization, the randomized moments and the large-d path.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeGaussianSync, readNpy, runtimeInfo, setThreads, type GaussianAnalysisOptions, type SamplerName } from '../lib/index.js';
import { medianMs } from './timing.js';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = resolve(here, '..', '..', 'shared', 'data');
const cifarPath = resolve(dataDir, 'cifar10-eigenvalues.npy');
const adsnPath = resolve(dataDir, 'adsn-texture-eigenvalues.npy');

const timeMs = (fn: () => void, reps = 5) => medianMs(fn, reps, 1);

interface NumpyRow {
  sampler: string;
  tEnd: number;
  steps: number;
  prior: string;
  discrete: number;
  total: number;
  discretization: number;
}

function numpyBaseline(config: object): { seconds: number; rows: NumpyRow[] } | undefined {
  const r = spawnSync('python3', [resolve(here, 'gaussian_numpy.py')], { input: JSON.stringify(config), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    console.log(`numpy baseline unavailable (${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)})`);
    return undefined;
  }
  return JSON.parse(r.stdout) as { seconds: number; rows: NumpyRow[] };
}

export async function main(): Promise<void> {
  if (!existsSync(cifarPath)) {
    console.log(`skipped: ${cifarPath} not found`);
    return;
  }
  const eigenvalues = readNpy(cifarPath);
  const info = runtimeInfo();
  console.log(`CIFAR-10 spectrum, d = ${eigenvalues.data.length}; SIMD ${info.simd}, ${info.hardwareThreads} hardware threads`);

  const samplers: SamplerName[] = ['euler-maruyama', 'ddpm', 'exponential', 'heun', 'rk4', 'ddim'];
  const steps = [50, 100, 500, 1000];
  const tEnds = [1e-3, 3e-3, 1e-2, 3e-2];
  const priors = ['normal', 'exact'] as const;
  const table: GaussianAnalysisOptions = { eigenvalues, process: 'vp', samplers, steps, tEnd: tEnds, prior: [...priors] };
  const rows = samplers.length * steps.length * tEnds.length * priors.length;
  const nativeMs: Record<number, number> = {};
  for (const threads of [1, 2]) {
    setThreads(threads);
    nativeMs[threads] = timeMs(() => analyzeGaussianSync(table));
  }
  setThreads(0);
  console.log(`\n${samplers.length} schemes × ${tEnds.length} t_end × ${steps.length} step counts (${steps.join(', ')}) × ${priors.length} priors = ${rows} rows`);
  console.log(`native  1 thread : ${nativeMs[1]!.toFixed(1)} ms`);
  console.log(`native  2 threads: ${nativeMs[2]!.toFixed(1)} ms`);
  const numpy = numpyBaseline({ eigenvalues: cifarPath, samplers, steps, tEnds, priors });
  if (numpy) {
    const ours = analyzeGaussianSync(table).rows;
    // discrete and total compared relatively; discretization absolutely (it reaches 1e-9 for
    // rk4, where √v − √ℓ cancels and only round-off is left to compare).
    let worstRelative = 0;
    let worstAbsolute = 0;
    for (const r of numpy.rows) {
      const o = ours.find((x) => x.sampler === r.sampler && x.tEnd === r.tEnd && x.steps === r.steps && x.prior === r.prior)!;
      for (const c of ['discrete', 'total'] as const) worstRelative = Math.max(worstRelative, Math.abs(o[c] - r[c]) / Math.abs(r[c]));
      worstAbsolute = Math.max(worstAbsolute, Math.abs(o.discretization - r.discretization));
    }
    const best = Math.min(nativeMs[1]!, nativeMs[2]!);
    console.log(`numpy (same recursions, vectorized over directions): ${(numpy.seconds * 1000).toFixed(1)} ms   ratio ${(numpy.seconds * 1000 / best).toFixed(1)}×`);
    console.log(`agreement with numpy: discrete/total max relative difference ${worstRelative.toExponential(2)}, discretization max absolute difference ${worstAbsolute.toExponential(2)}`);
  }

  const others: [string, GaussianAnalysisOptions][] = [
    ['local-linearization (3 expm1 per direction-step)', { ...table, samplers: ['local-linearization'] }],
    ['randomized-midpoint, centred (8 nodes)', { ...table, samplers: ['randomized-midpoint'] }],
  ];
  console.log('');
  for (const [label, o] of others) console.log(`${label.padEnd(52)} ${String(tEnds.length * steps.length * priors.length).padStart(3)} rows  ${timeMs(() => analyzeGaussianSync(o), 3).toFixed(1)} ms`);
  const d = 1024;
  const nonCentred: GaussianAnalysisOptions = {
    eigenvalues: eigenvalues.data.slice(0, d),
    mean: new Float64Array(d).fill(0.1),
    process: 'vp',
    sampler: 'randomized-midpoint',
    steps: 100,
    prior: 'exact',
  };
  console.log(`${`randomized-midpoint, non-centred, full covariance d = ${d}`.padEnd(52)}   1 row   ${timeMs(() => analyzeGaussianSync(nonCentred), 1).toFixed(1)} ms`);
  const scored: GaussianAnalysisOptions = { eigenvalues: eigenvalues.data.slice(0, 512), process: 'vp', sampler: 'heun', steps: 100, prior: 'normal', approxScore: { fromSamples: 1000, seed: 1 } };
  console.log(`${'score column, Σ̂ from 1000 samples, d = 512'.padEnd(52)}   1 row   ${timeMs(() => analyzeGaussianSync(scored), 1).toFixed(1)} ms`);
  if (existsSync(adsnPath)) {
    const adsn = readNpy(adsnPath);
    const large: GaussianAnalysisOptions = { eigenvalues: adsn, process: 'vp', samplers: ['euler-maruyama', 'heun'], steps: 1000, prior: ['normal', 'exact'] };
    console.log(`${`ADSN texture d = ${adsn.data.length}, 2 schemes × 1000 steps`.padEnd(52)}   4 rows  ${timeMs(() => analyzeGaussianSync(large), 1).toFixed(1)} ms`);
  }
}
