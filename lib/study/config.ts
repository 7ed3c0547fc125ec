/**
 * A study = target × process × prior × grid × samplers × step counts (× seeds). The config is
 * plain JSON (so `dw2 study --config study.json` and `study(config)` take the same thing) and is
 * validated completely before any work starts; every error names the offending field.
 */
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { readNpy } from '../npy.js';
import { samplerChoice, samplerOptionKeys, takesOption, type SamplerOptions } from '../sampler-params.js';
import { loadOtPrior, requireOtPriorMatches, type OtPrior } from '../ot-prior.js';
import type { OnnxModelOptions } from '../model/onnx-model.js';
import { normalizeProcess, priorNames, processTraits, schemeInfo, type GridKind, type PriorName, type ProcessSpec, type SamplerName } from '../process.js';
import { gaussianTarget, targetFromJson, targetInfo, type TargetSpec } from '../targets.js';
import { isTheorySampler, type TheorySampler } from './theory.js';
import { defaultReference, isSdeScheme, resolveCoupledReference } from '../coupled.js';
import { resolveToAccuracy, type ResolvedToAccuracy, type ToAccuracyConfig } from './to-accuracy-config.js';
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

/**
 * A sampler with its options (SamplerOptions, as sampleSync and analyzeGaussian take them: ddim's and
 * the ancestral samplers' η, edm's sChurn/sTmin/sTmax, sNoise, unipc's order/variant/corrector, lms's
 * order, dpm-adaptive's, and local linearization's stabilize: true = κ 0.5, or κ), in every kind of study.
 */
export interface SamplerConfig extends SamplerOptions {
  name: SamplerName;
  /** Label in tables and plots (default: the name with its options, e.g. ddim(η=0.5), edm(sChurn=40)). */
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
   * Monte Carlo rows: where the samplers' noise comes from (default 'step'; 'path' when coupled).
   * 'path' drives every step count with one Brownian path per particle (docs/brownian-path.md).
   */
  noise?: 'step' | 'path';
  /**
   * Monte Carlo rows: also measure the coupled error — the RMS distance to a fine-grid reference
   * run from the same x_T and Brownian path (docs/studies.md) — and fit orders on it against the
   * declared pathwise order. true uses the default references (rk4 for ODE samplers, Euler–Maruyama
   * for SDE samplers, each at 16×/64× the largest step count); or give them per family.
   */
  coupled?: boolean | CoupledStudyConfig;
  /**
   * Theory beside the measurement (Gaussian spectrum on `ou`, docs/theory.md): the discretization
   * constant C1 and the step-size limit maxStep of the theorems, one number or one per sampler name.
   * Neither has a default; without C1 the rows get only the determined part of the bound.
   */
  theory?: StudyTheoryConfig;
  /** Gaussian targets: the fewest evaluations per sampler to reach each tolerance (docs/gaussian-analysis.md). */
  toAccuracy?: ToAccuracyConfig;
  /**
   * A score network (docs/models.md) that the samplers run instead of the target's exact score; the
   * target stays the reference every W2 is measured against. Every row is then Monte Carlo.
   */
  model?: StudyModelConfig;
}

/** loadOnnxModel's options, with `file` (relative to the config) for `model`. */
export type StudyModelConfig = Omit<OnnxModelOptions, 'model'> & { file: string };

export interface CoupledStudyConfig {
  /** Reference for probability-flow ODE samplers (default rk4 at max(256, 16 × the largest step count)). */
  ode?: { sampler?: SamplerName; steps?: number };
  /** Reference for reverse-SDE samplers (default euler-maruyama at max(1024, 64 × the largest step count)). */
  sde?: { sampler?: SamplerName; steps?: number };
}

export interface StudyTheoryConfig {
  C1?: number | Partial<Record<TheorySampler, number>>;
  maxStep?: number | Partial<Record<TheorySampler, number>>;
}

export interface ResolvedSampler {
  name: SamplerName;
  eta: number;
  label: string;
  /** κ of the stabilized local linearization, when asked for. */
  stabilize?: number;
  /** Every option given (checked), to pass on to sample / analyzeGaussian / stepsToAccuracy. */
  options: SamplerOptions;
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
  noise: 'step' | 'path';
  /** Resolved coupled references per family (absent: no coupled error). */
  coupled?: { ode: { sampler: SamplerName; steps: number }; sde: { sampler: SamplerName; steps: number } };
  toAccuracy?: ResolvedToAccuracy;
  /** Gaussian studies: mean and eigenvalues (or covariance). */
  gaussian?: { mean: Float64Array; eigenvalues?: Float64Array; covariance?: Float64Array; d: number };
  /** Monte Carlo studies: the analytic target. */
  target?: TargetSpec;
  /** The score network's load options (its file resolved), when the samplers run one. */
  model?: OnnxModelOptions;
  d: number;
}

/** ddim(η=0.5), local-linearization(κ=0.5), edm(sChurn=40, sTmax=50); the name alone without options. */
function defaultLabel(name: SamplerName, options: SamplerOptions, kappa: number | undefined): string {
  const parts = Object.entries(options).flatMap(([k, v]) => {
    if (k === 'eta') return name === 'ddim' && v === 0 ? [] : [`η=${String(v)}`];
    if (k === 'stabilize') return kappa === undefined ? [] : [`κ=${kappa}`];
    return [`${k}=${String(v)}`];
  });
  return parts.length === 0 ? name : `${name}(${parts.join(', ')})`;
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
  const variancePreserving = processTraits(process).variancePreserving;
  const samplers = config.samplers.map((s, i) => {
    const c: SamplerConfig = typeof s === 'string' ? { name: s } : s;
    if (!c || typeof c.name !== 'string') field(`samplers[${i}]`, 'must be a name or { name, eta?, stabilize?, label? }');
    const info = schemeInfo(c.name, `samplers[${i}]`);
    if (info.vpOnly && !variancePreserving)
      field(`samplers[${i}]`, `'${c.name}' is defined for the vp and ou processes only`);
    const { name: _name, label: _label, ...options } = c;
    for (const key of Object.keys(options))
      if (!(samplerOptionKeys as string[]).includes(key)) field(`samplers[${i}].${key}`, `is not a sampler option (${samplerOptionKeys.join(', ')}, label)`);
    let choice: ReturnType<typeof samplerChoice>;
    try {
      choice = samplerChoice(c.name, options, true); // η is accepted (and ignored) by samplers without one, as before
    } catch (e) {
      field(`samplers[${i}]`, (e as Error).message);
    }
    if (!takesOption(c.name, 'eta')) delete options.eta;
    const stabilize = choice.linearizationCap;
    const label = c.label ?? defaultLabel(c.name, options, stabilize);
    return { name: c.name, eta: choice.eta, label, ...(stabilize !== undefined ? { stabilize } : {}), options };
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
  const coupled = resolveCoupled(config, samplers, steps, process);
  const noise = requireOneOf(config.noise ?? (coupled ? 'path' : 'step'), 'noise', ['step', 'path'] as const);
  if (coupled && noise !== 'path') field('noise', "coupled errors need noise 'path' (one Brownian path for every step count)");

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
    noise,
    ...(coupled ? { coupled } : {}),
    ...(config.toAccuracy !== undefined ? { toAccuracy: resolveToAccuracy(config.toAccuracy) } : {}),
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
  if (config.model !== undefined) withModel(resolved, config.model, baseDir);
  return resolved;
}

/** A Gaussian study becomes Monte Carlo (exact-OT W2 against exact samples of the Gaussian). */
function asMonteCarlo(s: ResolvedStudy): void {
  if (s.kind !== 'gaussian') return;
  const g = s.gaussian!;
  s.kind = 'monte-carlo';
  s.target = g.covariance ? gaussianTarget({ mean: g.mean, covariance: g.covariance }) : gaussianTarget({ mean: g.mean, variances: g.eigenvalues! });
}

/** Checks a study's model entry (loaded when the study runs: loading is asynchronous). */
function withModel(s: ResolvedStudy, cfg: StudyModelConfig, baseDir: string): void {
  if (typeof cfg !== 'object' || cfg === null) field('model', 'must be { file, parameterization?, timeInput?, … } (docs/models.md)');
  if (typeof cfg.file !== 'string' || cfg.file.length === 0) field('model.file', 'must be the path of an .onnx file');
  if (s.prior === 'exact') field('prior', "'exact' draws p_T of the analytic target; a study with a model starts from 'normal' or 'marginal-noise'");
  const { file, ...rest } = cfg;
  s.model = { ...rest, model: resolve(baseDir, file) };
  asMonteCarlo(s);
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
  asMonteCarlo(s);
}

/** The coupled references per family, checked against every sampler of the study (before any work). */
function resolveCoupled(config: StudyConfig, samplers: ResolvedSampler[], steps: number[], process: ProcessSpec): ResolvedStudy['coupled'] {
  const c = config.coupled;
  if (c === undefined || c === false) return undefined;
  if (c !== true && (typeof c !== 'object' || c === null)) field('coupled', 'must be true or { ode?: { sampler, steps }, sde?: { sampler, steps } }');
  const given: CoupledStudyConfig = c === true ? {} : c;
  for (const key of Object.keys(given)) if (key !== 'ode' && key !== 'sde') field('coupled', `unknown key '${key}' (known: ode, sde)`);
  const largest = steps[steps.length - 1]!;
  const pick = (family: 'ode' | 'sde', probe: SamplerName) => {
    const fallback = defaultReference(probe, family === 'sde' ? 1 : 0, steps);
    const g = given[family] ?? {};
    return { sampler: (g.sampler ?? fallback.sampler) as SamplerName, steps: g.steps ?? fallback.steps };
  };
  // The SDE default is Euler–Maruyama (64× finer); a study of the SDE local linearization should
  // give coupled.sde = { sampler: 'local-linearization' } (its pathwise order is above 1).
  const resolved = { ode: pick('ode', 'euler'), sde: pick('sde', 'euler-maruyama') };
  for (const s of samplers) {
    const family = isSdeScheme(s.name, s.eta) ? 'sde' : 'ode';
    try {
      resolveCoupledReference({ sampler: s.name, eta: s.eta, steps: largest, process }, resolved[family]);
    } catch (e) {
      field(`coupled.${family}`, `${(e as Error).message} (sampler '${s.label}')`);
    }
  }
  return resolved;
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
