/**
 * Prior (initialization) error elimination by optimal transport.
 *
 * Samplers start from N(0, I) (spec §2) while the forward process ends at p_T. Two remedies:
 * - `gaussianOtMap`: the OT map from N(0, I) to the Gaussian with p_T's first two moments,
 *   z ↦ α(T)μ + (α(T)²Σ + σ(T)²I)^{1/2} z (exact for Gaussian data).
 * - `fitOtPrior`: the semi-discrete OT map from the source onto m forward-diffused training points
 *   y_i = α(T)x_i + σ(T)ε_i: dual weights h make every Laguerre cell
 *   {z : ⟨z, s·y_i⟩ + h_i is largest} carry mass 1/m, and the map is z ↦ y_argmax (hard) or
 *   the τ-smoothed z ↦ Σ softmax_i((⟨z, s·y_i⟩ + h_i)/τ) y_i (soft).
 * The source is the process's `normal` prior N(0, s² I): s = 1 for vp/ou, s = σ(T) for ve/heat.
 */
import { readFileSync } from 'node:fs';
import { CallbackError, DW2Error, InvalidArgumentError, NonFiniteError, NotConvergedError, ShapeMismatchError, UnsupportedError } from './errors.js';
import { runNativeJob, type JobOptions } from './jobs.js';
import { callNative, native, type NativeCancelToken } from './native.js';
import { asPoints, ndarray, type NDArray } from './ndarray.js';
import { normalsSync } from './noise.js';
import { readNpy, writeNpy } from './npy.js';
import { writeFileAtomic } from './study/files.js';
import { normalizeProcess, processCoefficients, type ProcessInput, type ProcessSpec } from './process.js';
import { sampleMarginalSync, type TargetSpec } from './targets.js';
import { w2 as exactW2 } from './w2.js';
import {
  requireFiniteArray,
  requireFiniteNumber,
  requireInteger,
  requireOneOf,
  requirePositive,
  requireSeed,
  requireAllocatable,
  requireFiniteResult,
  requireSyncWork,
} from './validate.js';

/** Philox stages of the OT prior's streams (mirrors native/otprior/noise_streams.h). */
export const otPriorStreams = {
  diffusion: 0x4f50,
  sgdBatch: 0x4f51,
  check: 0x4f52,
  newtonBatch: 0x4f53,
  priorSample: 0x4f54,
  subset: 0x4f55,
} as const;

// ---------------------------------------------------------------------------------------------
// Native declarations (this module's binding: native/binding/otprior_binding.cc)

interface NativeFitOptions {
  method: 'sgd' | 'newton';
  scale: number;
  tolerance: number;
  maxIterations: number;
  batchSize?: number;
  maxCheckDraws?: number;
  seed: number;
  stepSize?: number;
}
interface NativeFitResult {
  weights: Float64Array;
  mass: Float64Array;
  converged: boolean;
  exact: boolean;
  maxCellMassError: number;
  meanCellMassError: number;
  cellMassErrorBound: number;
  iterations: number;
  checks: number;
  checkDraws: number;
  totalDraws: number;
}
interface OtPriorBinding {
  otGaussianMapSync(
    alpha: number,
    sigma: number,
    d: number,
    mean: Float64Array | null,
    covariance: Float64Array | null,
    data: Float64Array | null,
    n: number,
  ): { shift: Float64Array; matrix: Float64Array; mean: Float64Array; covariance: Float64Array };
  otAffineMapSync(shift: Float64Array, matrix: Float64Array, d: number, z: Float64Array, n: number): Float64Array;
  otLaguerreArgmaxSync(
    points: Float64Array,
    weights: Float64Array,
    m: number,
    d: number,
    scale: number,
    z: Float64Array,
    n: number,
  ): { index: Int32Array; second: Int32Array; gap: Float64Array };
  otMapSync(points: Float64Array, weights: Float64Array, m: number, d: number, scale: number, tau: number, z: Float64Array, n: number): Float64Array;
  otMap(
    points: Float64Array,
    weights: Float64Array,
    m: number,
    d: number,
    scale: number,
    tau: number,
    z: Float64Array,
    n: number,
    onProgress?: (f: number) => void,
    token?: NativeCancelToken,
  ): Promise<Float64Array>;
  otNearestPointsSync(points: Float64Array, m: number, queries: Float64Array, n: number, d: number): { index: Int32Array; distance: Float64Array };
  otFitSync(points: Float64Array, weights: Float64Array | null, m: number, d: number, options: NativeFitOptions): NativeFitResult;
  otFit(
    points: Float64Array,
    weights: Float64Array | null,
    m: number,
    d: number,
    options: NativeFitOptions,
    onProgress?: (f: number) => void,
    token?: NativeCancelToken,
  ): Promise<NativeFitResult>;
  otCellMassesSync(points: Float64Array, weights: Float64Array, m: number, d: number, scale: number, seed: number | bigint, draws: number): Float64Array;
  otCheckDraws(m: number, tolerance: number): number;
}
const binding = (): OtPriorBinding => native() as unknown as OtPriorBinding;

// ---------------------------------------------------------------------------------------------
// Shared helpers

/** Rows of `a` as float64 (a copy only when `a` is float32). */
function float64Rows(a: NDArray, name: string): { data: Float64Array; n: number; d: number } {
  if (a === null || typeof a !== 'object' || !('data' in a) || !('shape' in a))
    throw new InvalidArgumentError(`${name} must be an NDArray { data, shape }`);
  const { n, d } = asPoints(a, name);
  const data = a.data instanceof Float64Array ? a.data : Float64Array.from(a.data);
  requireFiniteArray(data, name);
  return { data, n, d };
}

interface ProcessAtT {
  spec: ProcessSpec;
  T: number;
  alpha: number;
  sigma: number;
  /** vp, ou: the `normal` prior is N(0, I). */
  variancePreserving: boolean;
  /** The source N(0, s² I) is the process's `normal` prior. */
  sourceScale: number;
}

function processAt(process: ProcessInput, T: number | undefined, field = 'process'): ProcessAtT {
  const spec = normalizeProcess(process, field);
  if (T !== undefined) requirePositive(T, 'T');
  const time = T ?? spec.T ?? processCoefficients(spec, []).T;
  const c = processCoefficients({ ...spec, T: time }, [time]);
  const alpha = c.alpha[0]!;
  const sigma = c.sigma[0]!;
  return { spec: { ...spec, T: time }, T: time, alpha, sigma, variancePreserving: c.variancePreserving, sourceScale: c.variancePreserving ? 1 : sigma };
}

/**
 * When the OT prior makes sense at T (documented in docs/ot-prior.md): for vp/ou the prior
 * N(0, I) must be within a factor two of the noise, σ(T)² ≥ 0.5; for every process the data's
 * signal must not dominate the noise, α(T)²·E|x|²/d ≤ σ(T)².
 */
function requireNoisyEnough(p: ProcessAtT, data: Float64Array, d: number): void {
  if (p.variancePreserving && p.sigma * p.sigma < 0.5)
    throw new InvalidArgumentError(
      `T = ${p.T} is too small for an OT prior on '${p.spec.name}': σ(T)² = ${(p.sigma * p.sigma).toPrecision(4)} < 0.5, so p_T is far from N(0, I) ` +
        'and the sampler would start in the data regime; use a larger T',
    );
  let second = 0;
  for (let i = 0; i < data.length; i++) second += data[i]! * data[i]!;
  const perCoordinate = second / (data.length / d) / d;
  const signal = p.alpha * p.alpha * perCoordinate;
  if (signal > p.sigma * p.sigma)
    throw new InvalidArgumentError(
      `T = ${p.T} is too small for an OT prior: the data signal α(T)²·E|x|²/d = ${signal.toPrecision(4)} exceeds the noise σ(T)² = ${(p.sigma * p.sigma).toPrecision(4)}; use a larger T`,
    );
}

// ---------------------------------------------------------------------------------------------
// 1. Gaussian OT map

export type GaussianSource = { mean: ArrayLike<number>; covariance: NDArray | readonly (readonly number[])[] } | { data: NDArray };

export interface GaussianOtMap {
  readonly kind: 'ot-gaussian';
  readonly d: number;
  readonly process: ProcessSpec;
  readonly T: number;
  readonly alpha: number;
  readonly sigma: number;
  /** α(T)μ */
  readonly shift: Float64Array;
  /** (α(T)²Σ + σ(T)²I)^{1/2}, d × d row-major, symmetric. */
  readonly matrix: Float64Array;
  /** μ and Σ used (estimated with divisor n − 1 when data were given). */
  readonly mean: Float64Array;
  readonly covariance: Float64Array;
  /** z ↦ shift + matrix·z for each row of z (n × d). */
  map(z: NDArray): NDArray<Float64Array>;
  /** n draws: z keyed (seed, step 0, stage otPriorStreams.priorSample), then mapped. */
  sample(options: { n: number; seed: number | bigint; firstParticle?: number }): NDArray<Float64Array>;
}

/** The `ot-gaussian` prior: the OT map from N(0, I) to N(α(T)μ, α(T)²Σ + σ(T)²I). T is `process.T` (or the default). */
export function gaussianOtMap(source: GaussianSource, process: ProcessInput): GaussianOtMap {
  if (source === null || typeof source !== 'object') throw new InvalidArgumentError('source must be { mean, covariance } or { data }');
  const p = processAt(process, undefined);
  let r: ReturnType<OtPriorBinding['otGaussianMapSync']>;
  let d: number;
  if ('data' in source && source.data !== undefined) {
    const x = float64Rows(source.data, 'data');
    if (x.n < 2) throw new InvalidArgumentError(`data must have at least 2 rows to estimate a covariance, got ${x.n}`);
    d = x.d;
    r = callNative(() => binding().otGaussianMapSync(p.alpha, p.sigma, d, null, null, x.data, x.n));
  } else if ('mean' in source && 'covariance' in source) {
    const mean = Float64Array.from(source.mean as ArrayLike<number>);
    requireFiniteArray(mean, 'mean');
    d = mean.length;
    if (d === 0) throw new InvalidArgumentError('mean must have at least one entry');
    const cov = Array.isArray(source.covariance)
      ? Float64Array.from((source.covariance as readonly (readonly number[])[]).flat())
      : Float64Array.from((source.covariance as NDArray).data);
    if (cov.length !== d * d) throw new ShapeMismatchError(`covariance has ${cov.length} entries, expected ${d} × ${d} to match mean`);
    requireFiniteArray(cov, 'covariance');
    r = callNative(() => binding().otGaussianMapSync(p.alpha, p.sigma, d, mean, cov, null, 0));
  } else throw new InvalidArgumentError('source must be { mean, covariance } or { data }');
  for (const key of ['shift', 'matrix', 'mean', 'covariance'] as const) if (r[key]) requireFiniteResult(r[key], `the Gaussian OT map's ${key}`);
  const dim = d;
  const self: GaussianOtMap = {
    kind: 'ot-gaussian',
    d: dim,
    process: p.spec,
    T: p.T,
    alpha: p.alpha,
    sigma: p.sigma,
    shift: r.shift,
    matrix: r.matrix,
    mean: r.mean,
    covariance: r.covariance,
    map(z: NDArray): NDArray<Float64Array> {
      const zz = float64Rows(z, 'z');
      if (zz.d !== dim) throw new ShapeMismatchError(`z has dimension ${zz.d}, the map has ${dim}`);
      return ndarray(callNative(() => binding().otAffineMapSync(r.shift, r.matrix, dim, zz.data, zz.n)), [zz.n, dim]);
    },
    sample({ n, seed, firstParticle }) {
      return self.map(sourceDraws(n, dim, seed, firstParticle ?? 0));
    },
  };
  return self;
}

function sourceDraws(n: number, d: number, seed: number | bigint, firstParticle: number): NDArray {
  requireInteger(n, 'n', 0, 2 ** 32 - 1);
  return normalsSync({ seed: requireSeed(seed), n, d, step: 0, stage: otPriorStreams.priorSample, firstParticle });
}

// ---------------------------------------------------------------------------------------------
// 2. Semi-discrete OT prior

export type OtPriorMethod = 'auto' | 'sgd' | 'newton';

export interface FitOtPriorOptions extends JobOptions {
  /** Training points x_i (n × d, or 1-D for d = 1). */
  data?: NDArray;
  /** …or an analytic target (exactly one of data and target): the m training points are exact
   * draws of p₀, `otPriorTrainingData(target, process, m, seed)`; `m` is then required. */
  target?: TargetSpec;
  process: ProcessInput;
  /** Horizon (default: process.T, else the process's default). */
  T?: number;
  /** Number of diffused points (cells). Default: the number of data rows. m < n: a random subset
   * (seeded); m > n: rows reused cyclically, each with its own noise. */
  m?: number;
  /** Temperature of the soft map (default 0.02), > 0. */
  tau?: number;
  /** Iteration budget (SGD iterations or Newton steps; default 5000). */
  maxIterations?: number;
  /** Tolerance on max_i |m·mass_i − 1| at 95% simultaneous confidence (default 0.01 in d = 1, 0.5 in d ≥ 2: defaultOtTolerance). */
  tolerance?: number;
  seed: number;
  /** 'auto' (default): Newton in d = 1 with m ≤ 2000 (exact masses and Hessian there), else SGD.
   * 'newton' in d ≥ 2 uses Monte Carlo masses and a gap-based Hessian, m ≤ 2000. */
  method?: OtPriorMethod;
  /** SGD source draws per iteration (default max(1024, min(m, 8192))). */
  batchSize?: number;
  /** Cap on the stopping rule's draws (default 2^24): a capped check cannot pass a tolerance tighter than its noise. */
  maxCheckDraws?: number;
  /** SGD γ₀ in units of the Jacobi step (default 1). */
  stepSize?: number;
  /** Return `converged: false` instead of throwing NotConvergedError. */
  allowNotConverged?: boolean;
}

export interface OtPriorMapOptions {
  /** The τ-smoothed (soft) map instead of the hard one. */
  soft?: boolean;
  /** Temperature for the soft map (default: the prior's tau); must be > 0. */
  tau?: number;
}

export interface OtPrior {
  readonly kind: 'ot-semidiscrete';
  /** Diffused points y_i = α(T)x_i + σ(T)ε_i, m × d. */
  readonly points: NDArray<Float64Array>;
  /** Dual weights h (centred to mean 0). */
  readonly weights: Float64Array;
  readonly tau: number;
  readonly process: ProcessSpec;
  readonly T: number;
  readonly d: number;
  readonly m: number;
  readonly alpha: number;
  readonly sigma: number;
  /** The source is N(0, sourceScale² I): 1 for vp/ou, σ(T) for ve/heat. */
  readonly sourceScale: number;
  readonly method: 'sgd' | 'newton';
  readonly seed: number;
  readonly tolerance: number;
  readonly converged: boolean;
  /** Estimated max_i |m·mass_i − 1| at the returned weights (exact in d = 1). */
  readonly maxCellMassError: number;
  readonly meanCellMassError: number;
  /** maxCellMassError + the 95% simultaneous Monte Carlo noise bound (= maxCellMassError in d = 1). */
  readonly cellMassErrorBound: number;
  readonly iterations: number;
  /** Source draws spent in fitting (iterations and checks); 0 in d = 1 Newton. */
  readonly totalDraws: number;
  /** Maps standard-normal rows z (n × d) to p_T (the source scale is applied inside). */
  map(z: NDArray, options?: OtPriorMapOptions): NDArray<Float64Array>;
  /** n draws: z keyed (seed, step 0, stage otPriorStreams.priorSample, particles firstParticle…), mapped. */
  sample(options: { n: number; seed: number | bigint; soft?: boolean; tau?: number; firstParticle?: number }): NDArray<Float64Array>;
}

interface OtPriorFields {
  points: NDArray<Float64Array>;
  weights: Float64Array;
  tau: number;
  process: ProcessSpec;
  T: number;
  alpha: number;
  sigma: number;
  sourceScale: number;
  method: 'sgd' | 'newton';
  seed: number;
  tolerance: number;
  converged: boolean;
  maxCellMassError: number;
  meanCellMassError: number;
  cellMassErrorBound: number;
  iterations: number;
  totalDraws: number;
}

function mapTau(prior: { tau: number }, options: OtPriorMapOptions | undefined): number {
  if (options?.tau !== undefined && !options.soft) throw new InvalidArgumentError('tau applies to the soft map only: pass soft: true');
  if (!options?.soft) return 0;
  const tau = options.tau ?? prior.tau;
  requireFiniteNumber(tau, 'tau');
  if (!(tau > 0)) throw new InvalidArgumentError(`tau must be > 0 for the soft map, got ${tau}`);
  return tau;
}

function makeOtPrior(f: OtPriorFields): OtPrior {
  const [m, d] = f.points.shape as [number, number];
  const self: OtPrior = {
    kind: 'ot-semidiscrete',
    ...f,
    m,
    d,
    map(z: NDArray, options?: OtPriorMapOptions): NDArray<Float64Array> {
      const zz = float64Rows(z, 'z');
      if (zz.d !== d) throw new ShapeMismatchError(`z has dimension ${zz.d}, the prior has ${d}`);
      requireAllocatable(zz.n * d, 8, 'mapped samples');
      const tau = mapTau(f, options);
      const out = callNative(() => binding().otMapSync(f.points.data, f.weights, m, d, f.sourceScale, tau, zz.data, zz.n));
      return ndarray(requireFiniteResult(out, 'the mapped samples'), [zz.n, d]);
    },
    sample({ n, seed, soft, tau, firstParticle }) {
      return self.map(sourceDraws(n, d, seed, firstParticle ?? 0), { soft, tau });
    },
  };
  return self;
}

/** The map applied on the thread pool, with progress and cancellation (for large n or m). */
export async function mapOtPrior(prior: OtPrior, z: NDArray, options: OtPriorMapOptions & JobOptions = {}): Promise<NDArray<Float64Array>> {
  const zz = float64Rows(z, 'z');
  if (zz.d !== prior.d) throw new ShapeMismatchError(`z has dimension ${zz.d}, the prior has ${prior.d}`);
  const tau = mapTau(prior, options);
  const out = await runNativeJob(
    (onProgress, token) =>
      binding().otMap(prior.points.data, prior.weights, prior.m, prior.d, prior.sourceScale, tau, zz.data, zz.n, onProgress, token),
    options,
  );
  return ndarray(requireFiniteResult(out, 'the mapped samples'), [zz.n, prior.d]);
}

/**
 * The sampler's entry point: n × d float64 starting states x_T drawn from the fitted prior
 * (z keyed (seed, 0, otPriorStreams.priorSample), particles firstParticle …), hard map unless soft.
 */
export function otPriorInitialState(prior: OtPrior, n: number, seed: number | bigint, firstParticle = 0, options?: OtPriorMapOptions): Float64Array {
  if (!isOtPrior(prior)) throw new InvalidArgumentError('prior must be a fitted OT prior (fitOtPrior or loadOtPrior)');
  let r: NDArray;
  try {
    r = prior.sample({ n, seed, firstParticle, ...options });
  } catch (e) {
    // A prior object's methods may be the caller's own: what they throw is theirs.
    if (e instanceof DW2Error) throw e;
    throw new CallbackError(`prior.sample threw: ${e instanceof Error ? e.message : typeof e}`, { cause: e });
  }
  const data = (r as { data?: unknown } | undefined)?.data;
  if (!(data instanceof Float64Array)) throw new InvalidArgumentError('prior.sample must return an NDArray of float64 states');
  return data;
}

/** A fitted prior as the native sampler evaluates it (native/sampler/priors.h TransportMapPrior). */
export interface NativeOtPrior {
  points: Float64Array;
  weights: Float64Array;
  sourceScale: number;
  /** 0: the hard map; > 0: the soft map's temperature. */
  tau: number;
}

/**
 * The sampler's form of a fitted prior: the native sampler draws each particle's z keyed
 * (seed, 0, otPriorStreams.priorSample) and maps it, giving otPriorInitialState's states.
 */
export function otPriorNative(prior: OtPrior, options?: OtPriorMapOptions): NativeOtPrior {
  return { points: prior.points.data, weights: prior.weights, sourceScale: prior.sourceScale, tau: mapTau(prior, options) };
}

/** Whether `x` is a fitted semi-discrete OT prior (from fitOtPrior or loadOtPrior). */
export function isOtPrior(x: unknown): x is OtPrior {
  if (x === null || typeof x !== 'object') return false;
  const p = x as Partial<OtPrior>;
  return p.kind === 'ot-semidiscrete' && typeof p.map === 'function' && typeof p.sample === 'function' && p.weights instanceof Float64Array;
}

const sameNumber = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Checks that a fitted prior belongs to a sampling run: same dimension, same process (name and
 * coefficients: α(T), σ(T)) and the same horizon T, so that its points are draws of this run's p_T.
 * Typed errors name `field`. `T` defaults to the process's.
 */
export function requireOtPriorMatches(prior: OtPrior, run: { process: ProcessInput; T?: number; d: number }, field = 'prior'): void {
  if (!isOtPrior(prior)) throw new InvalidArgumentError(`${field} must be a fitted OT prior (from fitOtPrior or loadOtPrior)`);
  if (prior.d !== run.d) throw new ShapeMismatchError(`${field} was fitted in dimension ${prior.d}, the sampling run has d = ${run.d}`);
  const p = processAt(run.process, run.T, 'process');
  const fitted = `${prior.process.name} at T = ${prior.T} (α = ${prior.alpha.toPrecision(6)}, σ = ${prior.sigma.toPrecision(6)})`;
  const here = `${p.spec.name} at T = ${p.T} (α = ${p.alpha.toPrecision(6)}, σ = ${p.sigma.toPrecision(6)})`;
  if (prior.process.name !== p.spec.name || !sameNumber(prior.T, p.T) || !sameNumber(prior.alpha, p.alpha) || !sameNumber(prior.sigma, p.sigma))
    throw new InvalidArgumentError(`${field} was fitted for ${fitted}, but the sampling run starts from ${here}; fit the prior for this process and T`);
}

interface PreparedFit {
  points: Float64Array;
  m: number;
  d: number;
  p: ProcessAtT;
  tau: number;
  native: NativeFitOptions;
  allowNotConverged: boolean;
  seed: number;
}

/**
 * The training points fitOtPrior({ target }) uses: m exact draws of p₀ (sampleMarginalSync at t = 0
 * with this seed). Exported so that callers can compare samples with the same points.
 */
export function otPriorTrainingData(target: TargetSpec, process: ProcessInput, m: number, seed: number | bigint): NDArray<Float64Array> {
  requireInteger(m, 'm', 1, 2 ** 31 - 1);
  return sampleMarginalSync(target, process, 0, { n: m, seed, dtype: 'float64' }) as NDArray<Float64Array>;
}

function prepareFit(o: FitOtPriorOptions): PreparedFit {
  if (o === null || typeof o !== 'object') throw new InvalidArgumentError('options must be an object');
  if ((o.data === undefined) === (o.target === undefined))
    throw new InvalidArgumentError('fitOtPrior: give exactly one of data (training points, n × d) and target (an analytic target to draw them from)');
  const seed = requireInteger(o.seed, 'seed', 0);
  let training = o.data;
  if (o.target !== undefined) {
    if (o.m === undefined) throw new InvalidArgumentError('m (the number of training points to draw from target) is required with target');
    training = otPriorTrainingData(o.target, o.process, requireInteger(o.m, 'm', 1, 2 ** 31 - 1), seed);
  }
  const x = float64Rows(training!, 'data');
  if (x.n === 0) throw new InvalidArgumentError('data has no rows');
  if (x.d === 0) throw new InvalidArgumentError('data has dimension 0');
  const m = o.m === undefined ? x.n : requireInteger(o.m, 'm', 1, 2 ** 31 - 1);
  const tau = o.tau === undefined ? 0.02 : requireFiniteNumber(o.tau, 'tau');
  if (!(tau > 0)) throw new InvalidArgumentError(`tau must be > 0 (the soft map's temperature), got ${tau}`);
  // d = 1: exact masses, Newton reaches round-off. d ≥ 2: the check certifies tol with m(2q/tol)² draws
  // (2²⁴ by default: tol = 0.01 only for m ≲ 40), and averaged SGD plateaus near 0.1–0.25 within the
  // default 5000 iterations, so 0.5 is the default there (docs/ot-prior.md: "Defaults").
  const tolerance = o.tolerance === undefined ? defaultOtTolerance(x.d) : requirePositive(o.tolerance, 'tolerance');
  const maxIterations = o.maxIterations === undefined ? 5000 : requireInteger(o.maxIterations, 'maxIterations', 1, 2 ** 32 - 2);
  const method = requireOneOf(o.method ?? 'auto', 'method', ['auto', 'sgd', 'newton'] as const);
  if (o.batchSize !== undefined) requireInteger(o.batchSize, 'batchSize', 1, 2 ** 32);
  if (o.maxCheckDraws !== undefined) requireInteger(o.maxCheckDraws, 'maxCheckDraws', 1, 2 ** 32);
  if (o.stepSize !== undefined) requirePositive(o.stepSize, 'stepSize');
  requireAllocatable(m * x.d, 8, 'diffused points');
  const p = processAt(o.process, o.T);
  requireNoisyEnough(p, x.data, x.d);

  // Training rows: all, a seeded random subset (m < n), or reused cyclically (m > n).
  const d = x.d;
  const rows = new Int32Array(m);
  if (m < x.n) {
    const keys = normalsSync({ seed, n: x.n, d: 1, stage: otPriorStreams.subset }).data;
    const order = Array.from({ length: x.n }, (_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
    for (let i = 0; i < m; i++) rows[i] = order[i]!;
  } else for (let i = 0; i < m; i++) rows[i] = i % x.n;
  const eps = normalsSync({ seed, n: m, d, stage: otPriorStreams.diffusion }).data;
  const points = new Float64Array(m * d);
  for (let i = 0; i < m; i++)
    for (let k = 0; k < d; k++) points[i * d + k] = p.alpha * x.data[rows[i]! * d + k]! + p.sigma * eps[i * d + k]!;

  // Newton is exact in d = 1; in d ≥ 2 its Monte Carlo Hessian made it slower than SGD in every
  // case measured (m = 50 and 200, d = 3), so auto picks SGD there.
  const chosen: 'sgd' | 'newton' = method === 'auto' ? (d === 1 && m <= 2000 ? 'newton' : 'sgd') : method;
  return {
    points,
    m,
    d,
    p,
    tau,
    seed,
    allowNotConverged: o.allowNotConverged === true,
    native: {
      method: chosen,
      scale: p.sourceScale,
      tolerance,
      maxIterations,
      batchSize: o.batchSize,
      maxCheckDraws: o.maxCheckDraws,
      seed,
      stepSize: o.stepSize,
    },
  };
}

function finishFit(f: PreparedFit, r: NativeFitResult): OtPrior {
  if (!r.converged && !f.allowNotConverged)
    throw new NotConvergedError(
      `the semi-discrete OT fit (${f.native.method}, m = ${f.m}, d = ${f.d}) did not reach tolerance ${f.native.tolerance} within ` +
        `${r.iterations} iterations: max relative cell-mass error ${r.maxCellMassError.toPrecision(3)}` +
        (r.exact ? ' (exact)' : `, with Monte Carlo noise bound ${r.cellMassErrorBound.toPrecision(3)} from ${r.checkDraws} check draws`) +
        '. Raise maxIterations (or maxCheckDraws), loosen tolerance, or pass allowNotConverged: true',
    );
  return makeOtPrior({
    points: ndarray(f.points, [f.m, f.d]),
    weights: r.weights,
    tau: f.tau,
    process: f.p.spec,
    T: f.p.T,
    alpha: f.p.alpha,
    sigma: f.p.sigma,
    sourceScale: f.p.sourceScale,
    method: f.native.method,
    seed: f.seed,
    tolerance: f.native.tolerance,
    converged: r.converged,
    maxCellMassError: r.maxCellMassError,
    meanCellMassError: r.meanCellMassError,
    cellMassErrorBound: r.cellMassErrorBound,
    iterations: r.iterations,
    totalDraws: r.totalDraws,
  });
}

/** Fits the semi-discrete OT prior on the thread pool (progress, cancellation by AbortSignal). */
export async function fitOtPrior(options: FitOtPriorOptions): Promise<OtPrior> {
  const f = prepareFit(options);
  const r = await runNativeJob(
    (onProgress, token) => binding().otFit(f.points, null, f.m, f.d, f.native, onProgress, token),
    options,
  );
  return finishFit(f, r);
}

/** Synchronous form (blocks the event loop: small problems and tests). */
export function fitOtPriorSync(options: Omit<FitOtPriorOptions, 'signal' | 'onProgress'>): OtPrior {
  const f = prepareFit(options);
  return finishFit(f, callNative(() => binding().otFitSync(f.points, null, f.m, f.d, f.native)));
}

// ---------------------------------------------------------------------------------------------
// Save / load: PREFIX.json (manifest), PREFIX.points.npy (m × d), PREFIX.weights.npy (m)

const manifestVersion = 1;

function prefixOf(path: string): string {
  if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError('path must be a non-empty string');
  return path.endsWith('.json') ? path.slice(0, -'.json'.length) : path;
}

/** Writes the prior as PREFIX.json + PREFIX.points.npy + PREFIX.weights.npy (PREFIX may end in .json). */
export function saveOtPrior(prior: OtPrior, path: string): { manifest: string; points: string; weights: string } {
  const prefix = prefixOf(path);
  const files = { manifest: `${prefix}.json`, points: `${prefix}.points.npy`, weights: `${prefix}.weights.npy` };
  writeNpy(files.points, prior.points);
  writeNpy(files.weights, ndarray(prior.weights, [prior.m]));
  const base = (f: string) => f.slice(f.lastIndexOf('/') + 1);
  const manifest = {
    format: 'diffusion-w2/ot-prior',
    version: manifestVersion,
    kind: prior.kind,
    points: base(files.points),
    weights: base(files.weights),
    m: prior.m,
    d: prior.d,
    tau: prior.tau,
    process: prior.process,
    T: prior.T,
    alpha: prior.alpha,
    sigma: prior.sigma,
    sourceScale: prior.sourceScale,
    method: prior.method,
    seed: prior.seed,
    tolerance: prior.tolerance,
    converged: prior.converged,
    maxCellMassError: prior.maxCellMassError,
    meanCellMassError: prior.meanCellMassError,
    cellMassErrorBound: prior.cellMassErrorBound,
    iterations: prior.iterations,
    totalDraws: prior.totalDraws,
  };
  writeFileAtomic(files.manifest, JSON.stringify(manifest, null, 2) + '\n', { makeDirectory: false });
  return files;
}

/** Reads a prior written by saveOtPrior (path: the prefix or PREFIX.json). */
export function loadOtPrior(path: string): OtPrior {
  const prefix = prefixOf(path);
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(readFileSync(`${prefix}.json`, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new InvalidArgumentError(`cannot read the OT prior manifest ${prefix}.json: ${(e as Error).message}`, { cause: e });
  }
  if (manifest.format !== 'diffusion-w2/ot-prior' || manifest.kind !== 'ot-semidiscrete')
    throw new InvalidArgumentError(`${prefix}.json is not a diffusion-w2 ot-semidiscrete prior manifest`);
  if (manifest.version !== manifestVersion) throw new UnsupportedError(`${prefix}.json has manifest version ${String(manifest.version)}, expected ${manifestVersion}`);
  const dir = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '';
  const pts = readNpy(dir + String(manifest.points));
  const w = readNpy(dir + String(manifest.weights));
  const m = requireInteger(manifest.m, 'manifest.m', 1);
  const d = requireInteger(manifest.d, 'manifest.d', 1);
  if (pts.data.length !== m * d) throw new ShapeMismatchError(`points file has ${pts.data.length} values, manifest says ${m} × ${d}`);
  if (w.data.length !== m) throw new ShapeMismatchError(`weights file has ${w.data.length} values, manifest says m = ${m}`);
  const num = (k: string) => requireFiniteNumber(manifest[k], `manifest.${k}`);
  const points = Float64Array.from(pts.data);
  const weights = Float64Array.from(w.data);
  requireFiniteArray(points, 'points');
  requireFiniteArray(weights, 'weights');
  const tau = num('tau');
  if (!(tau > 0)) throw new InvalidArgumentError(`manifest.tau must be > 0, got ${tau}`);
  return makeOtPrior({
    points: ndarray(points, [m, d]),
    weights,
    tau,
    process: normalizeProcess(manifest.process as ProcessSpec, 'manifest.process'),
    T: num('T'),
    alpha: num('alpha'),
    sigma: num('sigma'),
    sourceScale: requirePositive(manifest.sourceScale, 'manifest.sourceScale'),
    method: requireOneOf(manifest.method, 'manifest.method', ['sgd', 'newton'] as const),
    seed: requireInteger(manifest.seed, 'manifest.seed', 0),
    tolerance: num('tolerance'),
    converged: manifest.converged === true,
    maxCellMassError: num('maxCellMassError'),
    meanCellMassError: num('meanCellMassError'),
    cellMassErrorBound: num('cellMassErrorBound'),
    iterations: num('iterations'),
    totalDraws: num('totalDraws'),
  });
}

// ---------------------------------------------------------------------------------------------
// Kernels exposed for tests, benchmarks and diagnostics

/**
 * For each row z_r: argmax_i ⟨z_r, scale·y_i⟩ + h_i (ties to the lowest index), the runner-up,
 * and the gap best − second (+∞ when m = 1). Scores are summed over coordinates in order.
 */
export function laguerreArgmax(
  points: NDArray,
  weights: ArrayLike<number>,
  z: NDArray,
  options: { scale?: number } = {},
): { index: Int32Array; second: Int32Array; gap: Float64Array } {
  const y = float64Rows(points, 'points');
  const zz = float64Rows(z, 'z');
  if (zz.d !== y.d) throw new ShapeMismatchError(`z has dimension ${zz.d}, points have ${y.d}`);
  const h = Float64Array.from(weights);
  if (h.length !== y.n) throw new ShapeMismatchError(`weights has ${h.length} entries, expected m = ${y.n}`);
  if (y.n === 0) throw new InvalidArgumentError('points must have at least one row (m >= 1)');
  requireFiniteArray(h, 'weights');
  const scale = options.scale === undefined ? 1 : requirePositive(options.scale, 'scale');
  const r = callNative(() => binding().otLaguerreArgmaxSync(y.data, h, y.n, y.d, scale, zz.data, zz.n));
  // +∞ is the documented gap of a single cell; NaN means the scores overflowed.
  const bad = r.gap.findIndex((g) => Number.isNaN(g) || g === -Infinity);
  if (bad >= 0) throw new NonFiniteError(`the Laguerre scores overflow double precision at query ${bad}; rescale the points or queries`);
  return r;
}

/** Nearest point of `points` to each query row, and the Euclidean distance. */
export function nearestPoints(points: NDArray, queries: NDArray): { index: Int32Array; distance: Float64Array } {
  const y = float64Rows(points, 'points');
  const x = float64Rows(queries, 'queries');
  if (x.d !== y.d) throw new ShapeMismatchError(`queries have dimension ${x.d}, points have ${y.d}`);
  if (y.n === 0) throw new InvalidArgumentError('points must have at least one row');
  const r = callNative(() => binding().otNearestPointsSync(y.data, y.n, x.data, x.n, y.d));
  requireFiniteResult(r.distance, 'the distances');
  return r;
}

/** Monte Carlo cell masses of a prior (or any points/weights) from `draws` source points keyed (seed, 0, check stage). */
export function otCellMasses(prior: Pick<OtPrior, 'points' | 'weights' | 'sourceScale'>, options: { seed: number | bigint; draws: number }): Float64Array {
  const [m, d] = prior.points.shape as [number, number];
  requireInteger(options.draws, 'draws', 1, 2 ** 32);
  requireSyncWork(options.draws * (m + 1) * d, 'draws × (m + 1) × d', 'use fewer draws');
  return callNative(() =>
    binding().otCellMassesSync(prior.points.data, prior.weights, m, d, prior.sourceScale, requireSeed(options.seed), options.draws),
  );
}

/** The default fit tolerance on max_i |m·mass_i − 1|: 0.01 in d = 1 (exact masses), 0.5 in d ≥ 2 (Monte Carlo masses). */
export function defaultOtTolerance(d: number): number {
  return requireInteger(d, 'd', 1) === 1 ? 0.01 : 0.5;
}

/** The source draws the stopping rule uses for m cells and a tolerance: m (2q/tol)², q = Φ⁻¹(1 − 0.025/m). */
export function otCheckDraws(m: number, tolerance: number): number {
  const draws = callNative(() => binding().otCheckDraws(requireInteger(m, 'm', 1), requirePositive(tolerance, 'tolerance')));
  if (!Number.isFinite(draws)) throw new NonFiniteError(`the draws for tolerance ${tolerance} overflow double precision; use a larger tolerance`);
  return draws;
}

// ---------------------------------------------------------------------------------------------
// 3. Measured prior error

export interface DistanceSummary {
  mean: number;
  median: number;
  min: number;
  max: number;
}

function summarize(a: Float64Array): DistanceSummary {
  if (a.length === 0) return { mean: Number.NaN, median: Number.NaN, min: Number.NaN, max: Number.NaN };
  const s = Float64Array.from(a).sort();
  let sum = 0;
  for (const v of s) sum += v;
  const mid = s.length >> 1;
  return { mean: sum / s.length, median: s.length % 2 ? s[mid]! : 0.5 * (s[mid - 1]! + s[mid]!), min: s[0]!, max: s[s.length - 1]! };
}

/** Any W2 estimator: returns W2 as a number, or a result with a `w2` field (so the library's own `w2` fits). */
export type W2Function = (a: NDArray, b: NDArray) => number | { w2: number } | Promise<number | { w2: number }>;

export interface PriorErrorReport {
  n: number;
  d: number;
  soft: boolean;
  /** Mapped prior samples (the same source draws z as the `normal` samples below). */
  mapped: NDArray<Float64Array>;
  /** Samples of the process's `normal` prior N(0, s² I) from the same z. */
  normal: NDArray<Float64Array>;
  /** Distances from each mapped sample to its nearest diffused training point y_i (0 for the hard map). */
  mappedToTraining: DistanceSummary;
  /** The same for the fresh p_T samples: how far genuine p_T draws are from the y_i. */
  referenceToTraining: DistanceSummary;
  /** W2(mapped, p_T samples) and W2(normal, p_T samples): exact OT unless options.w2 says otherwise. */
  w2: { mapped: number; normal: number };
}

const exactW2Value: W2Function = async (a, b) => (await exactW2(a, b, { method: 'exact' })).w2;

/** A call into code the caller supplied: its own failure is CALLBACK_FAILED with the cause, never INTERNAL. */
function userCall<R>(what: string, f: () => R): R {
  try {
    return f();
  } catch (e) {
    if (e instanceof DW2Error) throw e;
    throw new CallbackError(`${what} threw: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

async function userCallAsync<R>(what: string, f: () => Promise<R> | R): Promise<R> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof DW2Error) throw e;
    throw new CallbackError(`${what} threw: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/**
 * The prior error, measured: maps n = rows(pT) fresh source draws through the prior, and reports
 * W2(mapped, pT) next to W2(N(0, s² I) samples from the same draws, pT), plus nearest-training-point
 * distances (a hard map only reproduces the y_i). `pT`: fresh samples of p_T (e.g. `diffuseData`
 * applied to held-out data).
 */
export async function measurePriorError(
  prior: OtPrior,
  options: { pT: NDArray; seed: number | bigint; soft?: boolean; tau?: number; w2?: W2Function },
): Promise<PriorErrorReport> {
  if (!isOtPrior(prior)) throw new InvalidArgumentError('prior must be a fitted OT prior (fitOtPrior or loadOtPrior)');
  requirePositive(prior.sourceScale, 'prior.sourceScale');
  const ref = float64Rows(options.pT, 'pT');
  if (ref.d !== prior.d) throw new ShapeMismatchError(`pT has dimension ${ref.d}, the prior has ${prior.d}`);
  const z = sourceDraws(ref.n, prior.d, options.seed, 0);
  const soft = options.soft === true;
  const mapped = userCall('prior.map', () => prior.map(z, { soft, tau: options.tau }));
  const normalData = requireFiniteResult(Float64Array.from(z.data, (v) => v * prior.sourceScale), 'the scaled source draws');
  const normal = ndarray(normalData, [ref.n, prior.d]);
  const refArray = ndarray(ref.data, [ref.n, prior.d]);
  const given = options.w2 ?? exactW2Value;
  const w2 = async (a: NDArray, b: NDArray): Promise<number> => {
    const r = await userCallAsync('options.w2', () => given(a, b));
    const value = typeof r === 'number' ? r : r?.w2;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidArgumentError('options.w2 must return W2 as a finite number (or an object with a finite w2)');
    return value;
  };
  const report: PriorErrorReport = {
    n: ref.n,
    d: prior.d,
    soft,
    mapped,
    normal,
    mappedToTraining: summarize(nearestPoints(prior.points, mapped).distance),
    referenceToTraining: summarize(nearestPoints(prior.points, refArray).distance),
    w2: { mapped: await w2(mapped, refArray), normal: await w2(normal, refArray) },
  };
  return report;
}

/**
 * Forward-diffuses data to time T: x ↦ α(T)x + σ(T)ε with ε keyed (seed, step 1, stage
 * otPriorStreams.diffusion), a stream the fit (step 0) never uses. With held-out data this gives
 * fresh p_T samples for measurePriorError.
 */
export function diffuseData(data: NDArray, process: ProcessInput, options: { T?: number; seed: number | bigint }): NDArray<Float64Array> {
  const x = float64Rows(data, 'data');
  const p = processAt(process, options.T);
  const eps = normalsSync({ seed: requireSeed(options.seed), n: x.n, d: x.d, step: 1, stage: otPriorStreams.diffusion }).data;
  const out = new Float64Array(x.n * x.d);
  for (let i = 0; i < out.length; i++) out[i] = p.alpha * x.data[i]! + p.sigma * eps[i]!;
  return ndarray(out, [x.n, x.d]);
}
