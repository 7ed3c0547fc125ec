/**
 * Analytic targets (spec §4): a Gaussian, a Gaussian mixture or an empirical data set, with
 * the exact score of every marginal p_t, its Jacobian, Laplacian, time derivative and
 * Hessian-vector products, exact draws of p_t and the moments of p₀.
 *
 * A target is a plain, serialisable spec object (`TargetSpec`) built and checked by
 * `gaussianTarget`, `gmmTarget`, `empiricalTarget` or `targetFromJson`; the native layer
 * rebuilds its kernel object from the spec on each call (one eigendecomposition per call).
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { InvalidArgumentError, ioErrorFrom, NonFiniteError, ShapeMismatchError } from './errors.js';
import { runNativeJob, type JobOptions } from './jobs.js';
import { callNative, native, type NativeCancelToken } from './native.js';
import { ndarray, type DType, type FloatArray, type NDArray } from './ndarray.js';
import { readNpy } from './npy.js';
import { normalizeProcess, type ProcessInput, type ProcessSpec } from './process.js';
import { isFloatArray, requireAllocatable, requireFiniteNumber, requireFiniteResult, requirePath, requireInteger, requireOneOf, requireSeed } from './validate.js';

/** N(mean, Σ) with Σ a full covariance (d × d, row-major) or diagonal `variances`. */
export interface GaussianTargetSpec {
  readonly type: 'gaussian';
  readonly mean: Float64Array;
  readonly covariance?: Float64Array;
  readonly variances?: Float64Array;
}

/** Σ_k w_k N(μ_k, Σ_k): means K × d, covariances K × d × d or variances K × d (row-major). */
export interface GmmTargetSpec {
  readonly type: 'gmm';
  readonly weights: Float64Array;
  readonly means: Float64Array;
  readonly covariances?: Float64Array;
  readonly variances?: Float64Array;
}

/** The empirical distribution of m points (m × d, row-major): equal weights. */
export interface EmpiricalTargetSpec {
  readonly type: 'empirical';
  readonly points: Float64Array;
  readonly d: number;
}

export type TargetSpec = GaussianTargetSpec | GmmTargetSpec | EmpiricalTargetSpec;

/** A vector: a plain array, a typed array or a 1-D NDArray. */
export type VectorInput = ArrayLike<number> | NDArray;
/** A matrix: nested rows, a 2-D NDArray, or a flat row-major array. */
export type MatrixInput = readonly (readonly number[])[] | NDArray | ArrayLike<number>;
/** A stack of matrices: nested arrays, a 3-D NDArray, or a flat row-major array. */
export type MatrixStackInput = readonly (readonly (readonly number[])[])[] | NDArray | ArrayLike<number>;

interface TargetBinding {
  targetInfo(target: TargetSpec): { d: number; scoreDefinedAtZero: boolean; scratchSize: number };
  targetEvaluate(
    target: TargetSpec,
    process: ProcessSpec,
    t: number,
    quantity: Quantity,
    x: Float64Array,
    v: Float64Array | null,
    out: Float64Array,
  ): void;
  targetSampleSync(target: TargetSpec, process: ProcessSpec, t: number, seed: number | bigint, first: number, n: number, out: FloatArray): void;
  targetSample(
    target: TargetSpec,
    process: ProcessSpec,
    t: number,
    seed: number | bigint,
    first: number,
    n: number,
    out: FloatArray,
    onProgress?: (fraction: number) => void,
    token?: NativeCancelToken,
  ): Promise<void>;
  targetMoments(target: TargetSpec): { mean: Float64Array; covariance: Float64Array };
}
const binding = () => native() as unknown as TargetBinding;

type Quantity = 'score' | 'jacobian' | 'hvp' | 'laplacian' | 'timeDerivative';

// ---------------------------------------------------------------------------------------
// Turning user input into flat float64 arrays with a shape.

interface Flat {
  data: Float64Array;
  shape: number[];
}

function isNDArray(x: unknown): x is NDArray {
  return typeof x === 'object' && x !== null && isFloatArray((x as NDArray).data) && Array.isArray((x as NDArray).shape);
}

/** Flattens nested arrays / typed arrays / NDArrays, checking that nesting is rectangular. */
function flatten(input: unknown, name: string): Flat {
  if (isNDArray(input)) return { data: Float64Array.from(input.data), shape: [...input.shape] };
  if (ArrayBuffer.isView(input) && !(input instanceof DataView)) {
    const a = input as unknown as ArrayLike<number>;
    return { data: Float64Array.from(a), shape: [a.length] };
  }
  if (!Array.isArray(input)) throw new InvalidArgumentError(`${name} must be an array, a typed array or an NDArray`);
  const shape: number[] = [];
  for (let level: unknown = input; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const values: number[] = [];
  const walk = (node: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number') throw new InvalidArgumentError(`${name}${path} must be a number, got ${typeof node}`);
      values.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth])
      throw new ShapeMismatchError(
        `${name}${path} has ${Array.isArray(node) ? node.length : 'no'} entries, expected ${shape[depth]} (arrays must be rectangular)`,
      );
    node.forEach((child, i) => walk(child, depth + 1, `${path}[${i}]`));
  };
  walk(input, 0, '');
  return { data: Float64Array.from(values), shape };
}

const product = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Accepts the expected shape, or a flat array with the same number of entries. */
function requireShape(f: Flat, expected: number[], name: string): Float64Array {
  const same = f.shape.length === expected.length && f.shape.every((s, i) => s === expected[i]);
  const flatOk = f.shape.length === 1 && f.shape[0] === product(expected);
  if (!same && !flatOk)
    throw new ShapeMismatchError(`${name} has shape [${f.shape.join(', ')}], expected [${expected.join(', ')}]`);
  requireFinite(f.data, name);
  return f.data;
}

function requireFinite(a: Float64Array, name: string): void {
  for (let i = 0; i < a.length; i++)
    if (!Number.isFinite(a[i]!)) throw new NonFiniteError(`${name} contains a non-finite value (${a[i]}) at index ${i}`);
}

function requireNonNegative(a: Float64Array, name: string): void {
  for (let i = 0; i < a.length; i++)
    if (a[i]! < 0) throw new InvalidArgumentError(`${name} must be >= 0, got ${a[i]} at index ${i}`);
}

/** Weights: finite, ≥ 0, summing to 1 within 1e-9 (relative); returned renormalised. */
function checkWeights(w: Float64Array): Float64Array {
  requireFinite(w, 'weights');
  requireNonNegative(w, 'weights');
  let sum = 0;
  for (const x of w) sum += x;
  if (!(Math.abs(sum - 1) <= 1e-9)) throw new InvalidArgumentError(`weights must sum to 1 (within 1e-9), but they sum to ${sum}`);
  return w.map((x) => x / sum);
}

// ---------------------------------------------------------------------------------------
// Constructors.

export interface GaussianTargetOptions {
  mean: VectorInput;
  /** Full covariance, d × d (symmetric positive semidefinite; singular allowed). */
  covariance?: MatrixInput;
  /** Diagonal covariance, d entries ≥ 0. */
  variances?: VectorInput;
}

/** N(mean, covariance) or N(mean, diag(variances)); checks shapes, finiteness and PSD. */
export function gaussianTarget(options: GaussianTargetOptions): GaussianTargetSpec {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('gaussianTarget needs { mean, covariance | variances }');
  const meanFlat = flatten(options.mean, 'mean');
  if (meanFlat.shape.length !== 1 || meanFlat.data.length === 0)
    throw new ShapeMismatchError(`mean must be a non-empty vector, got shape [${meanFlat.shape.join(', ')}]`);
  const mean = requireShape(meanFlat, [meanFlat.data.length], 'mean');
  const d = mean.length;
  const spec = gaussianCovariance(options.covariance, options.variances, d);
  return checked({ type: 'gaussian', mean, ...spec });
}

function gaussianCovariance(covariance: unknown, variances: unknown, d: number): { covariance?: Float64Array; variances?: Float64Array } {
  if ((covariance === undefined) === (variances === undefined))
    throw new InvalidArgumentError('give exactly one of covariance (d × d) and variances (d)');
  if (covariance !== undefined) return { covariance: requireShape(flatten(covariance, 'covariance'), [d, d], 'covariance') };
  const v = requireShape(flatten(variances, 'variances'), [d], 'variances');
  requireNonNegative(v, 'variances');
  return { variances: v };
}

export interface GmmTargetOptions {
  /** K weights, ≥ 0, summing to 1. */
  weights: VectorInput;
  /** K × d component means. */
  means: MatrixInput;
  /** K × d × d full covariances. */
  covariances?: MatrixStackInput;
  /** K × d diagonal variances. */
  variances?: MatrixInput;
}

/** Σ_k w_k N(μ_k, Σ_k); checks shapes, finiteness, weights and PSD of each Σ_k. */
export function gmmTarget(options: GmmTargetOptions): GmmTargetSpec {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('gmmTarget needs { weights, means, covariances | variances }');
  const wFlat = flatten(options.weights, 'weights');
  if (wFlat.shape.length !== 1 || wFlat.data.length === 0) throw new ShapeMismatchError('weights must be a non-empty vector');
  const weights = checkWeights(wFlat.data);
  const K = weights.length;
  const meansFlat = flatten(options.means, 'means');
  let d: number;
  if (meansFlat.shape.length === 2) d = meansFlat.shape[1]!;
  else if (meansFlat.shape.length === 1 && meansFlat.data.length % K === 0) d = meansFlat.data.length / K;
  else throw new ShapeMismatchError(`means has shape [${meansFlat.shape.join(', ')}], expected [${K}, d] (K = ${K} weights)`);
  if (d === 0) throw new ShapeMismatchError('means must have at least one column (d >= 1)');
  const means = requireShape(meansFlat, [K, d], 'means');
  if ((options.covariances === undefined) === (options.variances === undefined))
    throw new InvalidArgumentError('give exactly one of covariances (K × d × d) and variances (K × d)');
  if (options.covariances !== undefined) {
    const covariances = requireShape(flatten(options.covariances, 'covariances'), [K, d, d], 'covariances');
    return checked({ type: 'gmm', weights, means, covariances });
  }
  const variances = requireShape(flatten(options.variances, 'variances'), [K, d], 'variances');
  requireNonNegative(variances, 'variances');
  return checked({ type: 'gmm', weights, means, variances });
}

/** The empirical distribution of the rows of `points` (m × d; a 1-D array is m points in d = 1). */
export function empiricalTarget(points: NDArray | readonly (readonly number[])[]): EmpiricalTargetSpec {
  const f = flatten(points, 'points');
  if (f.shape.length > 2) throw new ShapeMismatchError(`points must be m × d, got shape [${f.shape.join(', ')}]`);
  const m = f.shape[0]!;
  const d = f.shape.length === 2 ? f.shape[1]! : 1;
  if (m === 0 || d === 0) throw new InvalidArgumentError(`points is empty (shape [${f.shape.join(', ')}]): an empirical target needs at least one point`);
  requireFinite(f.data, 'points');
  return checked({ type: 'empirical', points: f.data, d });
}

/** Runs the native checks (PSD, symmetry) and returns the spec unchanged. */
export function checked<T extends TargetSpec>(spec: T): T {
  callNative(() => binding().targetInfo(spec));
  return spec;
}

export interface TargetInfo {
  type: TargetSpec['type'];
  d: number;
  /** False when the score blows up at t = 0 (singular covariance, data points). */
  scoreDefinedAtZero: boolean;
}

/** Dimension and properties of a target (also validates a hand-built spec). */
export function targetInfo(target: TargetSpec): TargetInfo {
  requireSpec(target);
  const info = callNative(() => binding().targetInfo(target));
  return { type: target.type, d: info.d, scoreDefinedAtZero: info.scoreDefinedAtZero };
}

/**
 * The dimension a spec declares, read from the spec without building the native target (the
 * native layer checks that its arrays agree, and PSD, symmetry and weights, when it builds it).
 * A spec whose dimension cannot be read goes through the native parse, which names what is wrong.
 */
export function targetDim(target: TargetSpec): number {
  requireSpec(target);
  return declaredDim(target) ?? callNative(() => binding().targetInfo(target)).d;
}

/** The dimension a spec declares (the native layer checks that its arrays agree). */
function specDim(target: TargetSpec): number {
  requireSpec(target);
  const d = declaredDim(target);
  if (d === undefined)
    throw new InvalidArgumentError(`target is not a valid '${target.type}' spec: build it with ${target.type === 'gmm' ? 'gmmTarget' : `${target.type}Target`}`);
  return d;
}

function declaredDim(target: TargetSpec): number | undefined {
  switch (target.type) {
    case 'gaussian':
      return target.mean instanceof Float64Array && target.mean.length > 0 ? target.mean.length : undefined;
    case 'gmm': {
      if (!(target.weights instanceof Float64Array) || !(target.means instanceof Float64Array) || target.weights.length === 0) return undefined;
      const d = target.means.length / target.weights.length;
      return Number.isInteger(d) && d >= 1 ? d : undefined;
    }
    case 'empirical':
      return Number.isInteger(target.d) && target.d >= 1 ? target.d : undefined;
  }
}

function requireSpec(target: unknown): asserts target is TargetSpec {
  if (typeof target !== 'object' || target === null) throw new InvalidArgumentError('target must be a target spec (see gaussianTarget, gmmTarget, empiricalTarget)');
  requireOneOf((target as TargetSpec).type, 'target.type', ['gaussian', 'gmm', 'empirical'] as const);
}

// ---------------------------------------------------------------------------------------
// Target files for the CLI.

/**
 * A target from a parsed JSON description (paths are relative to `baseDir`):
 * `{"type":"gaussian","mean":[…],"cov":[[…]]}` (or "covariance", or "variances"),
 * `{"type":"gmm","weights":[…],"means":[[…]],"covs":[[[…]]]}` (or "covariances", or "variances"),
 * `{"type":"empirical","data":"points.npy"}` (or inline "points": [[…]]).
 */
export function targetFromJson(json: unknown, baseDir = '.'): TargetSpec {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InvalidArgumentError('a target file must hold a JSON object with a "type"');
  const o = json as Record<string, unknown>;
  const type = requireOneOf(o.type, 'type', ['gaussian', 'gmm', 'empirical'] as const);
  const pick = (...keys: string[]): unknown => {
    const present = keys.filter((k) => o[k] !== undefined);
    if (present.length > 1) throw new InvalidArgumentError(`give only one of ${present.map((k) => `"${k}"`).join(', ')}`);
    return present.length ? o[present[0]!] : undefined;
  };
  switch (type) {
    case 'gaussian':
      return gaussianTarget({
        mean: o.mean as VectorInput,
        covariance: pick('cov', 'covariance') as MatrixInput | undefined,
        variances: o.variances as VectorInput | undefined,
      });
    case 'gmm':
      return gmmTarget({
        weights: o.weights as VectorInput,
        means: o.means as MatrixInput,
        covariances: pick('covs', 'covariances') as MatrixStackInput | undefined,
        variances: o.variances as MatrixInput | undefined,
      });
    case 'empirical': {
      const data = pick('data', 'points');
      if (typeof data === 'string') return empiricalTarget(readNpy(isAbsolute(data) ? data : resolve(baseDir, data)));
      if (data === undefined) throw new InvalidArgumentError('an empirical target needs "data": "file.npy" (or inline "points")');
      return empiricalTarget(data as readonly (readonly number[])[]);
    }
  }
}

/** Reads a target JSON file (see targetFromJson); relative data paths are resolved against its folder. */
export function readTargetFile(path: string): TargetSpec {
  requirePath(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw ioErrorFrom('read target file', path, e);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InvalidArgumentError(`could not read target file ${path}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  return targetFromJson(json, dirname(resolve(path)));
}

// ---------------------------------------------------------------------------------------
// Batched evaluation.

function pointsOf(x: NDArray, d: number, name: string): { n: number; data: Float64Array } {
  if (!isNDArray(x)) throw new InvalidArgumentError(`${name} must be an NDArray (n × d)`);
  const ok = (x.shape.length === 2 && x.shape[1] === d) || (x.shape.length === 1 && d === 1);
  if (!ok) throw new ShapeMismatchError(`${name} has shape [${x.shape.join(', ')}], expected [n, ${d}]`);
  const data = x.data instanceof Float64Array ? x.data : Float64Array.from(x.data);
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) throw new NonFiniteError(`${name} contains a non-finite value at index ${i}`);
  return { n: x.shape[0]!, data };
}

function evaluate(target: TargetSpec, process: ProcessInput, t: number, x: NDArray, quantity: Quantity, v?: NDArray): NDArray<Float64Array> {
  // The native call rebuilds and checks the target (and rejects t = 0 where the score is undefined).
  const d = specDim(target);
  const p = normalizeProcess(process);
  requireFiniteNumber(t, 't');
  if (t < 0) throw new InvalidArgumentError(`t must be >= 0, got ${t}`);
  const xs = pointsOf(x, d, 'x');
  let vs: Float64Array | null = null;
  if (quantity === 'hvp') {
    const vp = pointsOf(v as NDArray, d, 'v');
    if (vp.n !== xs.n) throw new ShapeMismatchError(`v has ${vp.n} rows but x has ${xs.n}`);
    vs = vp.data;
  }
  const shape = quantity === 'jacobian' ? [xs.n, d, d] : [xs.n, d];
  requireAllocatable(product(shape), 8, quantity);
  const out = new Float64Array(product(shape));
  callNative(() => binding().targetEvaluate(target, p, t, quantity, xs.data, vs, out));
  return ndarray(requireFiniteResult(out, `the target's ${quantity}`), shape);
}

/** s(t, x) = ∇ log p_t(x) at each row of x (n × d). */
export function targetScore(target: TargetSpec, process: ProcessInput, t: number, x: NDArray): NDArray<Float64Array> {
  return evaluate(target, process, t, x, 'score');
}

/** ∇s(t, x), the Hessian of log p_t (symmetric), at each row of x: n × d × d. */
export function targetScoreJacobian(target: TargetSpec, process: ProcessInput, t: number, x: NDArray): NDArray<Float64Array> {
  return evaluate(target, process, t, x, 'jacobian');
}

/** Δs(t, x): component i is Σ_j ∂²s_i/∂x_j², at each row of x (n × d). */
export function targetLaplacian(target: TargetSpec, process: ProcessInput, t: number, x: NDArray): NDArray<Float64Array> {
  return evaluate(target, process, t, x, 'laplacian');
}

/** ∂s/∂t at fixed x, at each row of x (n × d). */
export function targetTimeDerivative(target: TargetSpec, process: ProcessInput, t: number, x: NDArray): NDArray<Float64Array> {
  return evaluate(target, process, t, x, 'timeDerivative');
}

/** (∇s(t, x_i)) v_i for each row i, without forming ∇s (n × d). */
export function targetHessianVectorProduct(target: TargetSpec, process: ProcessInput, t: number, x: NDArray, v: NDArray): NDArray<Float64Array> {
  return evaluate(target, process, t, x, 'hvp', v);
}

// ---------------------------------------------------------------------------------------
// Exact draws of p_t and moments of p₀.

export interface SampleMarginalOptions {
  /** Number of draws (rows). */
  n: number;
  seed: number | bigint;
  /** Index of the first particle (default 0): row r is particle firstParticle + r. */
  firstParticle?: number;
  dtype?: DType;
}

const u32 = 2 ** 32 - 1;

function prepareSample(target: TargetSpec, process: ProcessInput, t: number, o: SampleMarginalOptions) {
  const d = specDim(target);
  const p = normalizeProcess(process);
  requireFiniteNumber(t, 't');
  if (t < 0) throw new InvalidArgumentError(`t must be >= 0, got ${t}`);
  if (typeof o !== 'object' || o === null) throw new InvalidArgumentError('options { n, seed } are required');
  const n = requireInteger(o.n, 'n', 0, u32);
  const seed = requireSeed(o.seed);
  const first = requireInteger(o.firstParticle ?? 0, 'firstParticle', 0, u32);
  if (n > 0 && first + n - 1 > u32) throw new InvalidArgumentError('particle indices (firstParticle + n − 1) must stay below 2^32');
  const dtype = requireOneOf(o.dtype ?? 'float64', 'dtype', ['float64', 'float32'] as const);
  requireAllocatable(n * d, dtype === 'float32' ? 4 : 8, 'samples');
  const out = dtype === 'float32' ? new Float32Array(n * d) : new Float64Array(n * d);
  return { p, n, seed, first, out, d };
}

/**
 * n exact draws of p_t, x = α(t)X₀ + σ(t)Z with X₀ ~ p₀. Draw r is a pure function of
 * (seed, firstParticle + r, t): independent of batch split and thread count.
 */
export function sampleMarginalSync(target: TargetSpec, process: ProcessInput, t: number, options: SampleMarginalOptions): NDArray {
  const s = prepareSample(target, process, t, options);
  callNative(() => binding().targetSampleSync(target, s.p, t, s.seed, s.first, s.n, s.out));
  return ndarray(s.out, [s.n, s.d]);
}

/** sampleMarginalSync on the thread pool, with progress and cancellation. */
export async function sampleMarginal(
  target: TargetSpec,
  process: ProcessInput,
  t: number,
  options: SampleMarginalOptions & JobOptions,
): Promise<NDArray> {
  const s = prepareSample(target, process, t, options);
  await runNativeJob((onProgress, token) => binding().targetSample(target, s.p, t, s.seed, s.first, s.n, s.out, onProgress, token), options);
  return ndarray(s.out, [s.n, s.d]);
}

/** Mean (d) and covariance (d × d) of p₀. */
export function targetMoments(target: TargetSpec): { mean: Float64Array; covariance: NDArray<Float64Array> } {
  requireSpec(target);
  const m = callNative(() => binding().targetMoments(target));
  requireFiniteResult(m.mean, 'the target mean');
  requireFiniteResult(m.covariance, 'the target covariance');
  return { mean: m.mean, covariance: ndarray(m.covariance, [m.mean.length, m.mean.length]) };
}
