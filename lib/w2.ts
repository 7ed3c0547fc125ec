/**
 * Wasserstein-2 distances between point clouds (squared-Euclidean ground cost).
 *
 * - `method: 'exact'` (default): the optimal value of the transport linear program, to
 *   float64 round-off, with dual potentials and a checked optimality certificate.
 *   Duplicated points are collapsed exactly into weighted atoms (network simplex on the
 *   atoms, plan expanded back). Uniform weights and n = m: an assignment problem
 *   (ε-scaling auction, certified, finished by shortest augmenting paths when the
 *   certificate misses the tolerance). Otherwise: a transportation network simplex.
 *   Never an unchecked approximation.
 * - `method: '1d'`: exact for d = 1, by sorting (quantile coupling), also certified.
 * - `method: 'gaussian'`: W2 between the Gaussians with the clouds' means and
 *   covariances (Bures formula): a LOWER BOUND on the exact value (Gelbrich), not W2.
 * - `method: 'sliced'`: sliced W2 by random projections: an APPROXIMATION of a different,
 *   smaller quantity (sliced W2 ≤ W2), with a Monte Carlo standard error.
 */
import { resolveDevice, type Device } from './device.js';
import { InvalidArgumentError, NonFiniteError, NotConvergedError, ShapeMismatchError, UnsupportedError } from './errors.js';
import { runNativeJob, type JobOptions } from './jobs.js';
import { callNative, native, type NativeCancelToken } from './native.js';
import { asPoints, ndarray, type FloatArray, type NDArray } from './ndarray.js';
import { isFloatArray, requireAllocatable, requireFiniteArray, requireFiniteNumber, requireOneOf, requirePositive, requireSeed } from './validate.js';

export type W2Method = 'exact' | '1d' | 'gaussian' | 'sliced';
export type ExactSolver = 'auto' | 'auction' | 'shortest-path' | 'network-simplex' | 'sparse';
/** `exact`: certified optimum; `lower-bound`: Gelbrich bound; `approximation`: sliced W2. */
export type W2Kind = 'exact' | 'lower-bound' | 'approximation';

export interface W2Options extends JobOptions {
  method?: W2Method;
  /** Dimension of the points when `a` and `b` are flat arrays (n·d values, row-major); default 1. */
  d?: number;
  /** Non-negative weights of the points of `a` (default uniform). When both sides have weights their totals must agree to relative 1e-6; each side is then renormalised to total 1. */
  weightsA?: ArrayLike<number>;
  weightsB?: ArrayLike<number>;
  /** Exact solver. 'auto' (default): duplicated points collapsed into atoms when that shrinks the problem 4×; else for uniform n = m a short shortest-path probe (d ≤ 8, wins on tie-heavy grids), then the auction; network simplex otherwise; d = 2 with uniform n = m ≥ 20 000: 'sparse' (k-nearest-neighbour candidate pairs proven optimal over all pairs by the certificate, missing pairs added until it holds; falls back to the auction when they do not certify). `result.solver` says what ran. */
  solver?: ExactSolver;
  /** Memory the exact solver may use (default 1 GiB). A dense n × m cost matrix (8nm bytes) is built only when it fits; otherwise costs are computed on the fly. */
  memoryBudgetBytes?: number;
  /** Exact: the certificate bound is accepted up to tolerance · W2² + round-off (default 1e-13). */
  tolerance?: number;
  /** Exact: cap on auction bids / simplex pivots (default automatic and generous). Reaching the simplex cap is an error (NOT_CONVERGED); an exhausted auction is finished exactly by shortest paths. */
  maxIterations?: number;
  /** Exact auction: candidate columns kept per row (default: n/64 clamped to [64, 192] for d ≤ 3, else 24). */
  listSize?: number;
  /** Sliced: number of random directions (default 256). */
  projections?: number;
  /** Sliced: seed of the Philox directions (default 0). */
  seed?: number | bigint;
  /**
   * Exact W2 between uniform clouds with n = m: 'cpu' (default), 'cuda' (the auction on an NVIDIA
   * GPU, certified on the CPU exactly like the CPU solver) or 'auto' (the GPU when usable and the
   * options are supported there, else the CPU).
   */
  device?: Device;
}

export interface SparsePlan {
  /** Entry k moves mass[k] from a[rows[k]] to b[cols[k]]; masses sum to 1. */
  rows: Int32Array;
  cols: Int32Array;
  mass: Float64Array;
}

export interface Potentials {
  /** u_i + v_j ≤ |a_i − b_j|² for all pairs; Σ wa_i u_i + Σ wb_j v_j = W2² at the optimum. */
  u: Float64Array;
  v: Float64Array;
}

export interface W2Certificate {
  /** Σ π_ij |a_i − b_j|² of the plan. */
  primal: number;
  /** Σ wa_i u_i + Σ wb_j v_j. */
  dual: number;
  primalDualGap: number;
  /** max over all pairs of u_i + v_j − |a_i − b_j|² (≤ 0 up to round-off when the potentials are feasible). */
  maxViolation: number;
  /** The pair attaining maxViolation. */
  worstPair: [number, number];
  /** Largest deviation of the plan's row/column sums from the weights. */
  marginalError: number;
  /** max(0, primalDualGap) + max(0, maxViolation): primal − optimum ≤ bound. */
  bound: number;
}

export interface W2Result {
  method: W2Method;
  kind: W2Kind;
  /** True only for certified optimal values of the transport problem (methods 'exact' and '1d'). */
  exact: boolean;
  w2: number;
  w2sq: number;
  n: number;
  m: number;
  d: number;
  /** What computed the value: 'auction', 'auction+shortest-path', 'shortest-path', 'network-simplex', 'atoms+network-simplex' (duplicates collapsed), 'sparse-auction' (d = 2 candidate sets), 'sort', 'bures', 'sliced'. */
  solver: string;
  /** Uniform weights and n = m: b-index matched to each a-point (the plan is this permutation with masses 1/n). */
  permutation?: Int32Array;
  plan?: SparsePlan;
  potentials?: Potentials;
  /** Checked bound on w2sq − (true optimum); exact methods only. */
  gap?: number;
  certificate?: W2Certificate & { tolerance: number; certified: boolean };
  /** Sliced: Monte Carlo standard error of w2sq. */
  stdError?: number;
  /** Gaussian: |m_a − m_b|² and the Bures term. */
  meanTerm?: number;
  buresTerm?: number;
  stats?: Record<string, number | boolean>;
}

interface NativeCertificate extends W2Certificate {}
interface NativePlanResult {
  w2sq: number;
  plan: SparsePlan;
  u: Float64Array;
  v: Float64Array;
  certificate: NativeCertificate;
}
interface NativeExactResult extends NativePlanResult {
  solver: string;
  assignment: boolean;
  permutation?: Int32Array;
  tolerance: number;
  certified: boolean;
  dense: boolean;
  workingBytes: number;
  stats: Record<string, number | boolean>;
}
interface NativeExactOptions {
  solver?: ExactSolver;
  memoryBudgetBytes?: number;
  tolerance?: number;
  listSize?: number;
  maxIterations?: number;
}
type W = Float64Array | undefined;
type Progress = ((f: number) => void) | undefined;

/** Two clouds as native/binding/ot_binding.cc reads them: a (n × d) and b (m × d), optional weights. */
interface NativeClouds {
  a: Float64Array;
  n: number;
  b: Float64Array;
  m: number;
  d: number;
  weightsA?: Float64Array;
  weightsB?: Float64Array;
}
type ExactCall = NativeClouds & NativeExactOptions;
type SlicedCall = NativeClouds & { projections: number; seed: number | bigint };
type CertifyCall = NativeClouds & { u: Float64Array; v: Float64Array; rows: Int32Array; cols: Int32Array; mass: Float64Array };
type MatrixCall = { costs: Float64Array; n: number; m: number; weightsA?: Float64Array; weightsB?: Float64Array } & NativeExactOptions;
type Sliced = { w2sq: number; stdError: number };

/** The native functions of native/binding/ot_binding.cc: one options object each (async forms: then onProgress, token). */
interface OtBinding {
  otExactSync(o: ExactCall): NativeExactResult;
  otExact(o: ExactCall, p: Progress, t: NativeCancelToken): Promise<NativeExactResult>;
  otOneDimSync(o: Omit<NativeClouds, 'd'>): NativePlanResult;
  otOneDim(o: Omit<NativeClouds, 'd'>, p: Progress, t: NativeCancelToken): Promise<NativePlanResult>;
  otSlicedSync(o: SlicedCall): Sliced;
  otSliced(o: SlicedCall, p: Progress, t: NativeCancelToken): Promise<Sliced>;
  otCertifySync(o: CertifyCall): NativeCertificate;
  otCertify(o: CertifyCall, p: Progress, t: NativeCancelToken): Promise<NativeCertificate>;
  otGaussianW2(o: { mean1: Float64Array; cov1: Float64Array; mean2: Float64Array; cov2: Float64Array; d: number }): { w2sq: number; meanTerm: number; buresTerm: number };
  otMoments(o: { x: Float64Array; n: number; d: number; weights?: Float64Array }): { mean: Float64Array; cov: Float64Array };
  otExactMatrixSync(o: MatrixCall): NativeExactResult;
  otExactMatrix(o: MatrixCall, p: Progress, t: NativeCancelToken): Promise<NativeExactResult>;
  w2AuctionCudaSync(o: ExactCall): NativeExactResult;
  w2AuctionCuda(o: ExactCall, p: Progress, t: NativeCancelToken): Promise<NativeExactResult>;
}

const ot = (): OtBinding => native() as unknown as OtBinding;

// ---------------------------------------------------------------------------
// Validation and conversion

interface Cloud {
  data: Float64Array;
  n: number;
  d: number;
}

/**
 * Points: an NDArray (n × d, or 1-D: n points in d = 1), nested rows `[[x, y], …]` (what
 * `empiricalTarget` takes), or a flat array (typed or plain) read as n × `d` row-major
 * (`d` from the options, default 1).
 */
export type PointsInput = NDArray | readonly (readonly number[])[] | ArrayLike<number>;

function isNDArrayInput(a: unknown): a is NDArray {
  return a !== null && typeof a === 'object' && isFloatArray((a as NDArray).data) && Array.isArray((a as NDArray).shape);
}

/** Nested rows, validated rectangular with numeric entries. */
function fromNestedRows(rows: readonly (readonly number[])[], name: string): { data: Float64Array; n: number; d: number } {
  const n = rows.length;
  const d = rows[0]!.length;
  requireAllocatable(n * d, 8, name);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (!Array.isArray(r) || r.length !== d)
      throw new ShapeMismatchError(`${name}[${i}] has ${Array.isArray(r) ? r.length : 'no'} entries, expected ${d} (rows must have equal lengths)`);
    for (let k = 0; k < d; k++) {
      const x = r[k];
      if (typeof x !== 'number') throw new InvalidArgumentError(`${name}[${i}][${k}] must be a number, got ${typeof x}`);
      data[i * d + k] = x;
    }
  }
  return { data, n, d };
}

/** A flat array read as n × d. */
function fromFlat(x: ArrayLike<number>, d: number, name: string): { data: Float64Array; n: number; d: number } {
  if (x.length % d !== 0) throw new ShapeMismatchError(`${name} has ${x.length} values, not a multiple of d = ${d}`);
  requireAllocatable(x.length, 8, name);
  const data = Float64Array.from(x);
  for (let k = 0; k < data.length; k++)
    if (Number.isNaN(data[k]!) && typeof x[k] !== 'number') throw new InvalidArgumentError(`${name}[${k}] must be a number, got ${typeof x[k]}`);
  return { data, n: x.length / d, d };
}

/** A fresh float64 copy (float32 input is upcast), validated finite. */
function toCloud(a: PointsInput, name: string, dim?: number): Cloud {
  if (dim !== undefined && (!Number.isInteger(dim) || dim < 1)) throw new InvalidArgumentError(`d must be a positive integer, got ${String(dim)}`);
  let c: Cloud;
  if (isNDArrayInput(a)) {
    const { n, d } = asPoints(a, name);
    if (n * d !== a.data.length) throw new ShapeMismatchError(`${name} has ${a.data.length} elements but shape [${a.shape.join(', ')}]`);
    requireAllocatable(n * d, 8, name);
    c = a.shape.length === 1 && dim !== undefined ? fromFlat(a.data, dim, name) : { data: Float64Array.from(a.data), n, d };
    if (dim !== undefined && c.d !== dim) throw new ShapeMismatchError(`${name} has points of dimension ${c.d}, but d = ${dim} was given`);
  } else if (Array.isArray(a) && a.length > 0 && Array.isArray(a[0])) {
    c = fromNestedRows(a as readonly (readonly number[])[], name);
    if (dim !== undefined && c.d !== dim) throw new ShapeMismatchError(`${name} has points of dimension ${c.d}, but d = ${dim} was given`);
  } else if (a !== null && typeof a === 'object' && typeof (a as ArrayLike<number>).length === 'number' && !(a instanceof DataView)) {
    c = fromFlat(a as ArrayLike<number>, dim ?? 1, name);
  } else {
    throw new InvalidArgumentError(`${name} must be an NDArray, nested rows [[x, y], …] or a flat array of numbers (with d)`);
  }
  if (c.n === 0) throw new InvalidArgumentError(`${name} is empty (0 points): W2 needs at least one point on each side`);
  if (c.d === 0) throw new InvalidArgumentError(`${name} has points of dimension 0`);
  requireFiniteArray(c.data, name);
  return c;
}

function toClouds(a: PointsInput, b: PointsInput, d?: number): [Cloud, Cloud] {
  const A = toCloud(a, 'a', d);
  const B = toCloud(b, 'b', d);
  if (A.d !== B.d) throw new ShapeMismatchError(`point dimensions differ: a is ${A.n} × ${A.d}, b is ${B.n} × ${B.d}`);
  return [A, B];
}

/** Relative tolerance on the agreement of the two weight totals. */
export const weightTotalTolerance = 1e-6;

function toWeights(w: ArrayLike<number> | undefined, n: number, name: string): Float64Array | undefined {
  if (w === undefined || w === null) return undefined;
  if (typeof w !== 'object' || typeof (w as ArrayLike<number>).length !== 'number')
    throw new InvalidArgumentError(`${name} must be an array of numbers`);
  if (w.length !== n) throw new ShapeMismatchError(`${name} has ${w.length} entries for a cloud of ${n} points`);
  const out = Float64Array.from(w as ArrayLike<number>);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = out[i]!;
    if (!Number.isFinite(x)) throw new NonFiniteError(`${name} contains a non-finite value (${x}) at index ${i}`);
    if (x < 0) throw new InvalidArgumentError(`${name} must be non-negative, got ${x} at index ${i}`);
    total += x;
  }
  if (!(total > 0)) throw new InvalidArgumentError(`${name} must have a positive total, got ${total}`);
  return out;
}

/** Both weight vectors given: their totals must agree. One given: the uniform side takes its total. */
function checkTotals(wa: Float64Array | undefined, wb: Float64Array | undefined): void {
  if (!wa || !wb) return;
  const ta = wa.reduce((s, x) => s + x, 0);
  const tb = wb.reduce((s, x) => s + x, 0);
  if (Math.abs(ta - tb) > weightTotalTolerance * Math.max(ta, tb))
    throw new InvalidArgumentError(`weight totals differ: weightsA sum to ${ta}, weightsB to ${tb}; they must agree to relative ${weightTotalTolerance}`);
}

function sqrt0(x: number): number {
  return Math.sqrt(Math.max(0, x));
}

function fromPlanResult(r: NativePlanResult, wa: W, wb: W, n: number, m: number) {
  // A permutation when the plan is a uniform n = n matching.
  let permutation: Int32Array | undefined;
  if (n === m && wa === undefined && wb === undefined && r.plan.rows.length === n) {
    permutation = new Int32Array(n).fill(-1);
    for (let k = 0; k < n; k++) permutation[r.plan.rows[k]!] = r.plan.cols[k]!;
    if (permutation.includes(-1)) permutation = undefined;
  }
  return permutation;
}

interface Prepared {
  method: W2Method;
  A: Cloud;
  B: Cloud;
  wa: W;
  wb: W;
  exactOptions: NativeExactOptions;
  projections: number;
  seed: number | bigint;
  device: 'cpu' | 'cuda';
}

/** The two clouds of a prepared call, as the native reader takes them. */
function nativeClouds(p: Pick<Prepared, 'A' | 'B' | 'wa' | 'wb'>): NativeClouds {
  return { a: p.A.data, n: p.A.n, b: p.B.data, m: p.B.n, d: p.A.d, weightsA: p.wa, weightsB: p.wb };
}

function certifyCall(x: ReturnType<typeof certifyArgs>): CertifyCall {
  return { ...nativeClouds(x), u: x.u, v: x.v, rows: x.rows, cols: x.cols, mass: x.mass };
}

/** Why these options cannot run on the GPU (naming the option), or undefined when they can. */
function cudaUnsupported(method: W2Method, solver: ExactSolver, A: Cloud, B: Cloud, wa: W, wb: W): string | undefined {
  if (method !== 'exact') return `method '${method}' (only the exact auction runs on the GPU)`;
  if (wa !== undefined) return 'weightsA (weighted W2: the GPU solves uniform assignment problems only)';
  if (wb !== undefined) return 'weightsB (weighted W2: the GPU solves uniform assignment problems only)';
  if (A.n !== B.n) return `clouds of different sizes (n = ${A.n}, m = ${B.n}: the GPU solves assignment problems only)`;
  if (solver !== 'auto' && solver !== 'auction') return `solver '${solver}' (the GPU runs the auction)`;
  return undefined;
}

function chooseDevice(device: Device | undefined, why: string | undefined): 'cpu' | 'cuda' {
  const requested = requireOneOf(device ?? 'cpu', 'device', ['cpu', 'cuda', 'auto'] as const);
  if (requested === 'cpu') return 'cpu';
  if (requested === 'auto') return why === undefined ? resolveDevice('auto') : 'cpu';
  if (why !== undefined) throw new UnsupportedError(`device 'cuda' does not support ${why}; use device 'cpu' or 'auto'`);
  return resolveDevice('cuda');
}

/** The options every exact solve shares: memory budget, certificate tolerance, iteration cap. */
function solveLimits(options: Pick<W2Options, 'memoryBudgetBytes' | 'tolerance' | 'maxIterations'>): NativeExactOptions {
  const o: NativeExactOptions = {};
  if (options.memoryBudgetBytes !== undefined) o.memoryBudgetBytes = requirePositive(options.memoryBudgetBytes, 'memoryBudgetBytes');
  if (options.tolerance !== undefined) {
    const t = options.tolerance;
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) throw new InvalidArgumentError(`tolerance must be a finite number >= 0, got ${String(t)}`);
    o.tolerance = t;
  }
  if (options.maxIterations !== undefined) {
    const t = options.maxIterations;
    if (!Number.isInteger(t) || t < 1) throw new InvalidArgumentError(`maxIterations must be a positive integer, got ${String(t)}`);
    o.maxIterations = t;
  }
  return o;
}

function prepare(a: PointsInput, b: PointsInput, options: W2Options): Prepared {
  const method = requireOneOf(options.method ?? 'exact', 'method', ['exact', '1d', 'gaussian', 'sliced'] as const);
  const [A, B] = toClouds(a, b, options.d);
  const wa = toWeights(options.weightsA, A.n, 'weightsA');
  const wb = toWeights(options.weightsB, B.n, 'weightsB');
  checkTotals(wa, wb);
  if (method === '1d' && A.d !== 1) throw new ShapeMismatchError(`method '1d' needs d = 1, got d = ${A.d}`);
  const exactOptions: NativeExactOptions = {
    solver: requireOneOf(options.solver ?? 'auto', 'solver', ['auto', 'auction', 'shortest-path', 'network-simplex', 'sparse'] as const),
    ...solveLimits(options),
  };
  if (options.listSize !== undefined) {
    const t = options.listSize;
    if (!Number.isInteger(t) || t < 2 || t > 4096) throw new InvalidArgumentError(`listSize must be an integer in [2, 4096], got ${String(t)}`);
    exactOptions.listSize = t;
  }
  const projections = options.projections ?? 256;
  if (!Number.isInteger(projections) || projections < 1 || projections > 2 ** 24)
    throw new InvalidArgumentError(`projections must be an integer in [1, 2^24], got ${String(projections)}`);
  const seed = requireSeed(options.seed ?? 0);
  const device = chooseDevice(options.device, cudaUnsupported(method, exactOptions.solver ?? 'auto', A, B, wa, wb));
  return { method, A, B, wa, wb, exactOptions, projections, seed, device };
}

/** What every exact solve returns besides its value: solver, plan, potentials and certificate. */
function solutionParts(r: NativeExactResult) {
  const { tolerance, certified } = r;
  return {
    solver: r.solver,
    ...(r.permutation ? { permutation: r.permutation } : {}),
    plan: r.plan,
    potentials: { u: r.u, v: r.v },
    gap: r.certificate.bound,
    certificate: { ...r.certificate, tolerance, certified },
  };
}

function exactResult(p: Prepared, r: NativeExactResult): W2Result {
  const { A, B } = p;
  return {
    method: 'exact',
    kind: 'exact',
    exact: true,
    w2: sqrt0(r.w2sq),
    w2sq: r.w2sq,
    n: A.n,
    m: B.n,
    d: A.d,
    ...solutionParts(r),
    stats: { ...r.stats, dense: r.dense, workingBytes: r.workingBytes },
  };
}

function oneDimResult(p: Prepared, r: NativePlanResult): W2Result {
  const { A, B } = p;
  const scale = Math.max(...[A.data, B.data].map((x) => x.reduce((s, t) => Math.max(s, Math.abs(t)), 0))) ** 2;
  const tolerance = Math.min(Number.MAX_VALUE, 1e-13 * r.w2sq + 64 * Number.EPSILON * (4 * scale + 1e-300));
  const permutation = fromPlanResult(r, p.wa, p.wb, A.n, B.n);
  return {
    method: '1d',
    kind: 'exact',
    exact: true,
    w2: sqrt0(r.w2sq),
    w2sq: r.w2sq,
    n: A.n,
    m: B.n,
    d: 1,
    solver: 'sort',
    ...(permutation ? { permutation } : {}),
    plan: r.plan,
    potentials: { u: r.u, v: r.v },
    gap: r.certificate.bound,
    certificate: { ...r.certificate, tolerance, certified: r.certificate.bound <= tolerance },
  };
}

function slicedResult(p: Prepared, r: { w2sq: number; stdError: number }): W2Result {
  return {
    method: 'sliced',
    kind: 'approximation',
    exact: false,
    w2: sqrt0(r.w2sq),
    w2sq: r.w2sq,
    n: p.A.n,
    m: p.B.n,
    d: p.A.d,
    solver: 'sliced',
    stdError: r.stdError,
    stats: { projections: p.projections },
  };
}

function gaussianResult(p: Prepared): W2Result {
  const ma = callNative(() => ot().otMoments({ x: p.A.data, n: p.A.n, d: p.A.d, weights: p.wa }));
  const mb = callNative(() => ot().otMoments({ x: p.B.data, n: p.B.n, d: p.B.d, weights: p.wb }));
  const g = callNative(() => ot().otGaussianW2({ mean1: ma.mean, cov1: ma.cov, mean2: mb.mean, cov2: mb.cov, d: p.A.d }));
  return {
    method: 'gaussian',
    kind: 'lower-bound',
    exact: false,
    w2: sqrt0(g.w2sq),
    w2sq: g.w2sq,
    n: p.A.n,
    m: p.B.n,
    d: p.A.d,
    solver: 'bures',
    meanTerm: g.meanTerm,
    buresTerm: g.buresTerm,
  };
}

/**
 * W2 between two point clouds, synchronously (blocks the event loop; prefer `w2` for
 * large problems). `a`: n × d (or 1-D: d = 1), `b`: m × d; float32 is upcast to float64.
 */
export function w2Sync(a: PointsInput, b: PointsInput, options: W2Options = {}): W2Result {
  const p = prepare(a, b, options);
  const clouds = nativeClouds(p);
  switch (p.method) {
    case 'exact': {
      const call = { ...clouds, ...p.exactOptions };
      if (p.device === 'cuda') return exactResult(p, callNative(() => ot().w2AuctionCudaSync(call)));
      return exactResult(p, callNative(() => ot().otExactSync(call)));
    }
    case '1d':
      return oneDimResult(p, callNative(() => ot().otOneDimSync(clouds)));
    case 'sliced':
      return slicedResult(p, callNative(() => ot().otSlicedSync({ ...clouds, projections: p.projections, seed: p.seed })));
    case 'gaussian':
      return gaussianResult(p);
  }
}

/** W2 between two point clouds on the thread pool, with `onProgress` and `signal` (AbortError). */
export async function w2(a: PointsInput, b: PointsInput, options: W2Options = {}): Promise<W2Result> {
  const p = prepare(a, b, options);
  const clouds = nativeClouds(p);
  switch (p.method) {
    case 'exact': {
      const solve = p.device === 'cuda' ? ot().w2AuctionCuda : ot().otExact;
      const call = { ...clouds, ...p.exactOptions };
      return exactResult(p, await runNativeJob((onProgress, token) => solve(call, onProgress, token), options));
    }
    case '1d':
      return oneDimResult(p, await runNativeJob((onProgress, token) => ot().otOneDim(clouds, onProgress, token), options));
    case 'sliced': {
      const call = { ...clouds, projections: p.projections, seed: p.seed };
      return slicedResult(p, await runNativeJob((onProgress, token) => ot().otSliced(call, onProgress, token), options));
    }
    case 'gaussian':
      return runNativeJob(async () => gaussianResult(p), options);
  }
}

// ---------------------------------------------------------------------------
// Certificates

export interface CertificateCheck extends W2Certificate {
  /** |primal − result.w2sq|: the reported value is the plan's cost. */
  valueError: number;
  /** The tolerance the check used. */
  tolerance: number;
  /** bound ≤ tolerance and valueError ≤ tolerance. */
  ok: boolean;
}

function certifyArgs(
  a: PointsInput,
  b: PointsInput,
  result: Pick<W2Result, 'plan' | 'permutation' | 'potentials'>,
  options: { weightsA?: ArrayLike<number>; weightsB?: ArrayLike<number>; d?: number },
) {
  const [A, B] = toClouds(a, b, options.d);
  const wa = toWeights(options.weightsA, A.n, 'weightsA');
  const wb = toWeights(options.weightsB, B.n, 'weightsB');
  checkTotals(wa, wb);
  const pot = result?.potentials;
  if (!pot || !isFloatArray(pot.u) || !isFloatArray(pot.v)) throw new InvalidArgumentError('result.potentials { u, v } are required to check a certificate');
  let plan = result.plan;
  if (!plan) {
    const perm = result.permutation;
    if (!perm) throw new InvalidArgumentError('result.plan or result.permutation is required to check a certificate');
    if (perm.length !== A.n) throw new ShapeMismatchError(`permutation has ${perm.length} entries for ${A.n} points`);
    plan = { rows: Int32Array.from(perm, (_, i) => i), cols: Int32Array.from(perm), mass: new Float64Array(A.n).fill(1 / A.n) };
  }
  const asI32 = (x: ArrayLike<number>, name: string) => {
    if (x instanceof Int32Array) return x;
    const out = Int32Array.from(x);
    for (let k = 0; k < x.length; k++) if (out[k] !== x[k]) throw new InvalidArgumentError(`plan ${name}[${k}] = ${x[k]} is not an index`);
    return out;
  };
  return {
    A,
    B,
    wa,
    wb,
    u: Float64Array.from(pot.u),
    v: Float64Array.from(pot.v),
    rows: asI32(plan.rows, 'rows'),
    cols: asI32(plan.cols, 'cols'),
    mass: Float64Array.from(plan.mass),
  };
}

function checked(c: NativeCertificate, result: Pick<W2Result, 'w2sq' | 'certificate'>, tolerance?: number): CertificateCheck {
  const tol = tolerance ?? result.certificate?.tolerance ?? 1e-12 * Math.abs(result.w2sq);
  const valueError = Math.abs(c.primal - result.w2sq);
  return { ...c, valueError, tolerance: tol, ok: c.bound <= tol && valueError <= tol };
}

export interface CheckOptions {
  /** Dimension of the points when they are given as flat arrays (as in W2Options). */
  d?: number;
  weightsA?: ArrayLike<number>;
  weightsB?: ArrayLike<number>;
  /** Accepted bound (default: the result's own tolerance). */
  tolerance?: number;
}

/**
 * Recomputes a result's certificate from the coordinates alone: the plan's cost, the
 * dual objective of its potentials, and their feasibility over all n·m pairs
 * (O(n m d) work). `result` needs `w2sq`, `potentials` and `plan` or `permutation`.
 */
export function checkCertificate(a: PointsInput, b: PointsInput, result: Pick<W2Result, 'w2sq' | 'plan' | 'permutation' | 'potentials' | 'certificate'>, options: CheckOptions = {}): CertificateCheck {
  requireFiniteNumber((result as { w2sq?: unknown } | null)?.w2sq, 'result.w2sq');
  const x = certifyArgs(a, b, result, options);
  const c = callNative(() => ot().otCertifySync(certifyCall(x)));
  return checked(c, result, options.tolerance);
}

/** `checkCertificate` on the thread pool. */
export async function checkCertificateAsync(
  a: PointsInput,
  b: PointsInput,
  result: Pick<W2Result, 'w2sq' | 'plan' | 'permutation' | 'potentials' | 'certificate'>,
  options: CheckOptions & JobOptions = {},
): Promise<CertificateCheck> {
  requireFiniteNumber((result as { w2sq?: unknown } | null)?.w2sq, 'result.w2sq');
  const x = certifyArgs(a, b, result, options);
  const call = certifyCall(x);
  const c = await runNativeJob((onProgress, token) => ot().otCertify(call, onProgress, token), options);
  return checked(c, result, options.tolerance);
}

// ---------------------------------------------------------------------------
// Exact optimal transport for a given cost matrix

export interface ExactOtOptions extends JobOptions {
  /** Non-negative weights of the rows / columns (default uniform); as in `W2Options`. */
  weightsA?: ArrayLike<number>;
  weightsB?: ArrayLike<number>;
  /** The certificate bound is accepted up to tolerance · |cost| + round-off (default 1e-13). */
  tolerance?: number;
  /** Cap on simplex pivots (default automatic and generous); reaching it is NOT_CONVERGED. */
  maxIterations?: number;
  /** Memory the solve may use (default 1 GiB); the matrix and a copy take 16 n m bytes. */
  memoryBudgetBytes?: number;
}

export interface ExactOtResult {
  /** The optimal total cost Σ π_ij M_ij of a plan whose masses sum to 1. */
  cost: number;
  n: number;
  m: number;
  solver: string;
  /** Uniform weights and n = m: the column matched to each row. */
  permutation?: Int32Array;
  plan: SparsePlan;
  /** u_i + v_j ≤ M_ij for all pairs; Σ wa_i u_i + Σ wb_j v_j = cost at the optimum. */
  potentials: Potentials;
  /** Checked bound on cost − (true optimum). */
  gap: number;
  certificate: W2Certificate & { tolerance: number; certified: boolean };
  stats: Record<string, number | boolean>;
}

/** A cost matrix: an n × m NDArray or nested rows; or flat (row-major) with n and m given. */
export type CostMatrixInput = NDArray | readonly (readonly number[])[] | ArrayLike<number>;

function toCostMatrix(M: CostMatrixInput, shape?: [number, number]): { data: Float64Array; n: number; m: number } {
  if (isNDArrayInput(M)) {
    if (M.shape.length !== 2) throw new ShapeMismatchError(`costs must be a 2-D (n × m) array, got shape [${M.shape.join(', ')}]`);
    const c = toCloud(M, 'costs');
    return { data: c.data, n: c.n, m: c.d };
  }
  if (Array.isArray(M) && M.length > 0 && Array.isArray(M[0])) {
    const c = toCloud(M as readonly (readonly number[])[], 'costs');
    return { data: c.data, n: c.n, m: c.d };
  }
  if (!shape) throw new InvalidArgumentError('costs must be an n × m NDArray or nested rows (a flat array needs the weights to give n and m)');
  const c = toCloud(M as ArrayLike<number>, 'costs', shape[1]);
  if (c.n !== shape[0]) throw new ShapeMismatchError(`costs has ${c.n * c.d} entries, expected ${shape[0]} × ${shape[1]}`);
  return { data: c.data, n: c.n, m: c.d };
}

function prepareExactOt(M: CostMatrixInput, options: ExactOtOptions, shape?: [number, number]) {
  const C = toCostMatrix(M, shape);
  const wa = toWeights(options.weightsA, C.n, 'weightsA');
  const wb = toWeights(options.weightsB, C.m, 'weightsB');
  checkTotals(wa, wb);
  return { C, wa, wb, o: solveLimits(options) };
}

function matrixCall(C: { data: Float64Array; n: number; m: number }, wa: W, wb: W, o: NativeExactOptions): MatrixCall {
  return { costs: C.data, n: C.n, m: C.m, weightsA: wa, weightsB: wb, ...o };
}

function exactOtResult(n: number, m: number, r: NativeExactResult): ExactOtResult {
  return { cost: r.w2sq, n, m, ...solutionParts(r), stats: { ...r.stats, workingBytes: r.workingBytes } };
}

/**
 * Exact optimal transport for a given cost matrix M (any finite costs): the minimum of
 * Σ π_ij M_ij over plans with marginals weightsA, weightsB (each renormalised to total 1),
 * by the transportation network simplex, with potentials and a checked certificate as for
 * `w2`. Uniform weights and n = m give the optimal permutation too.
 */
export function exactOtSync(costs: CostMatrixInput, options: ExactOtOptions = {}): ExactOtResult {
  const { C, wa, wb, o } = prepareExactOt(costs, options);
  return exactOtResult(C.n, C.m, callNative(() => ot().otExactMatrixSync(matrixCall(C, wa, wb, o))));
}

/** `exactOtSync` on the thread pool, with `onProgress` and `signal`. */
export async function exactOt(costs: CostMatrixInput, options: ExactOtOptions = {}): Promise<ExactOtResult> {
  const { C, wa, wb, o } = prepareExactOt(costs, options);
  const call = matrixCall(C, wa, wb, o);
  const r = await runNativeJob((onProgress, token) => ot().otExactMatrix(call, onProgress, token), options);
  return exactOtResult(C.n, C.m, r);
}

/**
 * POT's `ot.emd2(a, b, M)`: the optimal transport cost for weights a, b (empty or undefined:
 * uniform) and cost matrix M (n × m; flat row-major when a and b give n and m). Returns the
 * certified optimal cost; throws NOT_CONVERGED rather than return an uncertified value. Use
 * `exactOtSync` for the plan, potentials and certificate.
 */
export function emd2(a: ArrayLike<number> | undefined, b: ArrayLike<number> | undefined, M: CostMatrixInput): number {
  const wa = a && a.length > 0 ? a : undefined;
  const wb = b && b.length > 0 ? b : undefined;
  const shape: [number, number] | undefined = wa && wb ? [wa.length, wb.length] : undefined;
  const { C, wa: pa, wb: pb, o } = prepareExactOt(M, { weightsA: wa, weightsB: wb }, shape);
  const r = exactOtResult(C.n, C.m, callNative(() => ot().otExactMatrixSync(matrixCall(C, pa, pb, o))));
  if (!r.certificate.certified)
    throw new NotConvergedError(`the optimal transport certificate missed its tolerance (bound ${r.gap} > ${r.certificate.tolerance})`);
  return r.cost;
}

// ---------------------------------------------------------------------------
// Gaussians

export type VectorLike = ArrayLike<number> | NDArray;
export type MatrixLike = NDArray | readonly (readonly number[])[] | FloatArray;

function toVector(x: VectorLike, name: string): Float64Array {
  const data = (x as NDArray)?.data !== undefined && isFloatArray((x as NDArray).data) ? (x as NDArray).data : (x as ArrayLike<number>);
  if (data === null || typeof data !== 'object' || typeof data.length !== 'number') throw new InvalidArgumentError(`${name} must be an array of numbers`);
  const out = Float64Array.from(data);
  requireFiniteArray(out, name);
  return out;
}

function toMatrix(x: MatrixLike, d: number, name: string): Float64Array {
  let out: Float64Array;
  if (Array.isArray(x)) {
    if (x.length !== d || x.some((r) => !Array.isArray(r) || r.length !== d)) throw new ShapeMismatchError(`${name} must be ${d} × ${d}`);
    out = Float64Array.from((x as number[][]).flat());
  } else if (isFloatArray(x)) {
    out = Float64Array.from(x);
  } else if (x && isFloatArray((x as NDArray).data)) {
    const s = (x as NDArray).shape;
    if (s.length !== 2 || s[0] !== d || s[1] !== d) throw new ShapeMismatchError(`${name} must have shape [${d}, ${d}], got [${s.join(', ')}]`);
    out = Float64Array.from((x as NDArray).data);
  } else throw new InvalidArgumentError(`${name} must be a d × d matrix (NDArray, nested arrays or a flat typed array)`);
  if (out.length !== d * d) throw new ShapeMismatchError(`${name} has ${out.length} entries, expected ${d} × ${d} = ${d * d}`);
  requireFiniteArray(out, name);
  return out;
}

export interface GaussianW2Result {
  w2: number;
  w2sq: number;
  /** |m1 − m2|². */
  meanTerm: number;
  /** tr(S1 + S2 − 2 (S1^½ S2 S1^½)^½) (clamped at 0). */
  buresTerm: number;
}

/**
 * Exact W2 between N(mean1, cov1) and N(mean2, cov2) (Bures formula, float64, symmetric
 * eigendecompositions; round-off negative eigenvalues clamped). Covariances must be
 * symmetric positive semi-definite.
 */
export function gaussianW2(mean1: VectorLike, cov1: MatrixLike, mean2: VectorLike, cov2: MatrixLike): GaussianW2Result {
  const m1 = toVector(mean1, 'mean1');
  const m2 = toVector(mean2, 'mean2');
  const d = m1.length;
  if (m2.length !== d) throw new ShapeMismatchError(`mean1 has ${d} entries, mean2 has ${m2.length}`);
  const s1 = toMatrix(cov1, d, 'cov1');
  const s2 = toMatrix(cov2, d, 'cov2');
  const r = callNative(() => ot().otGaussianW2({ mean1: m1, cov1: s1, mean2: m2, cov2: s2, d }));
  return { w2: sqrt0(r.w2sq), ...r };
}

/** Same as `gaussianW2` (the Bures–Wasserstein distance between Gaussians). */
export const bures = gaussianW2;

/** The moments of a cloud. `covariance` is the name `targetMoments` and the Gaussian inputs use. */
export interface CloudMoments {
  mean: Float64Array;
  covariance: NDArray<Float64Array>;
  /** @deprecated The same array as `covariance` (the 0.1 name), kept so existing code works. */
  cov: NDArray<Float64Array>;
}

/** Mean and covariance (normalised by the total weight, i.e. of the empirical measure) of a cloud. */
export function gaussianMoments(x: NDArray, weights?: ArrayLike<number>): CloudMoments {
  const c = toCloud(x, 'x');
  const w = toWeights(weights, c.n, 'weights');
  const r = callNative(() => ot().otMoments({ x: c.data, n: c.n, d: c.d, weights: w }));
  const covariance = ndarray(r.cov, [c.d, c.d]);
  return { mean: r.mean, covariance, cov: covariance };
}
