/** `dw2 demo [--out DIR] [--json]`: the embedded default studies, no input files needed. */
import { join } from 'node:path';
import { formatStudy } from '../study/report.js';
import { printSamplersDemo } from '../study/demo-samplers.js';
import { demoGaussianStudy, demoMixtureStudy } from '../study/presets.js';
import { parseCommand, stringOption } from './args.js';
import { runStudyToDir } from './study.js';

export const usage = `dw2 demo [--out DIR] [--json]
  A power-law Gaussian (d = 1024) through every non-randomized sampler with exact W2 errors, and a
  2-D eight-component mixture through five samplers with exact-OT W2 and the coupled error against a
  fine-grid reference on one Brownian path (orders fitted on it); prints both tables with fitted
  orders and writes results and plots to DIR (default demo-out).`;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, { out: { type: 'string' }, json: { type: 'boolean' } });
  const out = stringOption(values.out, 'out') ?? 'demo-out';
  const json = values.json === true;
  const t0 = performance.now();
  const gaussian = await runStudyToDir(demoGaussianStudy, join(out, 'gaussian'), { baseDir: '.', resume: false, json, label: 'gaussian' });
  await (await import('../study/to-accuracy.js')).printToAccuracyStudy(demoGaussianStudy, join(out, 'gaussian'), json);
  printSamplersDemo(undefined, json ? console.error : console.log);
  const mixture = await runStudyToDir(demoMixtureStudy, join(out, 'mixture'), { baseDir: '.', resume: false, json, label: 'mixture' });
  const seconds = (performance.now() - t0) / 1000;
  if (json) console.log(JSON.stringify({ seconds, gaussian: { rows: gaussian.rows, orders: gaussian.orders }, mixture: { summary: mixture.summary, floor: mixture.floor, orders: mixture.orders, references: mixture.references } }));
  else console.log(`${formatStudy(gaussian)}\n\n${formatStudy(mixture)}\n\n${seconds.toFixed(1)} s; results and plots in ${out}/gaussian and ${out}/mixture`);
}
