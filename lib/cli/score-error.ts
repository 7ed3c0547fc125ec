/** `dw2 score-error`: a learned score against the exact one on an analytic target, without a sampling floor. */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { InvalidArgumentError } from '../errors.js';
import { scoreErrorStudy, type ScoreErrorResult } from '../model/score-error.js';
import type { GridKind, SamplerName } from '../process.js';
import { convergenceSpec, renderSvg } from '../study/plots.js';
import { writeFileAtomic } from '../study/files.js';
import { readTargetFile } from '../targets.js';
import { integerOption, numberOption, parseCommand, processFlags, processFromFlags, stringOption } from './args.js';
import { modelFlags, modelFromFlags, modelUsage } from './model-flags.js';

export const usage = `dw2 score-error --target FILE.json ${modelUsage}
           [--process NAME …] [--sampler NAME] [--steps 8,16,32] [--grid uniform|karras|logsnr] [--t-end X]
           [--prior NAME] [--n N] [--seed S] [--out DIR] [--json]
  Runs the sampler with the target's exact score and with the model from the same start and noise:
  the paired RMS distance (an upper bound on W2 between the two samplers' laws, no sampling floor, 95%
  interval) and the exact-OT W2 of each to exact target samples (with the two-sample floor). --out writes
  score-error.csv and score-error.svg.`;

function csv(r: ScoreErrorResult): string {
  const head = 'steps,nfe,coupled_rms,coupled_low,coupled_high,w2_exact_score,w2_learned_score,two_sample_floor';
  return [head, ...r.rows.map((x) => [x.steps, x.nfe, x.coupled.rms, x.coupled.low, x.coupled.high, x.w2Exact, x.w2Learned, r.floor].join(','))].join('\n') + '\n';
}

async function plot(r: ScoreErrorResult, sampler: string): Promise<string> {
  const points = r.rows.flatMap((x) => [
    { sampler: 'paired distance, learned vs exact score', nfe: x.nfe, w2: x.coupled.rms },
    { sampler: 'W2 to target, exact score', nfe: x.nfe, w2: x.w2Exact },
    { sampler: 'W2 to target, learned score', nfe: x.nfe, w2: x.w2Learned },
  ]);
  return renderSvg(convergenceSpec(points, { title: `Score error of the model (${sampler})`, referenceOrders: [1], floor: r.floor }));
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, {
    target: { type: 'string' },
    ...modelFlags,
    ...processFlags,
    sampler: { type: 'string' },
    steps: { type: 'string' },
    grid: { type: 'string' },
    't-end': { type: 'string' },
    prior: { type: 'string' },
    n: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  });
  const targetPath = stringOption(values.target, 'target');
  if (!targetPath) throw new InvalidArgumentError('--target FILE.json is required (the analytic target whose exact score is the reference)');
  const target = readTargetFile(targetPath);
  const model = await modelFromFlags(values);
  if (!model) throw new InvalidArgumentError('--model FILE.onnx is required');
  const steps = (stringOption(values.steps, 'steps') ?? '8,16,32').split(',').map((s) => integerOption(s.trim(), 'steps') as number);
  const out = stringOption(values.out, 'out');
  if (out) mkdirSync(out, { recursive: true });
  const sampler = (stringOption(values.sampler, 'sampler') ?? 'heun') as SamplerName;
  const r = await scoreErrorStudy({
    target,
    model,
    process: processFromFlags(values),
    sampler,
    grid: stringOption(values.grid, 'grid') as GridKind | undefined,
    tEnd: numberOption(values['t-end'], 't-end'),
    prior: stringOption(values.prior, 'prior') as 'normal' | undefined,
    steps,
    n: integerOption(values.n, 'n') ?? 2000,
    seed: integerOption(values.seed, 'seed') ?? 0,
  });
  await model.release();
  if (out) {
    writeFileAtomic(join(out, 'score-error.csv'), csv(r));
    writeFileAtomic(join(out, 'score-error.svg'), await plot(r, sampler));
  }
  if (values.json) return console.log(JSON.stringify(r));
  console.log(`two-sample floor of exact-OT W2 at n: ${r.floor.toFixed(4)}`);
  console.log('steps   nfe   paired RMS [95%]             W2 exact score   W2 learned score');
  for (const x of r.rows)
    console.log(
      `${String(x.steps).padStart(5)} ${String(x.nfe).padStart(5)}   ${x.coupled.rms.toFixed(4)} [${x.coupled.low.toFixed(4)}, ${x.coupled.high.toFixed(4)}]` +
        `   ${x.w2Exact.toFixed(4).padStart(14)}   ${x.w2Learned.toFixed(4).padStart(16)}`,
    );
}
