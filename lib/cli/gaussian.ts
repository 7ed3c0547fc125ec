/** `dw2 gaussian`: the exact W2 error table of samplers on Gaussian data (spec §7). */
import { writeFileSync } from 'node:fs';
import { stepsToAccuracy, type AccuracyComponent } from '../accuracy.js';
import { InvalidArgumentError } from '../errors.js';
import { analyzeGaussian, type GaussianAnalysisOptions, type GaussianAnalysisResult } from '../gaussian.js';
import { accuracyCsv, accuracySpec, accuracyTable } from '../study/to-accuracy.js';
import { readNpy } from '../npy.js';
import type { GridKind, PriorName, SamplerName } from '../process.js';
import { integerOption, listOption, numberListOption, numberOption, parseCommand, processFlags, processFromFlags, stringOption } from './args.js';
import { progressBar } from './progress.js';
import { renderSvg } from '../study/plots.js';

export const usage = `dw2 gaussian (--eigenvalues FILE.npy [--eigenvectors FILE.npy] | --covariance FILE.npy) [--mean FILE.npy]
             [--process vp|ou|ve|heat] [--beta-min B] [--beta-max B] [--beta B] [--T T] [--t-end T1,T2,…]
             [--sampler S1,S2,…] [--steps N1,N2,…] [--grid uniform|karras|logsnr] [--rho R] [--eta E]
             [--prior normal|marginal-noise|exact|ot-gaussian[,…]] [--quadrature-nodes Q]
             [--approx-samples M [--seed S] | --approx-covariance FILE.npy [--approx-mean FILE.npy]]
             [--to-accuracy EPS1,EPS2,… [--component discretization|discrete|total] [--max-nfe N] [--svg FILE.svg]]
             [--csv FILE.csv] [--json]
  Exact Wasserstein-2 errors of samplers on N(μ, Σ): truncation, continuous, discrete, total,
  discretization (and score, with an approximate score), one row per sampler × t_end × prior × steps.
  Randomized samplers report their moment-matched Gaussian (marked *). A row on which a sampler is
  undefined (ddpm needs h·g² < 1) is shown as invalid with the reason; the others are kept.
  With --to-accuracy: instead of a table over --steps, the fewest steps and score evaluations each
  sampler (default: every sampler of the process) needs for the component (default discretization)
  to be ≤ EPS, searched up to --max-nfe evaluations (default 2048); --svg plots NFE against EPS.
  --approx-samples M costs O(M d²) for the estimate plus O(d³) per row (minutes at d = 3072).`;

const columns = ['truncation', 'continuous', 'discrete', 'total', 'discretization'] as const;

/** Plot-ready long-format CSV: one line per row, every column named in the header. */
export function toCsv(result: GaussianAnalysisResult): string {
  const withScore = result.rows.some((r) => r.score !== undefined);
  const withInvalid = result.rows.some((r) => r.invalid !== undefined);
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const header = ['sampler', 'steps', 'nfe', 'tEnd', 'prior', ...columns, ...(withScore ? ['score'] : []), 'momentMatched', ...(withInvalid ? ['invalid'] : [])];
  const lines = result.rows.map((r) =>
    [
      r.sampler,
      r.steps,
      r.nfe,
      r.tEnd,
      r.prior,
      ...columns.map((c) => r[c]),
      ...(withScore ? [r.score] : []),
      r.momentMatched,
      ...(withInvalid ? [quote(r.invalid ?? '')] : []),
    ].join(','),
  );
  return `${header.join(',')}\n${lines.join('\n')}\n`;
}

/** An aligned, human-readable table. */
export function toTable(result: GaussianAnalysisResult): string {
  const withScore = result.rows.some((r) => r.score !== undefined);
  const head = ['sampler', 't_end', 'prior', 'steps', 'nfe', ...columns, ...(withScore ? ['score'] : [])];
  // Invalid rows keep the exact columns (truncation, continuous) and mark the scheme's as '-'.
  const cell = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '-' : x.toPrecision(4));
  const body = result.rows.map((r) => [
    r.sampler + (r.momentMatched ? '*' : '') + (r.invalid ? '!' : ''),
    String(r.tEnd),
    r.prior,
    String(r.steps),
    String(r.nfe),
    ...columns.map((c) => cell(r[c])),
    ...(withScore ? [cell(r.score)] : []),
  ]);
  const width = head.map((h, j) => Math.max(h.length, ...body.map((row) => row[j]!.length)));
  const numeric = (j: number) => j >= 3;
  const fmt = (row: string[]) => row.map((cell, j) => (numeric(j) ? cell.padStart(width[j]!) : cell.padEnd(width[j]!))).join('  ');
  const lines = [fmt(head), width.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt)];
  if (result.rows.some((r) => r.momentMatched)) lines.push('* randomized: W2 of the Gaussian with the exact output mean and covariance (a lower bound)');
  const reasons = [...new Set(result.rows.filter((r) => r.invalid).map((r) => `${r.sampler}, ${r.steps} steps: ${r.invalid}`))];
  if (reasons.length > 0) lines.push('! invalid rows (the sampler is undefined on that grid):', ...reasons.map((x) => `  ${x}`));
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, {
    eigenvalues: { type: 'string' },
    eigenvectors: { type: 'string' },
    covariance: { type: 'string' },
    mean: { type: 'string' },
    ...processFlags,
    't-end': { type: 'string' },
    sampler: { type: 'string' },
    steps: { type: 'string' },
    grid: { type: 'string' },
    rho: { type: 'string' },
    eta: { type: 'string' },
    prior: { type: 'string' },
    'quadrature-nodes': { type: 'string' },
    'approx-samples': { type: 'string' },
    seed: { type: 'string' },
    'approx-covariance': { type: 'string' },
    'approx-mean': { type: 'string' },
    'to-accuracy': { type: 'string' },
    component: { type: 'string' },
    'max-nfe': { type: 'string' },
    svg: { type: 'string' },
    csv: { type: 'string' },
    json: { type: 'boolean' },
  });
  const file = (name: string) => {
    const path = stringOption(values[name], name);
    return path === undefined ? undefined : readNpy(path);
  };
  const eigenvalues = file('eigenvalues');
  const covariance = file('covariance');
  if ((eigenvalues === undefined) === (covariance === undefined)) throw new InvalidArgumentError('give exactly one of --eigenvalues FILE.npy and --covariance FILE.npy');
  const process = processFromFlags(values);

  const tolerances = numberListOption(values['to-accuracy'], 'to-accuracy');
  const samplers = listOption(values.sampler, 'sampler') as SamplerName[] | undefined;
  if (tolerances === undefined)
    for (const flag of ['component', 'max-nfe', 'svg'])
      if (values[flag] !== undefined) throw new InvalidArgumentError(`--${flag} goes with --to-accuracy`);
  const options: GaussianAnalysisOptions = {
    process,
    samplers: samplers ?? ['euler-maruyama'],
    steps: numberListOption(values.steps, 'steps') ?? [100],
    prior: (listOption(values.prior, 'prior') ?? ['normal']) as PriorName[],
    grid: (stringOption(values.grid, 'grid') ?? 'uniform') as GridKind,
  };
  if (eigenvalues) options.eigenvalues = eigenvalues;
  if (covariance) options.covariance = covariance;
  const eigenvectors = file('eigenvectors');
  if (eigenvectors) options.eigenvectors = eigenvectors;
  const mean = file('mean');
  if (mean) options.mean = mean;
  const tEnd = numberListOption(values['t-end'], 't-end');
  if (tEnd) options.tEnd = tEnd;
  const rho = numberOption(values.rho, 'rho');
  if (rho !== undefined) options.rho = rho;
  const eta = numberOption(values.eta, 'eta');
  if (eta !== undefined) options.eta = eta;
  const nodes = integerOption(values['quadrature-nodes'], 'quadrature-nodes');
  if (nodes !== undefined) options.quadratureNodes = nodes;
  const approxSamples = integerOption(values['approx-samples'], 'approx-samples');
  const approxCovariance = file('approx-covariance');
  if (approxSamples !== undefined && approxCovariance !== undefined) throw new InvalidArgumentError('give --approx-samples or --approx-covariance, not both');
  if (approxSamples !== undefined) options.approxScore = { fromSamples: approxSamples, seed: integerOption(values.seed, 'seed') ?? 0 };
  if (approxCovariance !== undefined) {
    const approxMean = file('approx-mean');
    options.approxScore = approxMean ? { covariance: approxCovariance, mean: approxMean } : { covariance: approxCovariance };
  }

  if (tolerances !== undefined) return runToAccuracy(options, values, tolerances, samplers !== undefined);
  const bar = values.json ? undefined : progressBar('gaussian');
  const result = await analyzeGaussian({ ...options, onProgress: bar?.update });
  bar?.done();
  const csv = stringOption(values.csv, 'csv');
  if (csv) writeFileSync(csv, toCsv(result));
  if (values.json) {
    // NaN (the scheme columns of invalid rows) becomes null in JSON; `invalid` says why.
    const results = result.rows.map(({ fellBack: _fellBack, ...row }) => row);
    console.log(JSON.stringify({ results, warnings: result.warnings }));
    return;
  }
  for (const w of result.warnings) console.error(`warning: ${w}`);
  console.log(toTable(result));
  if (csv) console.log(`\nwritten to ${csv}`);
}

/** `--to-accuracy`: the fewest steps and NFE per sampler for each tolerance (lib/accuracy.ts). */
async function runToAccuracy(options: GaussianAnalysisOptions, values: Record<string, unknown>, tolerances: number[], samplersGiven: boolean): Promise<void> {
  type Raw = Parameters<typeof stringOption>[0];
  if (values.steps !== undefined) throw new InvalidArgumentError('--to-accuracy searches the step count: leave out --steps (bound the search with --max-nfe)');
  if (options.approxScore !== undefined) throw new InvalidArgumentError('--to-accuracy does not search the score column: leave out --approx-samples/--approx-covariance');
  const list = <T>(x: T | readonly T[] | undefined, flag: string): T | undefined => {
    if (!Array.isArray(x)) return x as T | undefined;
    if (x.length > 1) throw new InvalidArgumentError(`--to-accuracy takes one value of --${flag}`);
    return x[0] as T;
  };
  const { steps: _steps, samplers, approxScore: _approx, tEnd, prior, grid, ...rest } = options;
  const component = (stringOption(values.component as Raw, 'component') ?? 'discretization') as AccuracyComponent;
  const maxNfe = integerOption(values['max-nfe'] as Raw, 'max-nfe') ?? 2048;
  const t = list(tEnd, 't-end');
  const bar = values.json ? undefined : progressBar('to-accuracy');
  const result = await stepsToAccuracy({
    ...rest,
    ...(samplersGiven ? { samplers } : {}),
    ...(t !== undefined ? { tEnd: t } : {}),
    prior: values.prior === undefined ? 'exact' : list(prior, 'prior')!,
    grid: grid as GridKind,
    tolerance: tolerances,
    component,
    maxNfe,
    onProgress: bar?.update,
  });
  bar?.done();
  const csv = stringOption(values.csv as Raw, 'csv');
  if (csv) writeFileSync(csv, accuracyCsv(result.rows, component));
  const svg = stringOption(values.svg as Raw, 'svg');
  if (svg) writeFileSync(svg, await renderSvg(accuracySpec(result.rows, component)));
  if (values.json) {
    console.log(JSON.stringify({ component, maxNfe, tEnd: result.tEnd, results: result.rows, warnings: result.warnings }));
    return;
  }
  for (const w of result.warnings) console.error(`warning: ${w}`);
  console.log(accuracyTable(result.rows, component, maxNfe));
  for (const file of [csv, svg]) if (file) console.log(`written to ${file}`);
}
