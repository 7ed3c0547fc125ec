/**
 * A study = target × process × prior × grid × samplers × step counts (× seeds). The config is
 * plain JSON (so `dw2 study --config study.json` and `study(config)` take the same thing) and is
 * validated completely before any work starts; every error names the offending field.
 */
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { readNpy } from '../npy.js';
import { loadOtPrior, requireOtPriorMatches, type OtPrior } from '../ot-prior.js';
import { normalizeProcess, priorNames, schemeInfo, type GridKind, type PriorName, type ProcessSpec, type SamplerName } from '../process.js';
import { gaussianTarget, targetFromJson, targetInfo, type TargetSpec } from '../targets.js';
import { isTheorySampler, type TheorySampler } from './theory.js';
import { requireFiniteArray, requireInteger, requireNonNegative, requireOneOf, requirePositive } from '../validate.js';


/** A Gaussian target given by its spectrum (W2 is rotation invariant, so eigenvalues suffice). */
export interface SpectralGaussianConfig {
  type: 'gaussian';
  /** Eigenvalues: a list, a .npy path (relative to the config file), or a power law λ_i = scale · i^(−exponent). */
  eigenvalues?: number[] | string | { powerLaw: { d: number; exponent: number; scale?: number } };
  /** Full covariance as nested rows (alternative to eigenvalues). */
  cov?: number[][];
  mean?: number[];
}

export type StudyTargetConfig = SpectralGaussianConfig | { type: 'gmm' | 'empirical'; [key: string]: unknown };

export interface SamplerConfig {
  name: SamplerName;
  /** ddim's η. */
  eta?: number;
  /** Label in tables and plots (default: the name, with η for ddim). */
  label?: string;
}

/** A fitted OT prior saved by saveOtPrior / `dw2 ot-prior fit` (file: its prefix or PREFIX.json, relative to the config). */
export interface OtPriorFileConfig {
  kind: 'ot-semidiscrete';
  file: string;
  /** Start from the τ-smoothed map (tau: its temperature, default the prior's). */
  soft?: boolean;
  tau?: number;
}

export interface StudyConfig {
  name?: string;
  target: StudyTargetConfig;
  process?: ProcessSpec | ProcessSpec['name'];
  /** A prior by name, or a fitted OT prior file (then every row is Monte Carlo, Gaussian targets included). */
  prior?: PriorName | OtPriorFileConfig;
  grid?: GridKind | { kind: GridKind; rho?: number };
  tEnd?: number;
  samplers: (SamplerName | SamplerConfig)[];
  steps: number[];
  /** Monte Carlo targets: independent repetitions (default [0, 1, 2]). */
  seeds?: number[];
  /** Monte Carlo targets: samples per run (default 1000). */
  n?: number;
  /** Fit orders on the last k step counts (default: all above the noise floor). */
  fitLastPoints?: number;
  /**
   * Theory beside the measurement (Gaussian spectrum on `ou`, docs/theory.md): the discretization
   * constant C1 and the step-size limit maxStep of the theorems, one number or one per sampler name.
   * Neither has a default; without C1 the rows get only the determined part of the bound.
   */
  theory?: StudyTheoryConfig;
}

export interface StudyTheoryConfig {
  C1?: number | Partial<Record<TheorySampler, number>>;
  maxStep?: number | Partial<Record<TheorySampler, number>>;
}

export interface ResolvedSampler {
  name: SamplerName;
  eta: number;
  label: string;
}

/** The validated, normalized study. */
export interface ResolvedStudy {
  name: string;
  kind: 'gaussian' | 'monte-carlo';
  process: ProcessSpec;
  prior: PriorName | 'ot-semidiscrete';
  /** The loaded OT prior when prior is 'ot-semidiscrete' (checked against d, process and T). */
  otPrior?: { prior: OtPrior; file: string; soft: boolean; tau?: number };
  grid: { kind: GridKind; rho?: number };
  tEnd?: number;
  samplers: ResolvedSampler[];
  steps: number[];
  seeds: number[];
  n: number;
  fitLastPoints?: number;
  theory?: StudyTheoryConfig;
  /** Gaussian studies: mean and eigenvalues (or covariance). */
  gaussian?: { mean: Float64Array; eigenvalues?: Float64Array; covariance?: Float64Array; d: number };
  /** Monte Carlo studies: the analytic target. */
  target?: TargetSpec;
  d: number;
}

function field(path: string, message: string): never {
  throw new InvalidArgumentError(`${path}: ${message}`);
}

function spectrum(cfg: SpectralGaussianConfig, baseDir: string): { eigenvalues?: Float64Array; covariance?: Float64Array; d: number } {
  if (cfg.eigenvalues !== undefined && cfg.cov !== undefined) field('target', 'give either eigenvalues or cov, not both');
  if (cfg.cov !== undefined) {
    if (!Array.isArray(cfg.cov) || cfg.cov.length === 0) field('target.cov', 'must be a non-empty square matrix (rows)');
    const d = cfg.cov.length;
    const covariance = new Float64Array(d * d);
    cfg.cov.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== d) throw new ShapeMismatchError(`target.cov: row ${i} has ${Array.isArray(row) ? row.length : 'no'} entries, expected ${d}`);
      row.forEach((v, j) => (covariance[i * d + j] = v));
    });
    requireFiniteArray(covariance, 'target.cov');
    return { covariance, d };
  }
  const e = cfg.eigenvalues;
  let eigenvalues: Float64Array;
  if (typeof e === 'string') eigenvalues = Float64Array.from(readNpy(resolve(baseDir, e)).data);
  else if (Array.isArray(e)) eigenvalues = Float64Array.from(e);
  else if (e && typeof e === 'object' && 'powerLaw' in e) {
    const { d, exponent, scale = 1 } = e.powerLaw;
    requireInteger(d, 'target.eigenvalues.powerLaw.d', 1, 1e7);
    requireNonNegative(exponent, 'target.eigenvalues.powerLaw.exponent');
    requirePositive(scale, 'target.eigenvalues.powerLaw.scale');
    eigenvalues = Float64Array.from({ length: d }, (_, i) => scale * (i + 1) ** -exponent);
  } else field('target.eigenvalues', 'must be a list, a .npy path or { powerLaw: { d, exponent } }');
  if (eigenvalues.length === 0) field('target.eigenvalues', 'is empty');
  requireFiniteArray(eigenvalues, 'target.eigenvalues');
  eigenvalues.forEach((v, i) => {
    if (v < 0) field('target.eigenvalues', `eigenvalue ${i} is negative (${v})`);
  });
  return { eigenvalues, d: eigenvalues.length };
}

/** Validates a study config before any work; `baseDir` resolves relative file paths. */
export function resolveStudy(config: StudyConfig, baseDir = '.'): ResolvedStudy {
  if (!config || typeof config !== 'object') field('config', 'must be an object');
  if (!config.target || typeof config.target !== 'object') field('target', 'is required ({ "type": "gaussian" | "gmm" | "empirical", … })');
  const process = normalizeProcess(config.process ?? 'vp', 'process');
  const priorIn = config.prior ?? 'normal';
  const prior = typeof priorIn === 'object' && priorIn !== null ? requireOneOf(priorIn.kind, 'prior.kind', ['ot-semidiscrete'] as const) : requireOneOf(priorIn, 'prior', priorNames);
  const gridIn = config.grid ?? 'uniform';
  const grid = typeof gridIn === 'string' ? { kind: gridIn } : { ...gridIn };
  requireOneOf(grid.kind, 'grid.kind', ['uniform', 'karras', 'logsnr'] as const);
  if (grid.rho !== undefined) requirePositive(grid.rho, 'grid.rho');
  if (config.tEnd !== undefined) requireNonNegative(config.tEnd, 'tEnd');

  if (!Array.isArray(config.samplers) || config.samplers.length === 0) field('samplers', 'must be a non-empty list of sampler names');
  const samplers = config.samplers.map((s, i) => {
    const c: SamplerConfig = typeof s === 'string' ? { name: s } : s;
    if (!c || typeof c.name !== 'string') field(`samplers[${i}]`, 'must be a name or { name, eta?, label? }');
    const info = schemeInfo(c.name, `samplers[${i}]`);
    if (info.vpOnly && process.name !== 'vp' && process.name !== 'ou')
      field(`samplers[${i}]`, `'${c.name}' is defined for the vp and ou processes only`);
    const eta = c.eta ?? 0;
    if (c.eta !== undefined && !(eta >= 0 && eta <= 1)) field(`samplers[${i}].eta`, `must be in [0, 1], got ${eta}`);
    const label = c.label ?? (c.name === 'ddim' && c.eta ? `ddim(η=${c.eta})` : c.name);
    return { name: c.name, eta, label };
  });
  const labels = new Set<string>();
  for (const s of samplers) {
    if (labels.has(s.label)) field('samplers', `label '${s.label}' appears twice (give each a distinct label)`);
    labels.add(s.label);
  }

  if (!Array.isArray(config.steps) || config.steps.length === 0) field('steps', 'must be a non-empty list of step counts');
  const steps = [...new Set(config.steps.map((s, i) => requireInteger(s, `steps[${i}]`, 1, 1e7)))].sort((a, b) => a - b);
  const seeds = config.seeds ?? [0, 1, 2];
  if (!Array.isArray(seeds) || seeds.length === 0) field('seeds', 'must be a non-empty list of integers');
  seeds.forEach((s, i) => requireInteger(s, `seeds[${i}]`, 0));
  const n = requireInteger(config.n ?? 1000, 'n', 2, 1e6);
  if (config.fitLastPoints !== undefined) requireInteger(config.fitLastPoints, 'fitLastPoints', 2, 1e6);
  const theory = config.theory === undefined ? undefined : resolveTheory(config.theory);

  if (config.name !== undefined && typeof config.name !== 'string') field('name', 'must be a string');
  const common = {
    name: config.name ?? 'study',
    process,
    prior,
    grid,
    tEnd: config.tEnd,
    samplers,
    steps,
    seeds,
    n,
    fitLastPoints: config.fitLastPoints,
    theory,
  };
  const t = config.target;
  let resolved: ResolvedStudy;
  if (t.type === 'gaussian' && ((t as SpectralGaussianConfig).eigenvalues !== undefined || !(t as { covariance?: unknown }).covariance)) {
    const g = t as SpectralGaussianConfig;
    const s = spectrum(g, baseDir);
    const mean = Float64Array.from(g.mean ?? new Array<number>(s.d).fill(0));
    if (mean.length !== s.d) throw new ShapeMismatchError(`target.mean has ${mean.length} entries but the covariance is ${s.d}-dimensional`);
    requireFiniteArray(mean, 'target.mean');
    resolved = { ...common, kind: 'gaussian', gaussian: { mean, ...s }, d: s.d };
  } else {
    if (t.type !== 'gmm' && t.type !== 'empirical') field('target.type', `must be 'gaussian', 'gmm' or 'empirical', got ${JSON.stringify(t.type)}`);
    const target = targetFromJson(t, baseDir);
    resolved = { ...common, kind: 'monte-carlo', target, d: targetInfo(target).d };
  }
  if (prior === 'ot-semidiscrete') withOtPrior(resolved, priorIn as OtPriorFileConfig, baseDir);
  return resolved;
}

/**
 * Loads and checks a study's OT prior file. The exact Gaussian analysis needs a Gaussian start, so
 * a Gaussian study with an OT prior runs every row as Monte Carlo (exact-OT W2 against exact
 * samples of the Gaussian, whose eigenvalue form is the diagonal Gaussian in the standard basis).
 */
function withOtPrior(s: ResolvedStudy, cfg: OtPriorFileConfig, baseDir: string): void {
  if (typeof cfg.file !== 'string' || cfg.file.length === 0) field('prior.file', 'must be the path (prefix or .json) of a fitted OT prior');
  if (cfg.soft !== undefined && typeof cfg.soft !== 'boolean') field('prior.soft', 'must be a boolean');
  if (cfg.tau !== undefined) {
    requirePositive(cfg.tau, 'prior.tau');
    if (cfg.soft !== true) field('prior.tau', 'applies to the soft map only: set "soft": true');
  }
  const file = resolve(baseDir, cfg.file);
  const prior = loadOtPrior(file);
  requireOtPriorMatches(prior, { process: s.process, d: s.d }, 'prior');
  s.otPrior = { prior, file, soft: cfg.soft === true, tau: cfg.tau };
  if (s.kind === 'gaussian') {
    const g = s.gaussian!;
    s.kind = 'monte-carlo';
    s.target = g.covariance ? gaussianTarget({ mean: g.mean, covariance: g.covariance }) : gaussianTarget({ mean: g.mean, variances: g.eigenvalues! });
  }
}

function resolveTheory(t: StudyTheoryConfig): StudyTheoryConfig {
  if (!t || typeof t !== 'object') field('theory', 'must be an object { C1?, maxStep? }');
  for (const key of Object.keys(t)) if (key !== 'C1' && key !== 'maxStep') field('theory', `unknown key '${key}' (known: C1, maxStep)`);
  for (const key of ['C1', 'maxStep'] as const) {
    const v = t[key];
    if (v === undefined) continue;
    if (typeof v === 'number') requirePositive(v, `theory.${key}`);
    else if (v && typeof v === 'object')
      for (const [name, x] of Object.entries(v)) {
        if (!isTheorySampler(name)) field(`theory.${key}.${name}`, 'is not a sampler covered by a theorem (euler-maruyama, exponential, randomized-midpoint, randomized-exponential, local-linearization)');
        requirePositive(x, `theory.${key}.${name}`);
      }
    else field(`theory.${key}`, 'must be a number or { sampler: number }');
  }
  return { ...t };
}

export function studyBaseDir(configPath: string): string {
  return dirname(resolve(configPath));
}
