/**
 * "The samplers people use": exact W2 of the k-diffusion / diffusers samplers next to the seed
 * schemes at 5–50 score evaluations on the CIFAR-10 Gaussian (N(0, Σ), Σ's spectrum from an .npy
 * file), vp process, Karras grid, prior N(0, I). Every number is the exact W2 of the Gaussian the
 * sampler produces (the joint recursion for multistep schemes), not a Monte Carlo estimate.
 */
import { existsSync } from 'node:fs';
import { analyzeGaussianSync } from '../gaussian.js';
import { readNpy } from '../npy.js';
import { schemeInfo, type SamplerName } from '../process.js';

export const samplersPeopleUse: readonly SamplerName[] = [
  'euler',
  'heun',
  'ddim',
  'euler-ancestral',
  'edm',
  'dpm-2',
  'dpmpp-2m',
  'dpmpp-2m-sde',
  'dpmpp-3m-sde',
  'dpmpp-2s-ancestral',
  'unipc',
  'lms',
];

export interface SamplerNfeRow {
  sampler: SamplerName;
  /** Score evaluations (≤ the budget: steps = ⌊budget / NFE per step⌋). */
  nfe: number;
  steps: number;
  /** Exact W2 to the data distribution (truncation + sampling, from N(0, I)). */
  total: number;
  /** Exact W2 to the exact flow's output from p_T (discretization alone). */
  discretization: number;
}

export interface SamplersDemoOptions {
  /** The CIFAR-10 covariance spectrum (.npy, 3072 values). */
  eigenvaluesPath: string;
  /** NFE budgets (default 5, 10, 20, 50). */
  budgets?: readonly number[];
  samplers?: readonly SamplerName[];
  /** Final time (default 1e-3). */
  tEnd?: number;
}

/** The table's rows, or null when the eigenvalue file is missing (the demo then skips it). */
export function samplersDemoRows(o: SamplersDemoOptions): SamplerNfeRow[] | null {
  if (!existsSync(o.eigenvaluesPath)) return null;
  const eigenvalues = readNpy(o.eigenvaluesPath);
  const budgets = o.budgets ?? [5, 10, 20, 50];
  const rows: SamplerNfeRow[] = [];
  for (const sampler of o.samplers ?? samplersPeopleUse) {
    const perStep = schemeInfo(sampler).nfePerStep;
    const steps = [...new Set(budgets.map((b) => Math.max(1, Math.floor(b / perStep))))];
    const table = analyzeGaussianSync({ eigenvalues, process: 'vp', sampler, steps, grid: 'karras', tEnd: o.tEnd ?? 1e-3, prior: ['normal', 'exact'] });
    for (const n of steps) {
      const normal = table.rows.find((r) => r.steps === n && r.prior === 'normal')!;
      const exact = table.rows.find((r) => r.steps === n && r.prior === 'exact')!;
      rows.push({ sampler, nfe: normal.nfe, steps: n, total: normal.total, discretization: exact.discretization });
    }
  }
  return rows;
}

/** The rows as a text table: one line per sampler, total W2 at each NFE budget. */
export function formatSamplersDemo(rows: readonly SamplerNfeRow[], budgets: readonly number[] = [5, 10, 20, 50]): string {
  const samplers = [...new Set(rows.map((r) => r.sampler))];
  const head = `${'sampler'.padEnd(20)}${budgets.map((b) => `NFE≤${b}`.padStart(11)).join('')}`;
  const lines = samplers.map((s) => {
    const perStep = schemeInfo(s).nfePerStep;
    const cells = budgets.map((b) => {
      const r = rows.find((x) => x.sampler === s && x.steps === Math.max(1, Math.floor(b / perStep)));
      return (r ? r.total.toFixed(4) : '—').padStart(11);
    });
    return `${s.padEnd(20)}${cells.join('')}`;
  });
  return [
    'Exact W2 to CIFAR-10 Gaussian data (vp, Karras grid, prior N(0, I), t_end = 1e-3), by NFE budget:',
    head,
    ...lines,
  ].join('\n');
}

/** Prints the demo table (or says why it is skipped); returns the rows. */
export function printSamplersDemo(eigenvaluesPath: string, log: (line: string) => void = console.log): SamplerNfeRow[] | null {
  const rows = samplersDemoRows({ eigenvaluesPath });
  if (rows === null) {
    log(`samplers people use: skipped (${eigenvaluesPath} not found)`);
    return null;
  }
  log(formatSamplersDemo(rows));
  return rows;
}
