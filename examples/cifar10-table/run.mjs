// The CIFAR-10 Gaussian error table (Pierret & Galerne's setting): exact W2 errors of every
// non-randomized sampler on N(0, Σ) with the CIFAR-10 covariance spectrum, written as a plot-ready CSV.
//
//   node run.mjs EIGENVALUES.npy [OUT.csv]
//
// EIGENVALUES.npy: the 3072 eigenvalues of the CIFAR-10 pixel covariance (any 1-D .npy of
// eigenvalues works; it is not shipped with the package). OUT.csv defaults to cifar10-table.csv.
// About a second on 2 cores. Works in any project that depends on diffusion-w2, and in a checkout
// of it (the package imports itself through its exports once `npm run build:ts` has run).
import { writeFileSync } from 'node:fs';
import { analyzeGaussianSync, readNpy } from 'diffusion-w2';

const [file, out = 'cifar10-table.csv'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node run.mjs EIGENVALUES.npy [OUT.csv]');
  process.exit(2);
}
const eigenvalues = readNpy(file).data;

const result = analyzeGaussianSync({
  eigenvalues,
  process: 'vp',
  samplers: ['euler-maruyama', 'exponential', 'euler', 'heun', 'ddim', 'exponential-ode'],
  steps: [50, 100, 250, 500, 1000],
  tEnd: [1e-3, 1e-2],
  prior: ['normal', 'exact'],
  grid: 'uniform',
});

const columns = ['sampler', 'steps', 'nfe', 'tEnd', 'prior', 'truncation', 'continuous', 'discrete', 'total', 'discretization'];
writeFileSync(out, [columns.join(','), ...result.rows.map((r) => columns.map((c) => r[c]).join(','))].join('\n') + '\n');
for (const r of result.rows.filter((r) => r.tEnd === 1e-3 && r.prior === 'normal'))
  console.log(`${r.sampler.padEnd(16)} ${String(r.steps).padStart(5)} steps  total W2 ${r.total.toFixed(4)}  (truncation ${r.truncation.toFixed(4)}, discretization ${r.discretization.toFixed(4)})`);
console.log(`${result.rows.length} rows (d = ${result.dim}) written to ${out}`);
