/**
 * Evaluations to accuracy as a table, a CSV and a plot (NFE needed for each tolerance, one line
 * per sampler), for `dw2 gaussian --to-accuracy` and for Gaussian studies (`toAccuracy`).
 */
import { join } from 'node:path';
import { stepsToAccuracy, type StepsToAccuracyResult, type StepsToAccuracyRow } from '../accuracy.js';
import type { JobOptions } from '../jobs.js';
import { resolveStudy, type StudyConfig } from './config.js';
import { writeFileAtomic } from './files.js';
import { convergenceSpec, renderSvg, type VegaLiteSpec } from './plots.js';
import { resolveToAccuracy } from './to-accuracy-config.js';

/** A search row with the label it is shown under (a study's sampler label, e.g. "ddim(η=0.5)"). */
export type LabelledAccuracyRow = StepsToAccuracyRow & { label?: string };

const name = (r: LabelledAccuracyRow) => (r.label ?? r.sampler) + (r.momentMatched ? '*' : '');
const short = (x: number) => (Number.isFinite(x) ? x.toExponential(2) : 'NaN');

/** Rows of one tolerance, reached ones first by NFE, then the others by their error at the budget. */
function byNfe(rows: LabelledAccuracyRow[]): LabelledAccuracyRow[] {
  return [...rows].sort((a, b) => (a.reached !== b.reached ? (a.reached ? -1 : 1) : a.reached ? a.nfe - b.nfe : a.error - b.error));
}

/** One tolerance: steps and NFE needed, the error there, the check and the search's time, fewest NFE first. */
function singleTable(rows: LabelledAccuracyRow[], eps: number, component: string, maxNfe: number): string[] {
  const head = ['sampler', 'steps', 'nfe', 'error', 'check', 'seconds'];
  const body = byNfe(rows).map((r) =>
    r.reached
      ? [name(r), String(r.steps), String(r.nfe), short(r.error), r.check + (r.stable ? '' : ' (rises again)'), r.seconds.toFixed(3)]
      : [name(r), `> ${r.steps}`, `> ${r.nfe}`, r.invalid ? 'invalid' : `${short(r.error)} at ${r.nfe}`, r.invalid ?? 'not reached', r.seconds.toFixed(3)],
  );
  // The check column (possibly a long reason) is last but one: pad it to the short entries only.
  const width = head.map((h, j) => Math.max(h.length, ...body.map((b) => (j === 4 && b[4]!.length > 40 ? 0 : b[j]!.length))));
  const fmt = (b: string[]) => b.map((c, j) => (j === 0 || j === 4 ? c.padEnd(width[j]!) : c.padStart(width[j]!))).join('  ');
  return [`W2 ${component} ≤ ${eps} (search budget ${maxNfe} NFE)`, fmt(head), width.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt)];
}

/** Several tolerances: one row per sampler, the NFE needed (steps) per tolerance. */
function matrixTable(rows: LabelledAccuracyRow[], tolerances: number[], component: string, maxNfe: number): string[] {
  const labels = [...new Set(rows.map(name))];
  const cell = (r: LabelledAccuracyRow | undefined) => (!r ? '' : r.reached ? `${r.nfe} (${r.steps})` : r.invalid ? 'invalid' : `> ${r.nfe}`);
  const find = (label: string, eps: number) => rows.find((r) => name(r) === label && r.tolerance === eps);
  // Samplers ordered by the NFE they need at the smallest tolerance any of them reaches.
  const rank = (label: string) => {
    for (const eps of [...tolerances].sort((a, b) => a - b)) {
      const r = find(label, eps);
      if (r?.reached) return -1 / (eps * 1e6) + r.nfe / 1e12;
    }
    return Infinity;
  };
  const head = ['sampler', ...tolerances.map((e) => `ε = ${e}`)];
  const body = [...labels].sort((a, b) => rank(a) - rank(b)).map((label) => [label, ...tolerances.map((e) => cell(find(label, e)))]);
  const width = head.map((h, j) => Math.max(h.length, ...body.map((b) => b[j]!.length)));
  const fmt = (b: string[]) => b.map((c, j) => (j === 0 ? c.padEnd(width[j]!) : c.padStart(width[j]!))).join('  ');
  const notes: string[] = [];
  for (const r of rows) {
    if (r.reached && r.check !== 'monotone') notes.push(`${name(r)}, ε = ${r.tolerance}: ${r.check}${r.stable ? '' : ', rises above ε again'}`);
    if (r.invalid) notes.push(`${name(r)}, ε = ${r.tolerance}: ${r.invalid}`);
  }
  return [
    `Score evaluations (steps) needed for W2 ${component} ≤ ε (search budget ${maxNfe} NFE)`,
    fmt(head),
    width.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(fmt),
    ...(notes.length > 0 ? ['', ...notes] : []),
  ];
}

/** Rows of one tolerance as a detailed table; several tolerances as a sampler × ε matrix of NFE. */
export function accuracyTable(rows: LabelledAccuracyRow[], component: string, maxNfe: number): string {
  const tolerances = [...new Set(rows.map((r) => r.tolerance))];
  const out = tolerances.length === 1 ? singleTable(rows, tolerances[0]!, component, maxNfe) : matrixTable(rows, tolerances, component, maxNfe);
  if (rows.some((r) => r.momentMatched)) out.push('* randomized: errors of the moment-matched Gaussian (lower bounds)');
  return out.join('\n');
}

/** One line per (sampler, tolerance); steps and nfe are the budget when not reached. */
export function accuracyCsv(rows: LabelledAccuracyRow[], component: string): string {
  const header = 'sampler,label,tolerance,component,reached,steps,nfe,error,check,stable,evaluations,seconds,momentMatched,invalid';
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = rows.map((r) =>
    [r.sampler, r.label ?? r.sampler, r.tolerance, component, r.reached, r.steps, r.nfe, r.error, r.check, r.stable, r.evaluations, r.seconds, r.momentMatched, quote(r.invalid ?? '')].join(','),
  );
  return `${header}\n${lines.join('\n')}\n`;
}

/**
 * Tolerance against the NFE needed to reach it on log-log axes, one line per sampler (reached
 * points only; a scheme of order p shows a slope near −p). No reference slopes: over the NFE
 * range of a fast and a slow scheme they would stretch the tolerance axis by many decades.
 */
export function accuracySpec(rows: LabelledAccuracyRow[], component: string): VegaLiteSpec {
  const points = rows.filter((r) => r.reached && r.error >= 0).map((r) => ({ sampler: name(r), nfe: r.nfe, w2: r.tolerance }));
  const spec = convergenceSpec(points, { title: `Score evaluations needed for W2 ${component} ≤ ε`, referenceOrders: [] });
  // Axis titles of the data layer (left as they are if the shared spec's layout changes).
  const encoding = (spec.layer as VegaLiteSpec[] | undefined)?.[0]?.encoding as Record<string, Record<string, unknown> | undefined> | undefined;
  if (encoding?.x && encoding?.y) {
    encoding.x.title = 'score evaluations needed (NFE)';
    encoding.y.title = `tolerance ε (W2 ${component})`;
  }
  return spec;
}

export interface ToAccuracyStudyResult {
  rows: LabelledAccuracyRow[];
  component: string;
  maxNfe: number;
  warnings: string[];
  /** The printed table. */
  table: string;
}

/**
 * Runs a Gaussian study's evaluations-to-accuracy search (its `toAccuracy` field, or the defaults)
 * for each of its samplers with the study's process, grid, t_end and prior, and writes
 * to-accuracy.csv, to-accuracy.json and to-accuracy.svg into `dir`. Returns null for studies
 * whose rows are not exact (non-Gaussian targets, OT priors).
 */
export async function toAccuracyStudy(config: StudyConfig, dir: string, options: JobOptions & { baseDir?: string } = {}): Promise<ToAccuracyStudyResult | null> {
  const s = resolveStudy(config, options.baseDir);
  if (s.kind !== 'gaussian' || s.prior === 'ot-semidiscrete') return null;
  const search = s.toAccuracy ?? resolveToAccuracy(undefined);
  const g = s.gaussian!;
  const rows: LabelledAccuracyRow[] = [];
  const warnings = new Set<string>();
  for (const [k, sampler] of s.samplers.entries()) {
    const r: StepsToAccuracyResult = await stepsToAccuracy({
      mean: g.mean,
      ...(g.covariance ? { covariance: g.covariance } : { eigenvalues: g.eigenvalues! }),
      process: s.process,
      sampler: sampler.name,
      grid: s.grid.kind,
      ...(s.grid.rho !== undefined ? { rho: s.grid.rho } : {}),
      ...(s.tEnd !== undefined ? { tEnd: s.tEnd } : {}),
      prior: s.prior,
      ...(sampler.name === 'ddim' ? { eta: sampler.eta } : {}),
      tolerance: search.tolerances,
      component: search.component,
      maxNfe: search.maxNfe,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: (f: number) => options.onProgress!((k + f) / s.samplers.length) } : {}),
    });
    for (const row of r.rows) rows.push({ ...row, label: sampler.label });
    for (const w of r.warnings) warnings.add(w);
  }
  const table = accuracyTable(rows, search.component, search.maxNfe);
  writeFileAtomic(join(dir, 'to-accuracy.csv'), accuracyCsv(rows, search.component));
  writeFileAtomic(join(dir, 'to-accuracy.json'), JSON.stringify({ component: search.component, maxNfe: search.maxNfe, rows }, null, 1));
  writeFileAtomic(join(dir, 'to-accuracy.svg'), await renderSvg(accuracySpec(rows, search.component)));
  return { rows, component: search.component, maxNfe: search.maxNfe, warnings: [...warnings], table };
}

/** For `dw2 demo` and `dw2 study`: runs the search next to the study's files and prints its table (not under --json). */
export async function printToAccuracyStudy(config: StudyConfig, dir: string, json: boolean, baseDir = '.'): Promise<void> {
  const r = await toAccuracyStudy(config, dir, { baseDir });
  if (r && !json) console.log(`${r.table}\n`);
}
