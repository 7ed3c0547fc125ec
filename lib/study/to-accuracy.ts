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

/** An aligned table per tolerance: steps and NFE needed, error there, the check and the search's time. */
export function accuracyTable(rows: LabelledAccuracyRow[], component: string, maxNfe: number): string {
  const tolerances = [...new Set(rows.map((r) => r.tolerance))];
  const out: string[] = [];
  for (const eps of tolerances) {
    const head = ['sampler', 'steps', 'nfe', 'error', 'check', 'seconds'];
    const body = byNfe(rows.filter((r) => r.tolerance === eps)).map((r) =>
      r.reached
        ? [name(r), String(r.steps), String(r.nfe), short(r.error), r.check + (r.stable ? '' : ' (rises again)'), r.seconds.toFixed(3)]
        : [name(r), `> ${r.steps}`, `> ${r.nfe}`, r.invalid ? 'invalid' : `${short(r.error)} at ${r.nfe}`, r.invalid ?? 'not reached', r.seconds.toFixed(3)],
    );
    const width = head.map((h, j) => Math.max(h.length, ...body.map((b) => (j === 4 && b[4]!.length > 40 ? 0 : b[j]!.length))));
    const fmt = (b: string[]) => b.map((c, j) => (j >= 1 && j <= 3 ? c.padStart(width[j]!) : j === 5 ? c.padStart(width[j]!) : c.padEnd(width[j]!))).join('  ');
    out.push(`W2 ${component} ≤ ${eps} (search budget ${maxNfe} NFE)`, fmt(head), width.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt), '');
  }
  if (rows.some((r) => r.momentMatched)) out.push('* randomized: errors of the moment-matched Gaussian (lower bounds)');
  return out.join('\n').trimEnd();
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
 * points only), with reference slopes: a scheme of order p needs NFE ∝ ε^(−1/p).
 */
export function accuracySpec(rows: LabelledAccuracyRow[], component: string): VegaLiteSpec {
  const points = rows.filter((r) => r.reached && r.error >= 0).map((r) => ({ sampler: name(r), nfe: r.nfe, w2: r.tolerance }));
  const spec = convergenceSpec(points, { title: `Score evaluations needed for W2 ${component} ≤ ε`, referenceOrders: [1, 2, 4] });
  const layer = spec.layer as VegaLiteSpec[];
  (layer[0]!.encoding as Record<string, Record<string, unknown>>).y!.title = `tolerance ε (W2 ${component})`;
  (layer[0]!.encoding as Record<string, Record<string, unknown>>).x!.title = 'score evaluations needed (NFE)';
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

/** The demo's use: runs the search next to the study's files and prints its table (not under --json). */
export async function printToAccuracyStudy(config: StudyConfig, dir: string, json: boolean): Promise<void> {
  const r = await toAccuracyStudy(config, dir);
  if (r && !json) console.log(`${r.table}\n`);
}
