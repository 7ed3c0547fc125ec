/**
 * Exact Wasserstein-2 error analysis of diffusion samplers on Gaussian data (spec §7,
 * Pierret & Galerne, ICML 2025). With the exact score every non-randomized scheme maps
 * Gaussians to Gaussians, acting on each eigen-direction of the data covariance separately;
 * the native kernels run the very StepPlans the particle sampler executes, on affine forms.
 */
import { samplerChoice, samplerChoices, type NativeSamplerChoice, type SamplerEntry, type SamplerOptions } from './sampler-params.js';
import { InvalidArgumentError, NonFiniteError, ShapeMismatchError } from './errors.js';
import { runNativeJob, type JobOptions } from './jobs.js';
import { callNative, native, type NativeCancelToken } from './native.js';
import type { NDArray } from './ndarray.js';
import {
  normalizeProcess,
  schemeInfo,
  schemes,
  timeGrid,
  karrasZeroGrid,
  priorNames,
  processTraits,
  type GridKind,
  type PriorName,
  type ProcessInput,
  type ProcessSpec,
  type SamplerName,
} from './process.js';
import type { MatrixInput, VectorInput } from './targets.js';
import { requireFiniteNumber, requireInteger, requireNonNegative, requireOneOf, requirePositive, requireSeed } from './validate.js';


/** The data distribution N(μ, Σ): eigenvalues (with optional eigenvectors) or a full covariance. */
export interface GaussianDataInput {
  /** μ (default 0), in ambient coordinates; with eigenvalues only, Σ = diag(eigenvalues). */
  mean?: VectorInput;
  /** Eigenvalues of Σ, ≥ 0 (round-off negatives ≥ −1e-12·max|λ| are clamped with a warning). */
  eigenvalues?: VectorInput;
  /** Eigenvectors as the columns of a d × d matrix (column i goes with eigenvalue i), like numpy's eigh. */
  eigenvectors?: MatrixInput;
  /** Full symmetric covariance (eigendecomposed natively). */
  covariance?: MatrixInput;
}

/** The score used by the sampler in the `score` column: another Gaussian, given or estimated from samples. */
export type ApproxScoreInput =
  | { mean?: VectorInput; covariance: MatrixInput }
  | {
      /** Number m of samples drawn from N(μ, Σ) (Philox, reproducible) to estimate μ̂ and Σ̂. */
      fromSamples: number;
      seed?: number | bigint;
    };

/**
 * The sampler options (SamplerOptions: eta, sNoise, sChurn, sTmin, sTmax, order, variant, corrector,
 * rtol, atol, …, stabilize) given here apply to every listed sampler they fit (ddim's and the
 * ancestral/SDE samplers' η, edm's churn, unipc's and lms's order, …); one that fits none is an
 * error. Give a sampler its own options with a `{ name, ...options }` entry in `samplers`.
 */
export interface GaussianAnalysisOptions extends GaussianDataInput, SamplerOptions {
  process?: ProcessInput;
  sampler?: SamplerName;
  /** Names, or `{ name, ...options }` entries (the same sampler may appear with different options). */
  samplers?: readonly (SamplerName | SamplerEntry)[];
  /** Number of steps N (intervals), or a list: one row per value. Default 100. */
  steps?: number | readonly number[];
  /** Grid kind (default 'uniform') or an explicit decreasing array of times (then steps and tEnd come from it). */
  grid?: GridKind | ArrayLike<number>;
  /** Karras exponent (default 7). */
  rho?: number;
  /** Final time(s) (default: the process's, 1e-3, or 0.002 for ve). */
  tEnd?: number | readonly number[];
  prior?: PriorName | readonly PriorName[];
  /** Gauss–Legendre nodes over u for the randomized schemes (default 8). */
  quadratureNodes?: number;
  approxScore?: ApproxScoreInput;
}

/** One row of the error table: W2 distances to the data distribution p₀. */
export interface GaussianAnalysisRow {
  sampler: SamplerName;
  /** The options this row's sampler ran with (shared and its entry's), when any were given. */
  options?: SamplerOptions;
  steps: number;
  /** Score evaluations of the run. */
  nfe: number;
  tEnd: number;
  prior: PriorName;
  /** W2(p_{t_end}, p₀): stopping early. */
  truncation: number;
  /**
   * The exact flow the sampler discretizes, from the prior: the reverse SDE, the probability-flow
   * ODE, or for ddim the η-member of that family (docs/gaussian-analysis.md).
   */
  continuous: number;
  /** The scheme from the exact p_T. */
  discrete: number;
  /** The scheme from the prior. */
  total: number;
  /** W2(scheme from p_T, p_{t_end}): the pure discretization error. */
  discretization: number;
  /** The scheme with the approximate score, from the prior (when approxScore is given). */
  score?: number;
  /** Randomized schemes: W2 of the Gaussian with the output's exact mean and covariance (a lower bound by Gelbrich). */
  momentMatched: boolean;
  /** A two-stage last step fell back to its Euler stage (score undefined at t = 0). */
  fellBack: boolean;
  /**
   * Set when the sampler is undefined on this row's grid (e.g. ddpm needs h·g(t_k)² < 1): why.
   * The row is kept, its discrete, total, discretization (and score) are NaN, the other rows are unaffected.
   */
  invalid?: string;
}

export interface GaussianAnalysisResult {
  rows: GaussianAnalysisRow[];
  warnings: string[];
  dim: number;
  process: ProcessSpec;
  /** The estimated μ̂ and Σ̂ (ambient, Σ̂ row-major d × d) when approxScore.fromSamples was used. */
  approxScore?: { mean: Float64Array; covariance: Float64Array };
}

interface NativeData {
  eigenvalues?: Float64Array;
  covariance?: Float64Array;
  eigenvectors?: Float64Array;
  mean?: Float64Array;
}

/** @internal The validated native form of the table options (also used by the steps-to-accuracy search). */
export interface NativeTableOptions extends NativeData {
  process: ProcessSpec;
  samplers: NativeSamplerChoice[];
  priors: string[];
  steps: number[];
  tEnds: number[];
  grid: string | Float64Array;
  rho: number;
  quadratureNodes: number;
  approxScore?: { mean?: Float64Array; covariance: Float64Array } | { fromSamples: number; seed: number | bigint };
}

/** Per-direction affine map of a run and the moments it produces (what the native recursion returns). */
export interface NativeMaps {
  mean: Float64Array;
  variance: Float64Array;
  gain: Float64Array;
  offset: Float64Array;
  noiseVariance: Float64Array;
  nfe: number;
  fellBack: boolean;
}

interface AnalysisBinding {
  gaussianAnalysisSync(o: NativeTableOptions): Omit<GaussianAnalysisResult, 'process'>;
  gaussianAnalysis(o: NativeTableOptions, onProgress?: (f: number) => void, token?: NativeCancelToken): Promise<Omit<GaussianAnalysisResult, 'process'>>;
  gaussianRecursionSync(o: object): NativeMaps;
  gaussianFlowSync(o: object): NativeMaps;
  randomizedMomentsSync(o: object): { mean: Float64Array; variance: Float64Array; covariance?: Float64Array; diagonal: boolean; nfe: number };
  sampleGaussianMomentsSync(o: NativeData, samples: number, seed: number | bigint): { mean: Float64Array; covariance: Float64Array };
  gaussLegendreSync(n: number): { nodes: Float64Array; weights: Float64Array };
}
const binding = () => native() as unknown as AnalysisBinding;

// ---------------------------------------------------------------------------------------
// Validation helpers: every error names the parameter.

function isNDArray(x: unknown): x is NDArray {
  return typeof x === 'object' && x !== null && 'data' in x && 'shape' in x && ArrayBuffer.isView((x as NDArray).data);
}

function toVector(x: VectorInput, name: string): Float64Array {
  if (isNDArray(x)) {
    if (x.shape.length !== 1) throw new ShapeMismatchError(`${name} must be 1-D, got shape [${x.shape.join(', ')}]`);
    x = x.data;
  }
  if (typeof x !== 'object' || x === null || typeof (x as ArrayLike<number>).length !== 'number')
    throw new InvalidArgumentError(`${name} must be an array of numbers`);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (typeof v !== 'number') throw new InvalidArgumentError(`${name}[${i}] must be a number, got ${typeof v}`);
    if (!Number.isFinite(v)) throw new NonFiniteError(`${name} contains a non-finite value (${v}) at index ${i}`);
    out[i] = v;
  }
  return out;
}

/** A d × d matrix, row-major; d is inferred when not given. */
function toMatrix(x: MatrixInput, name: string, d?: number): { data: Float64Array; d: number } {
  let flat: ArrayLike<number>;
  let rows: number | undefined;
  if (isNDArray(x)) {
    if (x.shape.length !== 2 || x.shape[0] !== x.shape[1]) throw new ShapeMismatchError(`${name} must be a square matrix, got shape [${x.shape.join(', ')}]`);
    rows = x.shape[0]!;
    flat = x.data;
  } else if (Array.isArray(x) && x.length > 0 && Array.isArray(x[0])) {
    const nested = x as readonly (readonly number[])[];
    rows = nested.length;
    const out = new Float64Array(rows * rows);
    nested.forEach((r, i) => {
      if (!Array.isArray(r) || r.length !== rows) throw new ShapeMismatchError(`${name} row ${i} has ${Array.isArray(r) ? r.length : 'no'} entries, expected ${rows}`);
      for (let j = 0; j < rows!; j++) out[i * rows! + j] = r[j]!;
    });
    flat = out;
  } else {
    flat = x as ArrayLike<number>;
    const root = Math.round(Math.sqrt(flat.length));
    rows = root;
    if (root * root !== flat.length) throw new ShapeMismatchError(`${name} has ${flat.length} elements, not a square number (row-major d × d expected)`);
  }
  if (d !== undefined && rows !== d) throw new ShapeMismatchError(`${name} is ${rows} × ${rows}, expected ${d} × ${d}`);
  return { data: toVector(flat, name), d: rows };
}

function toList<T>(x: T | readonly T[] | undefined, fallback: T[]): T[] {
  if (x === undefined) return fallback;
  return Array.isArray(x) ? [...(x as readonly T[])] : [x as T];
}

function nativeData(o: GaussianDataInput): { data: NativeData; d: number } {
  if ((o.eigenvalues === undefined) === (o.covariance === undefined)) throw new InvalidArgumentError('give exactly one of eigenvalues and covariance');
  const data: NativeData = {};
  let d: number;
  if (o.eigenvalues !== undefined) {
    data.eigenvalues = toVector(o.eigenvalues, 'eigenvalues');
    d = data.eigenvalues.length;
    if (d === 0) throw new InvalidArgumentError('eigenvalues must not be empty');
    if (o.eigenvectors !== undefined) data.eigenvectors = toMatrix(o.eigenvectors, 'eigenvectors', d).data;
  } else {
    if (o.eigenvectors !== undefined) throw new InvalidArgumentError('eigenvectors go with eigenvalues, not with a covariance');
    const m = toMatrix(o.covariance!, 'covariance');
    data.covariance = m.data;
    d = m.d;
    if (d === 0) throw new InvalidArgumentError('covariance must not be empty');
  }
  if (o.mean !== undefined) {
    data.mean = toVector(o.mean, 'mean');
    if (data.mean.length !== d) throw new ShapeMismatchError(`mean has ${data.mean.length} entries, the data dimension is ${d}`);
  }
  return { data, d };
}

function samplerList(o: { sampler?: SamplerName; samplers?: readonly (SamplerName | SamplerEntry)[] }, process: ProcessSpec): (SamplerName | SamplerEntry)[] {
  if (o.sampler !== undefined && o.samplers !== undefined) throw new InvalidArgumentError('give sampler or samplers, not both');
  if (o.samplers !== undefined && !Array.isArray(o.samplers)) throw new InvalidArgumentError('samplers must be a list of names or { name, ...options }');
  const list = o.samplers !== undefined ? [...o.samplers] : [o.sampler ?? 'euler-maruyama'];
  if (list.length === 0) throw new InvalidArgumentError('samplers must not be empty');
  const variancePreserving = processTraits(process).variancePreserving;
  for (const entry of list) {
    const s = typeof entry === 'object' && entry !== null ? entry.name : entry;
    const info = schemeInfo(s, 'sampler');
    if (info.vpOnly && !variancePreserving)
      throw new InvalidArgumentError(`sampler '${s}' is defined for the vp and ou processes only, not '${process.name}'`);
  }
  return list;
}

/** @internal Validates analysis options and converts them to the native form; `options` per sampler (as given), in order. */
export function prepareTable(options: GaussianAnalysisOptions): { native: NativeTableOptions; process: ProcessSpec; options: SamplerOptions[] } {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options must be an object');
  const process = normalizeProcess(options.process);
  const { data, d } = nativeData(options);
  const choices = samplerChoices(samplerList(options, process), options);
  const samplers = choices.map((c) => c.native);
  const priors = toList(options.prior, ['normal']).map((p) => requireOneOf(p, 'prior', priorNames));
  if (priors.length === 0) throw new InvalidArgumentError('prior must not be an empty list');
  let grid: string | Float64Array = 'uniform';
  let steps: number[] = [];
  let tEnds: number[] = [];
  if (options.grid !== undefined && typeof options.grid !== 'string') {
    grid = timeGrid(process, options.grid);
    if (options.steps !== undefined || options.tEnd !== undefined) throw new InvalidArgumentError('with an explicit grid, steps and tEnd come from the grid: leave them out');
  } else {
    grid = requireOneOf(options.grid ?? 'uniform', 'grid', ['uniform', 'karras', 'logsnr'] as const);
    steps = toList(options.steps, [100]).map((n) => requireInteger(n, 'steps', 1, 1e8));
    if (steps.length === 0) throw new InvalidArgumentError('steps must not be an empty list');
    tEnds = toList(options.tEnd, []).map((t) => requireNonNegative(t, 'tEnd'));
  }
  if (options.eta !== undefined) {
    const eta = requireFiniteNumber(options.eta, 'eta');
    if (eta < 0) throw new InvalidArgumentError(`eta must be >= 0, got ${eta}`);
  }
  const rho = requirePositive(options.rho ?? 7, 'rho');
  const quadratureNodes = requireInteger(options.quadratureNodes ?? 8, 'quadratureNodes', 1, 512);
  const out: NativeTableOptions = { ...data, process, samplers, priors, steps, tEnds, grid, rho, quadratureNodes };
  const a = options.approxScore;
  if (a !== undefined) {
    if (typeof a !== 'object' || a === null) throw new InvalidArgumentError('approxScore must be { mean?, covariance } or { fromSamples, seed? }');
    if ('fromSamples' in a) {
      out.approxScore = { fromSamples: requireInteger(a.fromSamples, 'approxScore.fromSamples', 2, 1e8), seed: requireSeed(a.seed ?? 0, 'approxScore.seed') };
    } else {
      if (a.covariance === undefined) throw new InvalidArgumentError('approxScore.covariance is required (or approxScore.fromSamples)');
      const approx: { mean?: Float64Array; covariance: Float64Array } = { covariance: toMatrix(a.covariance, 'approxScore.covariance', d).data };
      if (a.mean !== undefined) {
        approx.mean = toVector(a.mean, 'approxScore.mean');
        if (approx.mean.length !== d) throw new ShapeMismatchError(`approxScore.mean has ${approx.mean.length} entries, the data dimension is ${d}`);
      }
      out.approxScore = approx;
    }
  }
  return { native: out, process, options: choices.map((c) => c.options) };
}

/** @internal Adds each row's sampler options; rows come in blocks of equal size, one block per sampler entry, in order. */
export function withRowOptions<R extends { options?: SamplerOptions }>(rows: R[], options: SamplerOptions[]): R[] {
  const block = rows.length / options.length;
  rows.forEach((r, i) => {
    const o = options[Math.floor(i / block)];
    if (o !== undefined && Object.keys(o).length > 0) r.options = o;
  });
  return rows;
}

// ---------------------------------------------------------------------------------------
// The error table.

/**
 * The exact W2 error table of one or more samplers on Gaussian data: one row per
 * (sampler, t_end, prior, steps), synchronously. Cost O(d · steps) per row after the
 * eigendecomposition. A row on which a sampler is undefined (ddpm needs h·g² < 1) is kept with
 * `invalid` set and NaN errors; the other rows are unaffected.
 *
 * With `approxScore` the cost is dense: O(m d²) to estimate Σ̂ from m samples, an O(d³)
 * eigendecomposition of Σ̂, and an O(d³) Bures distance per row and prior. On CIFAR-10
 * (d = 3072, m = 1000) that is about 2 minutes on two loaded cores, during which this call
 * blocks the event loop: prefer `analyzeGaussian`, which runs on the thread pool and
 * reports progress (and honours its AbortSignal) through every phase.
 */
export function analyzeGaussianSync(options: GaussianAnalysisOptions): GaussianAnalysisResult {
  const { native: o, process, options: perSampler } = prepareTable(options);
  const r = callNative(() => binding().gaussianAnalysisSync(o));
  return { ...r, rows: withRowOptions(r.rows, perSampler), process };
}

/**
 * The same table on the thread pool, with progress and cancellation. With `approxScore`, progress
 * covers the estimate and the eigendecomposition too (it moves between those dense steps, which
 * are single solver calls, and through the rows).
 */
export async function analyzeGaussian(options: GaussianAnalysisOptions & JobOptions): Promise<GaussianAnalysisResult> {
  const { native: o, process, options: perSampler } = prepareTable(options);
  const r = await runNativeJob((onProgress, token) => binding().gaussianAnalysis(o, onProgress, token), options);
  return { ...r, rows: withRowOptions(r.rows, perSampler), process };
}

// ---------------------------------------------------------------------------------------
// Per-direction building blocks (for cross-checks against other implementations).

/** Per-direction inputs: eigenvalues λ_i of Σ and the data mean in Σ's eigenbasis (μ̃ = Uᵀμ). */
export interface DirectionInput {
  eigenvalues: VectorInput;
  /** μ̃ = Uᵀμ, per direction (default 0). */
  mean?: VectorInput;
  process?: ProcessInput;
}

/** Where a run starts: a prior, or explicit per-direction moments. */
export type DirectionStart = PriorName | { mean: VectorInput; variance: VectorInput };

export interface GaussianRecursionOptions extends DirectionInput, SamplerOptions {
  sampler: SamplerName;
  steps?: number;
  /** As sample's grid ('karras-zero': k-diffusion's Karras levels plus a final 0). */
  grid?: GridKind | 'karras-zero' | ArrayLike<number>;
  tEnd?: number;
  rho?: number;
  /** Start (default 'exact', i.e. p_T). */
  start?: DirectionStart;
  /** Run with the score of N(mean, diag(eigenvalues)) in the same basis instead of the data's. */
  score?: { eigenvalues: VectorInput; mean?: VectorInput };
}

/** A run's per-direction result: x_end = gain·x_T + offset + √noiseVariance·z, and the output moments from the start. */
export interface GaussianRecursionResult extends NativeMaps {
  /** The grid used (T = t₀ > … > t_N). */
  times: Float64Array;
}

function directionOptions(o: DirectionInput & { score?: { eigenvalues: VectorInput; mean?: VectorInput } }) {
  const eigenvalues = toVector(o.eigenvalues, 'eigenvalues');
  const d = eigenvalues.length;
  if (d === 0) throw new InvalidArgumentError('eigenvalues must not be empty');
  const out: Record<string, unknown> = { eigenvalues, process: normalizeProcess(o.process) };
  const vector = (x: VectorInput, name: string) => {
    const v = toVector(x, name);
    if (v.length !== d) throw new ShapeMismatchError(`${name} has ${v.length} entries, expected ${d}`);
    return v;
  };
  if (o.mean !== undefined) out.mean = vector(o.mean, 'mean');
  if (o.score !== undefined) {
    out.score = { eigenvalues: vector(o.score.eigenvalues, 'score.eigenvalues'), ...(o.score.mean !== undefined ? { mean: vector(o.score.mean, 'score.mean') } : {}) };
  }
  return { out, d, vector, process: out.process as ProcessSpec };
}

function startOption(start: DirectionStart | { mean: VectorInput; covariance: MatrixInput } | undefined, vector: (x: VectorInput, n: string) => Float64Array, d: number) {
  if (start === undefined || typeof start === 'string') return requireOneOf(start ?? 'exact', 'start', priorNames);
  if ('covariance' in start) return { mean: vector(start.mean, 'start.mean'), covariance: toMatrix(start.covariance, 'start.covariance', d).data };
  return { mean: vector(start.mean, 'start.mean'), variance: vector(start.variance, 'start.variance') };
}

function gridOption(process: ProcessSpec, o: { steps?: number; grid?: GridKind | 'karras-zero' | ArrayLike<number>; tEnd?: number; rho?: number }): Float64Array {
  if (o.grid !== undefined && typeof o.grid !== 'string') return timeGrid(process, o.grid);
  if (o.grid === 'karras-zero')
    return karrasZeroGrid(process, { steps: o.steps ?? 100, ...(o.tEnd !== undefined ? { tEnd: o.tEnd } : {}), ...(o.rho !== undefined ? { rho: o.rho } : {}) });
  return timeGrid(process, {
    kind: requireOneOf(o.grid ?? 'uniform', 'grid', ['uniform', 'karras', 'logsnr'] as const),
    steps: requireInteger(o.steps ?? 100, 'steps', 1, 1e8),
    ...(o.tEnd !== undefined ? { tEnd: requireNonNegative(o.tEnd, 'tEnd') } : {}),
    ...(o.rho !== undefined ? { rho: o.rho } : {}),
  });
}

/**
 * One non-randomized sampler's exact per-direction recursion: mean and variance of every
 * eigen-direction after the run (m′ = a m + b, v′ = a² v + Σc² per step, from the scheme's StepPlans).
 */
export function gaussianRecursion(options: GaussianRecursionOptions): GaussianRecursionResult {
  const { out, d, vector, process } = directionOptions(options);
  samplerList({ sampler: options.sampler }, process);
  const times = gridOption(process, options);
  const { eta, params, linearizationCap } = samplerChoice(options.sampler, options, true);
  const o: Record<string, unknown> = { ...out, sampler: options.sampler, grid: times, eta, params, start: startOption(options.start, vector, d) };
  if (linearizationCap !== undefined) o.linearizationCap = linearizationCap;
  return { ...callNative(() => binding().gaussianRecursionSync(o as never)), times };
}

export interface ContinuousFlowOptions extends DirectionInput {
  /** The probability-flow ODE (true) or the reverse SDE (false); or give eta instead. */
  ode?: boolean;
  /**
   * The member dx = [f x − ½(1 + η²) g² s] dt + η g dW̄ of the family with the process's marginals
   * (η = 0: the ODE, η = 1: the reverse SDE, others: e.g. ddim(η)'s limit); any η ≥ 0.
   */
  eta?: number;
  tEnd?: number;
  /** Start time (default the process's T). */
  T?: number;
  start?: DirectionStart;
}

/** The exact reverse flow (SDE, ODE or η-member) from T to t_end in closed form, per direction (spec §7). */
export function continuousFlow(options: ContinuousFlowOptions): Omit<GaussianRecursionResult, 'times' | 'nfe' | 'fellBack'> {
  const { out, d, vector } = directionOptions(options);
  if ((options.ode === undefined) === (options.eta === undefined)) throw new InvalidArgumentError('give exactly one of ode (a boolean) and eta (a number >= 0)');
  if (options.ode !== undefined && typeof options.ode !== 'boolean') throw new InvalidArgumentError('ode must be a boolean');
  const o = {
    ...out,
    ...(options.ode !== undefined ? { ode: options.ode } : { eta: requireNonNegative(options.eta!, 'eta') }),
    ...(options.tEnd !== undefined ? { tEnd: requireNonNegative(options.tEnd, 'tEnd') } : {}),
    ...(options.T !== undefined ? { T: requirePositive(options.T, 'T') } : {}),
    start: startOption(options.start, vector, d),
  };
  const r = callNative(() => binding().gaussianFlowSync(o));
  return { mean: r.mean, variance: r.variance, gain: r.gain, offset: r.offset, noiseVariance: r.noiseVariance };
}

export interface RandomizedMomentsOptions extends DirectionInput {
  /** A randomized scheme (schemes() lists them: `randomized`), e.g. 'randomized-midpoint'. */
  sampler: SamplerName;
  steps?: number;
  grid?: GridKind | ArrayLike<number>;
  tEnd?: number;
  rho?: number;
  /** Gauss–Legendre nodes over u ∈ (0, 1) per step (default 8). */
  quadratureNodes?: number;
  /** Start (default 'exact'); a full covariance in the eigenbasis is allowed (d ≤ 2048). */
  start?: DirectionStart | { mean: VectorInput; covariance: MatrixInput };
  score?: { eigenvalues: VectorInput; mean?: VectorInput };
  /** Keep the full covariance even when it stays diagonal (for checks). */
  full?: boolean;
}

/**
 * Exact mean and covariance (in the eigenbasis) of a randomized scheme's output: a mixture
 * over the per-step uniforms u, integrated by Gauss–Legendre quadrature. The covariance is
 * diagonal when the data mean and the start mean are 0; otherwise it is full (d ≤ 2048).
 */
export function randomizedMoments(options: RandomizedMomentsOptions): {
  mean: Float64Array;
  variance: Float64Array;
  covariance?: Float64Array;
  diagonal: boolean;
  nfe: number;
} {
  const { out, d, vector, process } = directionOptions(options);
  requireOneOf(options.sampler, 'sampler', schemes().filter((s) => s.randomized).map((s) => s.name));
  const times = gridOption(process, options);
  const o = {
    ...out,
    sampler: options.sampler,
    grid: times,
    quadratureNodes: requireInteger(options.quadratureNodes ?? 8, 'quadratureNodes', 1, 512),
    start: startOption(options.start, vector, d),
    full: options.full === true,
  };
  return callNative(() => binding().randomizedMomentsSync(o));
}

/** Draws `samples` points of N(μ, Σ) (Philox normals, reproducible from `seed`) and returns their sample mean and unbiased covariance. */
export function sampleGaussianMoments(options: GaussianDataInput & { samples: number; seed?: number | bigint }): { mean: Float64Array; covariance: Float64Array } {
  const { data } = nativeData(options);
  const m = requireInteger(options.samples, 'samples', 2, 1e8);
  const seed = requireSeed(options.seed ?? 0);
  return callNative(() => binding().sampleGaussianMomentsSync(data, m, seed));
}

/** Gauss–Legendre nodes and weights on [0, 1] (weights sum to 1). */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  return callNative(() => binding().gaussLegendreSync(requireInteger(n, 'n', 1, 512)));
}
