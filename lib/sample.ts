/**
 * Sampling (spec §2–6): draw n particles from a prior at t = T and step them back to t_end with
 * one of the schemes of §5–6, scores from an analytic target (native, fused per particle) or
 * from a batched JavaScript callback (one call per stage for the whole batch).
 *
 * Noise is keyed by (seed, particle, step, stage): the same seed gives the same samples for any
 * thread count and any batch split (use `firstParticle` to draw particles k … k + n − 1).
 */
import { resolveDevice, type Device } from './device.js';
import { samplerParams, type NativeSamplerParams, type SamplerParamOptions } from './sampler-params.js';
import { scoreFromModel, withStepCallback, type ModelInput, type StepInfo } from './model.js';
import { CallbackError, DivergedError, DW2Error, InvalidArgumentError, ShapeMismatchError, UnsupportedError } from './errors.js';
import { runNativeJob, throwIfAborted, type JobOptions } from './jobs.js';
import { callNative, native, type NativeCancelToken } from './native.js';
import { ndarray, type DType, type FloatArray, type NDArray } from './ndarray.js';
import { karrasZeroGrid, normalizeProcess, schemeInfo, type GridKind, type PriorName, type ProcessInput, type ProcessSpec, type SamplerName } from './process.js';
import type { OnnxScoreModel } from './model/onnx-model.js';

const isOnnxModel = (m: unknown): m is OnnxScoreModel => typeof m === 'object' && m !== null && (m as { kind?: unknown }).kind === 'onnx-model';
import { isOtPrior, otPriorNative, requireOtPriorMatches, type NativeOtPrior, type OtPrior } from './ot-prior.js';
import { checked as checkedTarget, targetDim, type TargetSpec } from './targets.js';
import {
  isFloatArray,
  requireAllocatable,
  requireFiniteArray,
  requireFiniteNumber,
  requireInteger,
  requireOneOf,
  requirePositive,
  requireSeed,
} from './validate.js';

/**
 * A batched score: write s(t, x_i) into row i of `out` for the n rows of `x` (n × d, row-major).
 * `t` is a number, except at the second stage of the randomized schemes, where every particle
 * has its own time and `t` is a Float64Array of n times. Arrays are Float64Array for dtype
 * 'float64' and Float32Array for 'float32'; they are only valid during the call.
 */
export type ScoreCallback = (t: number | Float64Array, x: FloatArray, n: number, d: number, out: FloatArray) => void | Promise<void>;
/** Hessian-vector products: out_i = ∇s(t, x_i) v_i (the Jacobian of the score, symmetric). */
export type HvpCallback = (t: number, x: FloatArray, v: FloatArray, n: number, d: number, out: FloatArray) => void | Promise<void>;

/** A fitted semi-discrete OT prior with its map options (hard map unless soft; tau: the soft map's temperature). */
export interface OtSemidiscretePriorInput {
  kind: 'ot-semidiscrete';
  prior: OtPrior;
  soft?: boolean;
  tau?: number;
}

/**
 * A prior by name, the ot-gaussian prior with the data mean (d) and covariance (d × d) given, or a
 * fitted semi-discrete OT prior (fitOtPrior / loadOtPrior), bare or with map options: the start is
 * then otPriorInitialState(prior, n, seed, firstParticle).
 */
export type PriorInput =
  | PriorName
  | { kind: PriorName }
  | { kind: 'ot-gaussian'; mean: ArrayLike<number>; covariance: ArrayLike<number> | readonly (readonly number[])[] }
  | OtPrior
  | OtSemidiscretePriorInput;

export type HessianRoute = 'auto' | 'dense' | 'krylov';
export type NoiseSource = 'step' | 'path';

export interface SampleOptions extends JobOptions, SamplerParamOptions {
  /** An analytic target (gaussianTarget, gmmTarget, empiricalTarget, targetFromJson). */
  target?: TargetSpec;
  /** …or a batched score callback (then `d` is required). */
  score?: ScoreCallback;
  /**
   * …or a model: a callback with its prediction type ('x0', 'eps', 'v', k-diffusion's 'denoiser',
   * 'score'; see lib/model.ts), or a score network loaded by loadOnnxModel (async `sample` only; its
   * score and Hessian-vector products are the network's, converted by its parameterization; `d` is
   * the network's).
   */
  model?: ModelInput | OnnxScoreModel;
  /** Called at each step's first evaluation with { step, t, x, denoised } (score/model callbacks only). */
  callback?: (info: StepInfo) => void;
  /** Optional Hessian-vector products for the local-linearization schemes (else finite differences). */
  hvp?: HvpCallback;
  /** Dimension (required with `score`; checked against the target otherwise). */
  d?: number;
  /** Whether the callback's score is defined at t = 0 (default false: two-stage schemes fall back to their first stage there). */
  scoreDefinedAtZero?: boolean;
  /** Forward process (default 'vp'). */
  process?: ProcessInput;
  /** Scheme (default 'euler-maruyama'). */
  sampler?: SamplerName;
  /**
   * Grid kind (default 'uniform'; 'karras-zero' is k-diffusion's Karras grid: `steps` levels from
   * T to tEnd plus a final step to 0), or an explicit strictly decreasing array of times (T first).
   */
  grid?: GridKind | 'karras-zero' | ArrayLike<number>;
  /** Number of steps N (required unless `grid` is an array). */
  steps?: number;
  /** Final time (default: the process's, 1e-3; 0.002 for ve). */
  tEnd?: number;
  /** Karras exponent ρ (default 7). */
  rho?: number;
  /** Where sampling starts (default 'normal'). Ignored when `x0` is given. */
  prior?: PriorInput;
  /** The start x_T (n × d) instead of a prior draw. */
  x0?: NDArray | FloatArray;
  /** Number of particles. */
  n: number;
  /** Seed (default 0). */
  seed?: number | bigint;
  /**
   * Where the noise comes from: 'step' (default: fresh normals per step) or 'path' (one Brownian
   * path per particle on [t_end, T], shared by grids of one kind with the same T, t_end and odd part
   * of `pathSteps`, so runs with different step counts are coupled; docs/brownian-path.md). Same law
   * either way.
   */
  noise?: NoiseSource;
  /**
   * noise 'path' on a grid kind: the step count the path's tree is laid out for (default `steps`).
   * Only its odd part m (pathSteps = m·2ʲ) matters: runs whose trees share m see one path, and a grid
   * with N = m·2ʲ steps has every time on a node of the tree (the cheap case; docs/brownian-path.md).
   * coupledError and coupled studies set it to the reference's step count for every run they couple.
   */
  pathSteps?: number;
  /** Global index of the first particle (default 0), for split batches. */
  firstParticle?: number;
  /** Storage type of the particles (default 'float64'; arithmetic is float64 either way). */
  dtype?: DType;
  /** Grid indices (0 = the start, steps = the end) whose states to return. */
  trajectory?: readonly number[];
  /**
   * Local linearization: eigendecomposition ('dense') or Lanczos ('krylov'; with a native target,
   * cached Hessian products, a polynomial recurrence or adaptive Lanczos runs per particle,
   * docs/sampling.md). 'auto' (default): Krylov for native targets with per-step noise and for the
   * ODE; with path noise dense for d ≤ 64, except Krylov for diagonal-covariance mixtures from d = 10.
   */
  hessian?: HessianRoute;
  /**
   * Krylov route: Lanczos iterations (default 30, capped at d). With a native target this is the
   * largest dimension of each adaptive Lanczos run; with a callback score, the fixed dimension.
   */
  krylovDim?: number;
  /**
   * Krylov route with a native target: each Lanczos run stops once Saad's estimate of its error (the
   * part the next Lanczos vector would add) is within this tolerance of the term's size, or of the step's
   * for the small terms; the polynomial route (per-step noise, ODE) interpolates the step's functions on
   * a spectral interval until each term is within it relative to itself (default 1e-10; estimates, not
   * bounds: docs/sampling.md gives the measured accumulated error, up to ≈ 15 × the tolerance).
   */
  krylovTolerance?: number;
  /**
   * Local linearization, stabilized variant (an extension of spec §6, see docs/sampling.md): every
   * matrix function of hL sees its eigenvalues capped at κ, so a repelling direction grows by at
   * most e^κ per step; where hμ ≤ κ (always where L ≤ 0) the step is unchanged, so the scheme stays
   * second order. `true` means κ = DEFAULT_STABILIZE_CAP (0.5); a number gives κ ≥ 0. Default: off.
   */
  stabilize?: boolean | number;
  /**
   * Where the particles are stepped: 'cpu' (default), 'cuda' (NVIDIA GPU: gaussian and gmm targets,
   * every scheme except local linearization; samples equal the CPU's to float round-off) or
   * 'auto' (the GPU when usable and the options are supported there, else the CPU).
   */
  device?: Device;
}

export interface SampleResult {
  /** n × d samples at t_end. */
  samples: NDArray;
  /** The grid used, t_0 = T > … > t_N = t_end. */
  grid: Float64Array;
  sampler: SamplerName;
  steps: number;
  n: number;
  d: number;
  /** Score evaluations per particle (finite-difference evaluations included). */
  nfe: number;
  /** Hessian-vector products per particle (local linearization). */
  hvps: number;
  /** Full score Jacobians per particle (dense local linearization with a native target). */
  jacobians: number;
  /** Steps reduced to their first stage because the score is undefined at t = 0. */
  fallbackSteps: number;
  /** The route local linearization took, null for other schemes. */
  hessianRoute: 'dense' | 'krylov' | null;
  /**
   * Krylov route with a native target: Lanczos runs that reached krylovDim before their error
   * estimate met krylovTolerance (0 when every run converged; raise krylovDim if not).
   */
  krylovUnconverged: number;
  /** States at the requested trajectory indices (same order). */
  trajectory: NDArray[];
  trajectorySteps: number[];
  /** Seconds spent in the native run. */
  seconds: number;
  /** Where the particles were stepped. */
  device: 'cpu' | 'cuda';
  /** dpm-adaptive: attempted steps accepted and rejected (`grid` is the accepted grid). */
  accepted?: number;
  rejected?: number;
  /**
   * Particles that blew up (a non-finite coordinate, or one beyond 100 × the scale of the data and
   * of the particle's start) and the first step (1-based) where one did; null when none did.
   * Such a run is not a measurement. On 'cuda' only non-finite final values are counted (firstStep null).
   */
  diverged: { particles: number; firstStep: number | null } | null;
}

/** κ of `stabilize: true` (chosen by measurement on the demo mixture, docs/sampling.md). */
export const DEFAULT_STABILIZE_CAP = 0.5;

interface NativeSamplerOptions {
  sampler: SamplerName;
  process: ProcessSpec;
  grid: { kind: GridKind; steps: number; tEnd?: number; rho?: number } | Float64Array;
  eta: number;
  params: NativeSamplerParams;
  seed: number | bigint;
  noise: NoiseSource;
  pathSteps?: number;
  firstParticle: number;
  n: number;
  d: number;
  dtype: DType;
  target?: TargetSpec;
  score?: ScoreCallback;
  hvp?: HvpCallback;
  scoreDefinedAtZero?: boolean;
  prior?: PriorName;
  priorMean?: Float64Array;
  priorCov?: Float64Array;
  x0?: FloatArray;
  /** A fitted OT prior, evaluated natively (otPriorNative). */
  otPrior?: NativeOtPrior;
  trajectory?: number[];
  hessian: HessianRoute;
  krylovDim: number;
  krylovTolerance?: number;
  linearizationCap?: number;
}

interface NativeSamplerResult {
  samples: FloatArray;
  grid: Float64Array;
  nfe: number;
  hvps: number;
  jacobians: number;
  fallbackSteps: number;
  hessianRoute: 'dense' | 'krylov' | null;
  krylovUnconverged?: number;
  trajectory: FloatArray[];
  seconds: number;
  accepted?: number;
  rejected?: number;
  diverged?: { particles: number; firstStep: number } | null;
}

interface SamplerBinding {
  samplerRunSync(options: NativeSamplerOptions): NativeSamplerResult;
  samplerRun(options: NativeSamplerOptions, onProgress?: (fraction: number) => void, token?: NativeCancelToken): Promise<NativeSamplerResult>;
  samplerRunCudaSync(options: NativeSamplerOptions): NativeSamplerResult;
  samplerRunCuda(options: NativeSamplerOptions, onProgress?: (fraction: number) => void, token?: NativeCancelToken): Promise<NativeSamplerResult>;
}
const binding = () => native() as unknown as SamplerBinding;

const priorNames: readonly PriorName[] = ['normal', 'marginal-noise', 'exact', 'ot-gaussian'];
const u32 = 2 ** 32 - 1;

/** Collects the first error a user callback threw, to attach as the cause of CallbackError. */
class CallbackGuard {
  error: unknown = undefined;
  /** sync: the callbacks run inside sampleSync, where nothing can await a Promise they return. */
  constructor(private readonly sync: boolean) {}
  wrap<F extends (...args: never[]) => unknown>(fn: F | undefined, name: string): F | undefined {
    if (fn === undefined) return undefined;
    if (typeof fn !== 'function') throw new InvalidArgumentError(`${name} must be a function`);
    if (this.sync && isAsyncFunction(fn))
      throw new InvalidArgumentError(`${name} is an async function; sampleSync needs a synchronous callback (sample() awaits async ones)`);
    return ((...args: never[]) => {
      try {
        const r = fn(...args);
        if (this.sync && isThenable(r)) {
          (r as PromiseLike<unknown>).then(undefined, () => {});
          throw new CallbackError(`${name} returned a Promise; sampleSync needs a synchronous callback (sample() awaits it)`);
        }
        if (isThenable(r))
          return (r as PromiseLike<unknown>).then(undefined, (e: unknown) => {
            this.error ??= e;
            throw e;
          });
        return r;
      } catch (e) {
        this.error ??= e;
        throw e;
      }
    }) as unknown as F;
  }
  /** Turns a native failure into the typed error, with the user's error as its cause. */
  translate(e: unknown): unknown {
    if (this.error instanceof CallbackError) return this.error;
    if (this.error !== undefined && e instanceof DW2Error && e.code === 'CALLBACK_FAILED') {
      const msg = this.error instanceof Error ? this.error.message : String(this.error);
      return new CallbackError(`the score callback threw: ${msg}`, { cause: this.error });
    }
    return e;
  }
}

function isThenable(v: unknown): boolean {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

function isAsyncFunction(fn: unknown): boolean {
  const ctor = (fn as { constructor?: { name?: unknown } }).constructor;
  return ctor?.name === 'AsyncFunction' || ctor?.name === 'AsyncGeneratorFunction';
}

function flatMatrix(m: ArrayLike<number> | readonly (readonly number[])[], name: string): Float64Array {
  if (Array.isArray(m) && m.length > 0 && Array.isArray(m[0])) {
    const rows = m as readonly (readonly number[])[];
    const d = rows.length;
    const out = new Float64Array(d * d);
    rows.forEach((r, i) => {
      if (r.length !== d) throw new ShapeMismatchError(`${name} row ${i} has ${r.length} entries, expected ${d}`);
      for (let j = 0; j < d; j++) out[i * d + j] = Number(r[j]);
    });
    return out;
  }
  return Float64Array.from(m as ArrayLike<number>);
}

/** A fitted OT prior as the native sampler draws from it, after checking that it was fitted for this run. */
function otPriorStart(input: OtPrior | OtSemidiscretePriorInput, run: { process: ProcessSpec; T: number | undefined; d: number }): NativeOtPrior {
  const bare = isOtPrior(input);
  const prior = bare ? input : (input as OtSemidiscretePriorInput).prior;
  if (!isOtPrior(prior))
    throw new InvalidArgumentError(
      bare || !('prior' in input)
        ? "prior: { kind: 'ot-semidiscrete' } needs prior.prior, a fitted OT prior (fitOtPrior or loadOtPrior)"
        : 'prior.prior must be a fitted OT prior (fitOtPrior or loadOtPrior)',
    );
  let soft = false;
  let tau: number | undefined;
  if (!bare) {
    const w = input as OtSemidiscretePriorInput;
    if (w.soft !== undefined && typeof w.soft !== 'boolean') throw new InvalidArgumentError('prior.soft must be a boolean');
    soft = w.soft === true;
    if (w.tau !== undefined) {
      tau = requireFiniteNumber(w.tau, 'prior.tau');
      if (!(tau > 0)) throw new InvalidArgumentError(`prior.tau must be > 0 (the soft map's temperature), got ${tau}`);
      if (!soft) throw new InvalidArgumentError('prior.tau applies to the soft map only: pass prior.soft: true');
    }
  }
  requireOtPriorMatches(prior, { process: run.process, T: run.T, d: run.d }, 'prior');
  return otPriorNative(prior, { soft, tau });
}

/** Why these options cannot run on the GPU (naming the option), or undefined when they can. */
function cudaUnsupported(o: SampleOptions, usesHessian: boolean, sampler: SamplerName): string | undefined {
  if (o.score !== undefined) return 'score callbacks (only analytic gaussian and gmm targets run on the GPU)';
  if (o.target !== undefined && (o.target as { type?: unknown }).type === 'empirical') return "target type 'empirical' (only gaussian and gmm targets run on the GPU)";
  if (usesHessian) return `sampler '${sampler}' (Hessian schemes run on the CPU only)`;
  if (schemeInfo(sampler).wholeGrid) return `sampler '${sampler}' (multistep samplers and edm run on the CPU only)`;
  if (o.noise === 'path') return "noise 'path' (the Brownian path runs on the CPU only)";
  return undefined;
}

/** 'cpu' or 'cuda' for these options; a typed UNSUPPORTED error for 'cuda' where it cannot run. */
function chooseDevice(o: SampleOptions, usesHessian: boolean, sampler: SamplerName): 'cpu' | 'cuda' {
  const requested = requireOneOf(o.device ?? 'cpu', 'device', ['cpu', 'cuda', 'auto'] as const);
  if (requested === 'cpu') return 'cpu';
  const why = cudaUnsupported(o, usesHessian, sampler);
  if (requested === 'auto') return why === undefined ? resolveDevice('auto') : 'cpu';
  if (why !== undefined) throw new UnsupportedError(`device 'cuda' does not support ${why}; use device 'cpu' or 'auto'`);
  return resolveDevice('cuda');
}

/** Turns `model` and `callback` into the score callback the native sampler runs. */
function withModel(o: SampleOptions): SampleOptions {
  if (o.model === undefined && o.callback === undefined) return o;
  if (o.model !== undefined && o.score !== undefined) throw new InvalidArgumentError('give one of score and model');
  if (o.model !== undefined && o.target !== undefined) throw new InvalidArgumentError('give one of target and model');
  const process = normalizeProcess(o.process ?? 'vp');
  let score = o.score;
  let hvp = o.hvp;
  let d = o.d;
  if (isOnnxModel(o.model)) {
    // A network: its own d, and Hessian-vector products by differences sized to its precision.
    if (o.hvp !== undefined) throw new InvalidArgumentError('hvp: a loaded network supplies its own Hessian-vector products');
    if (o.d !== undefined && o.d !== o.model.d) throw new ShapeMismatchError(`d = ${o.d} but the model has dimension ${o.model.d}`);
    const cb = o.model.callbacks(process);
    score = cb.score;
    hvp = schemeInfo(o.sampler ?? 'euler-maruyama', 'sampler').usesHessian ? cb.hvp : undefined;
    d = o.model.d;
  } else if (o.model !== undefined) score = scoreFromModel(process, o.model);
  if (o.callback !== undefined) {
    if (score === undefined) throw new InvalidArgumentError('callback needs a score or model callback (native targets run without JavaScript calls)');
    const sampler = (o.sampler ?? 'euler-maruyama') as SamplerName;
    score = withStepCallback(score, { sampler, process, grid: o.grid, steps: o.steps, tEnd: o.tEnd, rho: o.rho, scoreDefinedAtZero: o.scoreDefinedAtZero ?? false }, o.callback);
  }
  return { ...o, score: score as ScoreCallback, hvp, d, model: undefined, callback: undefined };
}

function prepare(options: SampleOptions, guard: CallbackGuard): { native: NativeSamplerOptions; trajectory: number[]; device: 'cpu' | 'cuda' } {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('sample needs an options object');
  const o = withModel(options);
  const sampler = (o.sampler ?? 'euler-maruyama') as SamplerName;
  const info = schemeInfo(sampler, 'sampler');
  const process = normalizeProcess(o.process ?? 'vp');
  const n = requireInteger(o.n, 'n', 0, u32);
  const firstParticle = requireInteger(o.firstParticle ?? 0, 'firstParticle', 0, u32);
  if (n > 0 && firstParticle + n - 1 > u32) throw new InvalidArgumentError('firstParticle + n − 1 must stay below 2^32');
  const seed = requireSeed(o.seed ?? 0);
  const dtype = requireOneOf(o.dtype ?? 'float64', 'dtype', ['float64', 'float32'] as const);
  const { eta, params } = samplerParams(sampler, o);
  const hessian = requireOneOf(o.hessian ?? 'auto', 'hessian', ['auto', 'dense', 'krylov'] as const);
  const noise = requireOneOf(o.noise ?? 'step', 'noise', ['step', 'path'] as const);
  const krylovDim = requireInteger(o.krylovDim ?? 30, 'krylovDim', 1, 10000);
  const krylovTolerance = o.krylovTolerance === undefined ? undefined : requireFiniteNumber(o.krylovTolerance, 'krylovTolerance');
  if (krylovTolerance !== undefined && !(krylovTolerance > 0 && krylovTolerance < 1))
    throw new InvalidArgumentError(`krylovTolerance must be in (0, 1), got ${krylovTolerance}`);
  let linearizationCap: number | undefined;
  if (o.stabilize !== undefined && o.stabilize !== false) {
    if (!info.usesHessian) throw new InvalidArgumentError(`stabilize applies to the local-linearization samplers only, not '${sampler}'`);
    linearizationCap = o.stabilize === true ? DEFAULT_STABILIZE_CAP : requireFiniteNumber(o.stabilize, 'stabilize');
    if (linearizationCap < 0) throw new InvalidArgumentError(`stabilize (the cap κ on hμ) must be >= 0, got ${linearizationCap}`);
  }

  // Score source.
  if ((o.target === undefined) === (o.score === undefined)) throw new InvalidArgumentError('give exactly one of target and score');
  let d: number;
  let scoreDefinedAtZero: boolean | undefined;
  if (o.target !== undefined) {
    // d from the spec: the native sampler builds (and fully validates) the target once, before any work.
    d = targetDim(o.target);
    if (o.d !== undefined && o.d !== d) throw new ShapeMismatchError(`d = ${o.d} but the target has dimension ${d}`);
    if (o.hvp !== undefined) throw new InvalidArgumentError('hvp applies to score callbacks only (targets have exact derivatives)');
    if (o.scoreDefinedAtZero !== undefined) throw new InvalidArgumentError('scoreDefinedAtZero applies to score callbacks only (targets know)');
  } else {
    d = requireInteger(o.d, 'd', 1, 2 ** 31 - 1);
    if (o.scoreDefinedAtZero !== undefined && typeof o.scoreDefinedAtZero !== 'boolean')
      throw new InvalidArgumentError('scoreDefinedAtZero must be a boolean');
    scoreDefinedAtZero = o.scoreDefinedAtZero ?? false;
  }
  requireAllocatable(n * d, dtype === 'float32' ? 4 : 8, 'samples');

  // Grid.
  let grid: NativeSamplerOptions['grid'];
  let steps: number;
  if (o.grid === 'karras-zero') {
    steps = requireInteger(o.steps, 'steps', 2, 1e8);
    grid = karrasZeroGrid(process, { steps, ...(o.tEnd !== undefined ? { tEnd: o.tEnd } : {}), ...(o.rho !== undefined ? { rho: o.rho } : {}) });
  } else if (o.grid !== undefined && typeof o.grid !== 'string') {
    const t = Float64Array.from(o.grid as ArrayLike<number>);
    requireFiniteArray(t, 'grid');
    if (o.steps !== undefined && o.steps !== t.length - 1)
      throw new InvalidArgumentError(`steps = ${o.steps} disagrees with the explicit grid (${t.length - 1} steps)`);
    if (o.tEnd !== undefined) throw new InvalidArgumentError('tEnd cannot be combined with an explicit grid (its last entry is t_end)');
    grid = t;
    steps = t.length - 1;
  } else {
    const kind = requireOneOf(o.grid ?? 'uniform', 'grid', ['uniform', 'karras', 'logsnr'] as const);
    // dpm-adaptive chooses its own steps between T and t_end: steps defaults to 1 there.
    steps = requireInteger(o.steps ?? (info.adaptive ? 1 : undefined), 'steps', 1, 1e8);
    const g: { kind: GridKind; steps: number; tEnd?: number; rho?: number } = { kind, steps };
    if (o.tEnd !== undefined) {
      g.tEnd = requireFiniteNumber(o.tEnd, 'tEnd');
      if (g.tEnd < 0) throw new InvalidArgumentError(`tEnd must be >= 0, got ${g.tEnd}`);
    }
    if (o.rho !== undefined) g.rho = requirePositive(o.rho, 'rho');
    grid = g;
  }

  // Start.
  const out: NativeSamplerOptions = { sampler, process, grid, eta, params, seed, noise, firstParticle, n, d, dtype, hessian, krylovDim };
  if (linearizationCap !== undefined) out.linearizationCap = linearizationCap;
  if (krylovTolerance !== undefined) out.krylovTolerance = krylovTolerance;
  if (o.pathSteps !== undefined) out.pathSteps = requireInteger(o.pathSteps, 'pathSteps', 1, 2 ** 30);
  if (o.x0 !== undefined) {
    const data = isFloatArray(o.x0) ? o.x0 : (o.x0 as NDArray).data;
    if (!isFloatArray(data)) throw new InvalidArgumentError('x0 must be an NDArray, a Float64Array or a Float32Array');
    if (data.length !== n * d) throw new ShapeMismatchError(`x0 has ${data.length} entries, expected n × d = ${n} × ${d}`);
    requireFiniteArray(data, 'x0');
    out.x0 = data;
  } else if (typeof o.prior === 'object' && o.prior !== null && o.prior.kind === 'ot-semidiscrete') {
    const T = grid instanceof Float64Array ? grid[0] : undefined;
    if (o.target !== undefined) checkedTarget(o.target);  // the prior's start is work: validate the target before it
    out.otPrior = otPriorStart(o.prior as OtPrior | OtSemidiscretePriorInput, { process, T, d });
  } else {
    const p = o.prior ?? 'normal';
    if (p === ('ot-semidiscrete' as string))
      throw new InvalidArgumentError("prior 'ot-semidiscrete' needs the fitted prior: pass the OtPrior itself (fitOtPrior, loadOtPrior) or { kind: 'ot-semidiscrete', prior }");
    const kind = requireOneOf(typeof p === 'string' ? p : p?.kind, 'prior', priorNames);
    out.prior = kind;
    const given = typeof p === 'object' ? (p as { mean?: ArrayLike<number>; covariance?: ArrayLike<number> | readonly (readonly number[])[] }) : {};
    if (given.mean !== undefined || given.covariance !== undefined) {
      if (kind !== 'ot-gaussian') throw new InvalidArgumentError('prior.mean and prior.covariance apply to the ot-gaussian prior only');
      if (given.mean === undefined || given.covariance === undefined) throw new InvalidArgumentError('the ot-gaussian prior needs both prior.mean and prior.covariance');
      const mean = Float64Array.from(given.mean);
      const cov = flatMatrix(given.covariance, 'prior.covariance');
      if (mean.length !== d) throw new ShapeMismatchError(`prior.mean has ${mean.length} entries, expected d = ${d}`);
      if (cov.length !== d * d) throw new ShapeMismatchError(`prior.covariance has ${cov.length} entries, expected d × d = ${d * d}`);
      requireFiniteArray(mean, 'prior.mean');
      requireFiniteArray(cov, 'prior.covariance');
      out.priorMean = mean;
      out.priorCov = cov;
    }
    if (kind === 'exact' && o.target === undefined) throw new InvalidArgumentError("prior 'exact' needs an analytic target, not a score callback");
    if (kind === 'ot-gaussian' && o.target === undefined && out.priorMean === undefined)
      throw new InvalidArgumentError("prior 'ot-gaussian' with a score callback needs { kind: 'ot-gaussian', mean, covariance }");
  }
  if (o.target !== undefined) out.target = o.target;
  else {
    out.score = guard.wrap(o.score, 'score');
    out.hvp = guard.wrap(o.hvp, 'hvp');
    out.scoreDefinedAtZero = scoreDefinedAtZero;
  }
  if (o.hvp !== undefined && !info.usesHessian) throw new InvalidArgumentError(`hvp is used by the local-linearization samplers only, not '${sampler}'`);

  const trajectory: number[] = [];
  if (o.trajectory !== undefined) {
    if (!Array.isArray(o.trajectory)) throw new InvalidArgumentError('trajectory must be an array of grid indices');
    for (const k of o.trajectory) trajectory.push(requireInteger(k, 'trajectory[]', 0, steps));
    requireAllocatable(n * d * trajectory.length, dtype === 'float32' ? 4 : 8, 'trajectory');
    out.trajectory = trajectory;
  }
  const device = chooseDevice(o, info.usesHessian, sampler);
  return { native: out, trajectory, device };
}

function finish(r: NativeSamplerResult, o: NativeSamplerOptions, trajectory: number[], device: 'cpu' | 'cuda'): SampleResult {
  const diverged = r.diverged ?? (device === 'cuda' ? nonFiniteRows(r.samples, o.n, o.d) : null);
  // Runaway particles that stayed finite are reported in `diverged`; non-finite ones are never
  // returned as samples: the run is a DivergedError carrying the same report.
  if (diverged && [r.samples, ...r.trajectory].some((a) => nonFiniteRows(a, o.n, o.d)))
    throw new DivergedError(
      `${diverged.particles} particle(s) of '${o.sampler}' blew up to non-finite values${diverged.firstStep ? ` (first at step ${diverged.firstStep})` : ''}; ` +
        "no samples are returned: take more steps, or use the stabilized local linearization (stabilize)",
      diverged,
    );
  return {
    samples: ndarray(r.samples, [o.n, o.d]),
    grid: r.grid,
    sampler: o.sampler,
    steps: r.grid.length - 1,
    n: o.n,
    d: o.d,
    nfe: r.nfe,
    hvps: r.hvps,
    jacobians: r.jacobians,
    fallbackSteps: r.fallbackSteps,
    hessianRoute: r.hessianRoute,
    krylovUnconverged: r.krylovUnconverged ?? 0,
    trajectory: r.trajectory.map((a) => ndarray(a, [o.n, o.d])),
    trajectorySteps: trajectory,
    seconds: r.seconds,
    device,
    ...(r.accepted !== undefined ? { accepted: r.accepted, rejected: r.rejected } : {}),
    diverged,
  };
}

/** Rows with a non-finite value (the GPU run has no per-step check). */
function nonFiniteRows(x: FloatArray, n: number, d: number): { particles: number; firstStep: null } | null {
  let particles = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++)
      if (!Number.isFinite(x[i * d + j]!)) {
        particles++;
        break;
      }
  return particles ? { particles, firstStep: null } : null;
}


/**
 * Samples synchronously (blocks the event loop; callbacks run inline). Prefer `sample` for
 * long runs: it runs on the thread pool, reports progress and honours an AbortSignal.
 */
export function sampleSync(options: SampleOptions): SampleResult {
  if (isOnnxModel(options?.model))
    throw new UnsupportedError('score models run through ONNX Runtime, which is asynchronous: use sample(), not sampleSync()');
  const guard = new CallbackGuard(true);
  const p = prepare(options, guard);
  try {
    return finish(
      callNative(() => (p.device === 'cuda' ? binding().samplerRunCudaSync(p.native) : binding().samplerRunSync(p.native))),
      p.native,
      p.trajectory,
      p.device,
    );
  } catch (e) {
    throw guard.translate(e);
  }
}

/**
 * Samples on the libuv thread pool. Score callbacks are called on the main thread (the worker
 * waits for each), so other JavaScript keeps running between calls.
 */
export async function sample(options: SampleOptions): Promise<SampleResult> {
  throwIfAborted(options?.signal);
  const guard = new CallbackGuard(false);
  const p = prepare(options, guard);
  try {
    const run = p.device === 'cuda' ? binding().samplerRunCuda : binding().samplerRun;
    const r = await runNativeJob((onProgress, token) => run(p.native, onProgress, token), options as JobOptions);
    return finish(r, p.native, p.trajectory, p.device);
  } catch (e) {
    throw guard.translate(e);
  }
}
