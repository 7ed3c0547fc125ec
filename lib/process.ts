/**
 * Forward processes (spec §1), grids (§3) and the scheme catalogue (§5–6). The numbers
 * come from the native definitions, which the samplers and the exact analysis also use.
 */
import { InvalidArgumentError } from './errors.js';
import { callNative, native } from './native.js';
import { samplerParams, type NativeSamplerParams, type SamplerParamOptions } from './sampler-params.js';
import type { SamplerName } from './sampler-names.js';
import { requireFiniteArray, requireFiniteNumber, requireInteger, requireOneOf, requirePositive } from './validate.js';

export type ProcessName = 'vp' | 'ou' | 've' | 'heat';
export const processNames: readonly ProcessName[] = ['vp', 'ou', 've', 'heat'];

/**
 * A forward process. Defaults (spec §1): vp βmin = 0.1, βmax = 20, T = 1; ou β = 1, T = 10;
 * ve (σ(t) = t) T = 80; heat (σ² = t) T = 100.
 */
export interface ProcessSpec {
  name: ProcessName;
  betaMin?: number;
  betaMax?: number;
  beta?: number;
  T?: number;
}

export type ProcessInput = ProcessName | ProcessSpec;

export function normalizeProcess(p: ProcessInput | undefined, field = 'process'): ProcessSpec {
  const spec: ProcessSpec = typeof p === 'string' ? { name: p } : p ?? { name: 'vp' };
  if (typeof spec !== 'object') throw new InvalidArgumentError(`${field} must be a name or { name, … }`);
  requireOneOf(spec.name, `${field}.name`, processNames);
  for (const key of ['betaMin', 'betaMax', 'beta', 'T'] as const)
    if (spec[key] !== undefined) requirePositive(spec[key], `${field}.${key}`);
  if (spec.name !== 'vp' && (spec.betaMin !== undefined || spec.betaMax !== undefined))
    throw new InvalidArgumentError(`${field}: betaMin/betaMax apply to 'vp' only (use beta for 'ou')`);
  if (spec.name !== 'ou' && spec.beta !== undefined) throw new InvalidArgumentError(`${field}: beta applies to 'ou' only`);
  // Only the process's own fields travel on (a stray field is not part of the process).
  const out: ProcessSpec = { name: spec.name };
  for (const key of ['betaMin', 'betaMax', 'beta', 'T'] as const) if (spec[key] !== undefined) out[key] = spec[key];
  return out;
}

export interface ProcessCoefficients {
  name: ProcessName;
  T: number;
  /** Default t_end of the process. */
  tEnd: number;
  /** vp and ou: σ(t)² = 1 − α(t)², so p_T ≈ N(0, I) (native `Process::variancePreserving`). */
  variancePreserving: boolean;
  alpha: Float64Array;
  sigma: Float64Array;
  f: Float64Array;
  g2: Float64Array;
  /** ς = σ/α */
  varsigma: Float64Array;
  /** λ = ς² */
  lambda: Float64Array;
}

interface ScheduleBinding {
  processCoefficients(p: ProcessSpec, times: Float64Array): ProcessCoefficients;
  processIntegral(p: ProcessSpec, a: number, b: number): number;
  processTimeOfVarsigma(p: ProcessSpec, s: number): number;
  grid(p: ProcessSpec, g: GridSpec | Float64Array): Float64Array;
  schemes(): SchemeInfo[];
  stepPlan(
    scheme: string,
    p: ProcessSpec,
    t0: number,
    t1: number,
    eta: number,
    u: number,
    scoreDefinedAtZero: boolean,
    params: NativeSamplerParams,
    grid?: Float64Array,
  ): StepPlan;
  phiFunctions(z: number): [number, number];
  localLinearizationNoise(h: number, mu: number, a: number, b: number): LocalLinearizationNoise;
  localLinearizationNoiseTable(h: number, mu: Float64Array, a: number, b: number): LocalLinearizationNoiseTable;
}
const binding = () => native() as unknown as ScheduleBinding;

/** α, σ, f, g², ς, λ of a process at the given times. */
export function processCoefficients(process: ProcessInput, times: ArrayLike<number>): ProcessCoefficients {
  const p = normalizeProcess(process);
  const t = Float64Array.from(times);
  requireFiniteArray(t, 'times');
  return callNative(() => binding().processCoefficients(p, t));
}

/**
 * What a process is, answered by its native definition (the one place that knows): the horizon T and
 * default t_end with the defaults of spec §1 filled in, whether it is variance preserving (vp, ou),
 * and for those its β range (ou: betaMin = betaMax = β).
 */
export interface ProcessTraits {
  name: ProcessName;
  T: number;
  tEnd: number;
  variancePreserving: boolean;
  betaMin?: number;
  betaMax?: number;
}

export function processTraits(process: ProcessInput): ProcessTraits {
  const c = callNative(() => binding().processCoefficients(normalizeProcess(process), new Float64Array(0))) as ProcessCoefficients & { betaMin: number; betaMax: number };
  const traits: ProcessTraits = { name: c.name, T: c.T, tEnd: c.tEnd, variancePreserving: c.variancePreserving };
  if (c.variancePreserving) Object.assign(traits, { betaMin: c.betaMin, betaMax: c.betaMax });
  return traits;
}

/** I(a, b) = ∫_a^b g(u)²/α(u) du, in closed form. */
export function processIntegral(process: ProcessInput, a: number, b: number): number {
  return callNative(() => binding().processIntegral(normalizeProcess(process), requireFiniteNumber(a, 'a'), requireFiniteNumber(b, 'b')));
}

/** The time t at which ς(t) = s. */
export function timeOfNoiseLevel(process: ProcessInput, s: number): number {
  return callNative(() => binding().processTimeOfVarsigma(normalizeProcess(process), requireFiniteNumber(s, 's')));
}

/**
 * Where sampling starts at t = T (spec §2): `normal` N(0, I) for vp/ou and N(0, σ(T)²I) for ve/heat;
 * `marginal-noise` N(0, σ(T)²I); `exact` a draw of p_T (analytic targets); `ot-gaussian` the optimal
 * transport map of N(0, I) onto the Gaussian with p_T's first two moments.
 */
export type PriorName = 'normal' | 'marginal-noise' | 'exact' | 'ot-gaussian';
export const priorNames: readonly PriorName[] = ['normal', 'marginal-noise', 'exact', 'ot-gaussian'];

export type GridKind = 'uniform' | 'karras' | 'logsnr';
export interface GridSpec {
  kind: GridKind;
  steps: number;
  /** Final time (default: the process's, 1e-3 or 0.002 for ve). */
  tEnd?: number;
  /** Karras exponent (default 7). */
  rho?: number;
}

/** A decreasing time grid T = t₀ > … > t_N = t_end (or validates an explicit one). */
export function timeGrid(process: ProcessInput, grid: GridSpec | ArrayLike<number>): Float64Array {
  const p = normalizeProcess(process);
  if (isArrayLike(grid)) {
    const t = Float64Array.from(grid);
    requireFiniteArray(t, 'grid');
    return callNative(() => binding().grid(p, t));
  }
  requireOneOf(grid.kind, 'grid.kind', ['uniform', 'karras', 'logsnr'] as const);
  requireInteger(grid.steps, 'steps', 1, 1e8);
  if (grid.tEnd !== undefined) requireFiniteNumber(grid.tEnd, 'tEnd');
  if (grid.rho !== undefined) requirePositive(grid.rho, 'rho');
  return callNative(() => binding().grid(p, grid));
}

/**
 * k-diffusion's Karras grid (get_sigmas_karras): `steps` noise levels from ς(T) down to ς(t_end)
 * spaced uniformly in ς^{1/ρ}, then a final 0 — `steps` intervals, the last one a step to t = 0
 * (where the samplers take their Euler / denoising last step). Needs steps ≥ 2 and t_end > 0.
 */
export function karrasZeroGrid(process: ProcessInput, o: { steps: number; tEnd?: number; rho?: number }): Float64Array {
  requireInteger(o.steps, 'steps', 2, 1e8);
  if (o.tEnd !== undefined && !(requireFiniteNumber(o.tEnd, 'tEnd') > 0)) throw new InvalidArgumentError(`grid 'karras-zero' needs tEnd > 0 (σ_min), got ${o.tEnd}`);
  const karras = timeGrid(process, { kind: 'karras', steps: o.steps - 1, ...(o.tEnd !== undefined ? { tEnd: o.tEnd } : {}), ...(o.rho !== undefined ? { rho: o.rho } : {}) });
  const out = new Float64Array(o.steps + 1);
  out.set(karras);
  return out;
}

function isArrayLike(x: unknown): x is ArrayLike<number> {
  return Array.isArray(x) || ArrayBuffer.isView(x);
}

export type { SamplerName } from './sampler-names.js';

export interface SchemeInfo {
  name: SamplerName;
  /** Score evaluations per step. */
  nfePerStep: number;
  /** W2 convergence order in the step size. */
  order: number;
  stochastic: boolean;
  /** Draws a uniform evaluation time per particle and step. */
  randomized: boolean;
  /** Needs ∇s, Δs, ∂_t s. */
  usesHessian: boolean;
  /** Discretizes the probability-flow ODE. */
  ode: boolean;
  /** Defined for vp/ou only. */
  vpOnly: boolean;
  /** Vectors a particle carries between steps (multistep schemes); 0 for single-step schemes. */
  historySlots: number;
  /** A step's plan reads earlier grid times (multistep schemes, edm). */
  wholeGrid: boolean;
  /** Chooses its own grid (dpm-adaptive: the grid given is [T, t_end]). */
  adaptive: boolean;
  /**
   * The η the scheme takes: none; ddim's η ∈ [0, 1]; the ancestral η ≥ 0 that scales the injected
   * noise ('ancestral') or its variance ('ancestral-variance', the DPM-Solver++ SDE samplers).
   */
  eta: 'none' | 'ddim' | 'ancestral' | 'ancestral-variance';
  /** The `order` option the scheme takes (absent: none), with its default. */
  orderOption?: { min: number; max: number; default: number };
}

let schemeCache: SchemeInfo[] | undefined;
/** Every scheme of spec §5–6 with its NFE per step and order. */
export function schemes(): SchemeInfo[] {
  schemeCache ??= callNative(() => binding().schemes());
  return schemeCache.map((s) => ({ ...s }));
}

export function schemeInfo(name: string, field = 'sampler'): SchemeInfo {
  const all = schemes();
  const found = all.find((s) => s.name === name);
  if (!found) throw new InvalidArgumentError(`${field}: unknown sampler '${name}'; known: ${all.map((s) => s.name).join(', ')}`);
  return found;
}

export interface Combination {
  reg: Float64Array;
  score: Float64Array;
  noise: Float64Array;
  /** Weights of the history slots (multistep schemes). */
  history: Float64Array;
}
/** One step of a linear-stage scheme as data (see native/schemes/step_plan.h). */
export interface StepPlan {
  stages: number;
  noises: number;
  fellBack: boolean;
  scoreTime: Float64Array;
  input: Combination[];
  output: Combination;
  /** R₀ = input0 · (x, H, Z) instead of x (edm's churn). */
  perturbsInput: boolean;
  input0?: Combination;
  /** History slots read, and the new history H′_m = save[m] · (R, S, H, Z). */
  historyRead: number;
  save: Combination[];
}

/** The plan of one step t0 → t1 (introspection and tests). */
export function stepPlan(
  sampler: SamplerName,
  process: ProcessInput,
  t0: number,
  t1: number,
  options: SamplerParamOptions & { u?: number; scoreDefinedAtZero?: boolean; grid?: ArrayLike<number> } = {},
): StepPlan {
  const { eta, params } = samplerParams(sampler, options);
  const grid = options.grid === undefined ? undefined : Float64Array.from(options.grid);
  return callNative(() =>
    binding().stepPlan(sampler, normalizeProcess(process), t0, t1, eta, options.u ?? 0.5, options.scoreDefinedAtZero ?? true, params, grid),
  );
}

/** φ₁(z) = (eᶻ − 1)/z and φ₂(z) = (eᶻ − 1 − z)/z² as used by local linearization. */
export function phiFunctions(z: number): [number, number] {
  return callNative(() => binding().phiFunctions(requireFiniteNumber(z, 'z')));
}

/**
 * The noise of one local-linearization step in one eigen-direction μ of L (spec §6), with
 * g² = a + b r over the step in reverse time r ∈ [0, h]: η = c_W W + c_H H + √remainder ξ for the
 * step's Brownian increment W ~ N(0, h), its space-time Lévy area H ~ N(0, h/12) and a fresh ξ;
 * `variance` is the closed form Q = a h φ₁(2hμ) + b h² φ₂(2hμ) that c_W² h + c_H² h/12 + remainder equals.
 */
export interface LocalLinearizationNoise {
  cW: number;
  cH: number;
  remainder: number;
  variance: number;
  /** √Q as the per-step noise computes it (closed form, native/schemes/local_linearization_step_noise.h). */
  stepStd: number;
}

export function localLinearizationNoise(h: number, mu: number, a: number, b: number): LocalLinearizationNoise {
  return callNative(() => binding().localLinearizationNoise(requireFiniteNumber(h, 'h'), requireFiniteNumber(mu, 'mu'), requireFiniteNumber(a, 'a'), requireFiniteNumber(b, 'b')));
}

/** c_W, c_H and √remainder for many μ of one step, as the CPU sampler computes them (per-step quadrature nodes, vectorized exponentials). */
export interface LocalLinearizationNoiseTable {
  cW: Float64Array;
  cH: Float64Array;
  sqrtRemainder: Float64Array;
}

export function localLinearizationNoiseTable(h: number, mu: ArrayLike<number>, a: number, b: number): LocalLinearizationNoiseTable {
  const m = Float64Array.from(mu);
  requireFiniteArray(m, 'mu');
  return callNative(() => binding().localLinearizationNoiseTable(requireFiniteNumber(h, 'h'), m, requireFiniteNumber(a, 'a'), requireFiniteNumber(b, 'b')));
}
