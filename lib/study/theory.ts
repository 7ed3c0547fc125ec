/**
 * Theory next to measurement (issue 6, item 3): upper bounds of the form of Yu & Yu, "Advancing
 * Wasserstein Convergence Analysis of Score-Based Models: Insights from Discretization and
 * Second-Order Acceleration" (NeurIPS 2025, arXiv:2502.04849), for strongly log-concave, smooth
 * targets on the `ou` process, to be printed beside the exact W2 of the Gaussian analysis.
 *
 * Two kinds of bound (see docs/theory.md):
 * - By default, the paper's own constants (Theorems 1, 3, 4 of arXiv:2502.04849 as statement facts):
 *   with m_min = min(1, m₀), L_max = 1 + L₀, in the paper's time (its forward process is our `ou` with
 *   β = 1; for other β the time t′ = βt, step h′ = βh):
 *     EM: C₁ = (L_max + ½)/(m_min − ½), rate √(d h′);   EI: C₁ = L_max/(m_min − ½), rate √(d h′);
 *     REM: C₁ = (√(d/3) L_max + 1/(2√3))/(m_min − ½), rate √h′;   REI: C₁ = √(d/3) L_max/(m_min − ½), rate √h′;
 *     SO (local linearization): C₁ = e^{(L_max − ½)h′} √d (L_max^{3/2} + √2 L_F/4)/(m_min − ½), rate h′;
 *   bound = e^{−m_min T′} √E|X₀|² + C₁·rate (+ W2(p_δ, p₀) for early stopping, which the paper does not
 *   have), with the paper's "≲" constant taken as 1 — labelled so wherever it is printed. The rates need
 *   m₀ > ½; L_F (the Frobenius-Lipschitz constant of ∇²log p_t) is 0 for Gaussian data.
 * - With the user's `C1`: the rigorous determined part derived here by synchronous coupling (the
 *   initialization term — the contraction of the exact reverse SDE applied to
 *   W2(N(0, I), p_T) ≤ e^{−S} W2(N(0, I), p₀) — and the early-stopping term W2(p_δ, p₀)) plus C1 times
 *   the rate √(d·ĥ) (first-order schemes) or √d·ĥ (local linearization) in standard OU time.
 *
 * Time change. The library's `ou` is dX = −½βX dt + √β dW. With s = βt/2 it becomes the standard
 * OU process dY = −Y ds + √2 dB of the theory literature (Y_s = X_{2s/β}). All formulas below are
 * in that standard time: horizon S = βT/2, stopping time δ = β·t_end/2, step ĥ = βh/2. Writing
 * the rate in another convention (e.g. ĥ = h) only rescales C1 by a constant factor.
 */
import { InvalidArgumentError, NonFiniteError, ShapeMismatchError } from '../errors.js';
import { normalizeProcess, processTraits, type GridKind, type ProcessInput, type ProcessSpec } from '../process.js';
import { requireFiniteArray, requireFiniteNumber, requireInteger, requireNonNegative, requireOneOf, requirePositive } from '../validate.js';

/** The samplers covered by a theorem of the paper (names as in spec §5–6). */
export type TheorySampler = 'euler-maruyama' | 'exponential' | 'randomized-midpoint' | 'randomized-exponential' | 'local-linearization';
export const theorySamplers: readonly TheorySampler[] = ['euler-maruyama', 'exponential', 'randomized-midpoint', 'randomized-exponential', 'local-linearization'];

/** Which result of the paper a sampler's bound has the form of, and its order in the step size. */
export interface TheoremInfo {
  sampler: TheorySampler;
  /** Short name of the scheme in the paper. */
  scheme: 'EM' | 'EI' | 'REM' | 'REI' | 'LL (second order, Hessian)';
  /** The discretization term of the bound: C1 · rate. */
  rateFormula: string;
  /** Exponent of ĥ in the rate: 1/2 for the first-order schemes, 1 for local linearization. */
  order: 0.5 | 1;
  /** The paper's complexity statement this rate corresponds to. */
  complexity: string;
}

export const theorems: Record<TheorySampler, TheoremInfo> = {
  'euler-maruyama': { sampler: 'euler-maruyama', scheme: 'EM', rateFormula: 'C1·√(d·ĥ)', order: 0.5, complexity: 'Õ(d/ε²) steps' },
  exponential: { sampler: 'exponential', scheme: 'EI', rateFormula: 'C1·√(d·ĥ)', order: 0.5, complexity: 'Õ(d/ε²) steps' },
  'randomized-midpoint': { sampler: 'randomized-midpoint', scheme: 'REM', rateFormula: 'C1·√(d·ĥ)', order: 0.5, complexity: 'Õ(d/ε²) steps' },
  'randomized-exponential': { sampler: 'randomized-exponential', scheme: 'REI', rateFormula: 'C1·√(d·ĥ)', order: 0.5, complexity: 'Õ(d/ε²) steps' },
  'local-linearization': { sampler: 'local-linearization', scheme: 'LL (second order, Hessian)', rateFormula: 'C1·√d·ĥ', order: 1, complexity: 'Õ(√d/ε) steps' },
};

export const theoryReference =
  'Yu & Yu, Advancing Wasserstein Convergence Analysis of Score-Based Models: Insights from Discretization and Second-Order Acceleration, NeurIPS 2025, https://arxiv.org/abs/2502.04849';

export function isTheorySampler(name: string): name is TheorySampler {
  return (theorySamplers as readonly string[]).includes(name);
}

/** A per-sampler parameter: one number for all samplers, or one per sampler. */
export type PerSampler = number | Partial<Record<TheorySampler, number>>;

/**
 * The target: a Gaussian N(μ, Σ) by the eigenvalues of Σ (and μ), or a general strongly
 * log-concave target by its constants.
 */
export interface TheoryTargetInput {
  /** Eigenvalues λ_i > 0 of Σ: m₀ = 1/λ_max, L₀ = 1/λ_min, d, E|X₀|² = |μ|² + Σλ_i all follow. */
  eigenvalues?: ArrayLike<number>;
  /** μ (with eigenvalues; default 0). W2 is rotation invariant, so any basis will do. */
  mean?: ArrayLike<number>;
  /** General target: −∇² log p₀ ≽ m₀ I (strong log-concavity). */
  m0?: number;
  /** General target: −∇² log p₀ ≼ L₀ I (smoothness). */
  L0?: number;
  /** General target: dimension. */
  d?: number;
  /** General target: E|X₀|². */
  secondMoment?: number;
  /** General target, optional: W2(p₀, N(0, I)) if known (otherwise bounded by √(E|X₀|² + d)). */
  w2ToNormal?: number;
}

export interface TheoryOptions extends TheoryTargetInput {
  /** Must be `ou` (default { name: 'ou' }: β = 1, T = 10). */
  process?: ProcessInput;
  /** Stopping time t_end ≥ 0 in the process's time (default: the process's, 1e-3). */
  tEnd?: number;
  sampler?: string;
  samplers?: readonly string[];
  /** Step counts N (intervals). */
  steps: number | readonly number[];
  /** Only 'uniform' (constant step) is covered; other grids give rows with `applicable: false`. */
  grid?: GridKind;
  /** The theorem's discretization constant (no default: without it no bound is reported). */
  C1?: PerSampler;
  /** The theorem's step-size limit on ĥ, in standard OU time (no default: the condition is then reported as unchecked). */
  maxStep?: PerSampler;
  /**
   * L_F: Lipschitz constant of ∇²log p_t in Frobenius norm (the paper's Assumption 6), used by the
   * local-linearization constant. 0 for a Gaussian target (given by eigenvalues); for a general target,
   * without it the paper's local-linearization bound is not evaluated.
   */
  LF?: number;
}

/** A bound with the paper's own constants (the "≲" constant taken as 1). */
export interface PaperBound {
  /** The paper's C₁ for this scheme and step (the local-linearization one depends on h′). */
  C1: number;
  /** Its rate: √(d h′) (EM, EI), √h′ (REM, REI: d is inside C₁) or h′ (local linearization). */
  rate: number;
  /** The step in the paper's time, h′ = βh. */
  hPaper: number;
  /** m_min = min(1, m₀) and L_max = 1 + L₀ (Assumption 1 of the paper). */
  mMin: number;
  LMax: number;
  /** e^{−m_min T′} √E|X₀|², T′ = β(T − t_end). */
  initTerm: number;
  discretizationTerm: number;
  /** initTerm + W2(p_δ, p₀) + C₁·rate. */
  bound: number;
  note: string;
}

export const paperConstantNote = 'paper constants (Yu & Yu, Thms 1, 3, 4), with the "≲" constant taken as 1';

/** The target's constants, all determined by the input. */
export interface TheoryTarget {
  /** Strong log-concavity constant of p₀ (Gaussian: 1/λ_max). */
  m0: number;
  /** Smoothness constant of −log p₀ (Gaussian: 1/λ_min; Infinity for a singular Σ). */
  L0: number;
  d: number;
  /** E|X₀|² (Gaussian: |μ|² + tr Σ). */
  secondMoment: number;
  /** W2(p₀, N(0, I)): exact for a Gaussian (|μ|² + Σ(√λ_i − 1)²)^{1/2}, else as given or bounded. */
  w2ToNormal: number;
  /** Whether w2ToNormal is exact (Gaussian or given) or the bound √(E|X₀|² + d). */
  w2ToNormalExact: boolean;
  gaussian: boolean;
}

/** Assumptions of the theorems, checked where they can be. */
export interface TheoryAssumptions {
  /** m₀ > 0 (Assumption 1 of the paper: p₀ strongly log-concave). */
  stronglyLogConcave: boolean;
  /** L₀ < ∞ (−log p₀ has an L₀-Lipschitz gradient). */
  smooth: boolean;
  /** The process is `ou` (the paper's forward process). */
  ouProcess: boolean;
  /** Constant step size (uniform grid), as in the paper's schemes. */
  uniformGrid: boolean;
  /**
   * The theorem's step-size condition ĥ ≤ maxStep: true/false when maxStep was given, null
   * (unchecked) otherwise.
   */
  stepSize: boolean | null;
  /** All of the above that could be checked hold. */
  holds: boolean;
}

/** One bound row (one sampler, one step count). */
export interface TheoryRow {
  sampler: string;
  steps: number;
  /** The sampler is covered by a theorem and the target/process/grid are in scope. */
  applicable: boolean;
  /** Why not, when applicable is false. */
  reason?: string;
  /** Step h = (T − t_end)/N in the process's time. */
  h: number;
  /** ĥ = βh/2: the step in standard OU time (dY = −Y ds + √2 dB). */
  hStd: number;
  /**
   * ĥ · Lip(reverse drift), with Lip the largest Lipschitz constant of y ↦ y + 2∇log p_s(y) over
   * s ∈ [δ, S] (from m₀, L₀: −∇²log p_s lies between 1/(σ_s² + α_s²/m₀) and 1/(σ_s² + α_s²/L₀)).
   * Step-size conditions of such theorems have the form ĥ·Lip ≤ c with c < 1.
   */
  hTimesDriftLipschitz: number;
  /**
   * Initialization term (rigorous, synchronous coupling): K · e^{−S} · W2(p₀, N(0, I)) with
   * K = e^{S−δ}(e^{2δ} + c)/(e^{2S} + c), c = 1/m₀ − 1, the contraction factor of the exact
   * reverse SDE from s = S down to s = δ (e^{−S} is the forward OU contraction).
   */
  initTerm: number;
  /**
   * Early-stopping term W2(p_δ, p₀): exact for a Gaussian, otherwise the coupling bound
   * ((1 − α_δ)² E|X₀|² + σ_δ² d)^{1/2}. Zero for t_end = 0.
   */
  truncationTerm: number;
  /** √(d·ĥ) (first-order schemes) or √d·ĥ (local linearization). */
  rate: number;
  order: 0.5 | 1;
  /** The constant used (when given). */
  C1?: number;
  /** C1 · rate (when C1 was given). */
  discretizationTerm?: number;
  /**
   * An upper bound on the total W2 (when the checked assumptions hold): with the user's C1,
   * initTerm + truncationTerm + C1·rate; otherwise the paper's (paper.bound).
   */
  bound?: number;
  /** Where `bound` comes from: the user's C1 or the paper's constants. */
  boundSource?: 'user' | 'paper';
  /** The bound with the paper's constants (when the sampler is covered, m₀ > ½ and, for local linearization, L_F is known). */
  paper?: PaperBound;
  assumptions: TheoryAssumptions;
}

export interface TheoryResult {
  reference: string;
  /** The OU time change used. */
  timeChange: string;
  process: ProcessSpec;
  /** Horizon S = βT/2 and stopping time δ = β·t_end/2 in standard OU time. */
  S: number;
  delta: number;
  T: number;
  tEnd: number;
  target: TheoryTarget;
  /** K: contraction factor of the exact reverse SDE from S to δ. */
  contraction: number;
  rows: TheoryRow[];
  notes: string[];
}

function perSampler(x: PerSampler | undefined, sampler: string, name: string): number | undefined {
  if (x === undefined) return undefined;
  const v = typeof x === 'number' ? x : (x as Record<string, number | undefined>)[sampler];
  if (v === undefined) return undefined;
  return requirePositive(v, typeof x === 'number' ? name : `${name}.${sampler}`);
}

/** The target's constants m₀, L₀, d, E|X₀|², W2(p₀, N(0, I)). */
export function theoryTarget(o: TheoryTargetInput): TheoryTarget {
  if (o.eigenvalues !== undefined) {
    if (o.m0 !== undefined || o.L0 !== undefined || o.d !== undefined || o.secondMoment !== undefined || o.w2ToNormal !== undefined)
      throw new InvalidArgumentError('give eigenvalues (Gaussian target) or m0, L0, d, secondMoment (general target), not both');
    const lambda = Float64Array.from(o.eigenvalues);
    if (lambda.length === 0) throw new InvalidArgumentError('eigenvalues must not be empty');
    requireFiniteArray(lambda, 'eigenvalues');
    lambda.forEach((v, i) => {
      if (v < 0) throw new InvalidArgumentError(`eigenvalues[${i}] is negative (${v})`);
    });
    const d = lambda.length;
    const mean = o.mean === undefined ? new Float64Array(d) : Float64Array.from(o.mean);
    if (mean.length !== d) throw new ShapeMismatchError(`mean has ${mean.length} entries, expected ${d}`);
    requireFiniteArray(mean, 'mean');
    let max = 0;
    let min = Infinity;
    let tr = 0;
    let mu2 = 0;
    let w2sq = 0;
    for (let i = 0; i < d; i++) {
      max = Math.max(max, lambda[i]!);
      min = Math.min(min, lambda[i]!);
      tr += lambda[i]!;
      mu2 += mean[i]! ** 2;
      w2sq += mean[i]! ** 2 + (Math.sqrt(lambda[i]!) - 1) ** 2;
    }
    if (!(max > 0)) throw new InvalidArgumentError('eigenvalues: at least one must be > 0 (a point mass has no finite log-concavity constant)');
    if (!Number.isFinite(mu2 + tr) || !Number.isFinite(w2sq)) throw new NonFiniteError('the target moments overflow double precision (|μ|² + tr Σ)');
    return {
      m0: 1 / max,
      L0: min > 0 ? 1 / min : Infinity,
      d,
      secondMoment: mu2 + tr,
      w2ToNormal: Math.sqrt(w2sq),
      w2ToNormalExact: true,
      gaussian: true,
    };
  }
  if (o.mean !== undefined) throw new InvalidArgumentError('mean goes with eigenvalues (for a general target give secondMoment)');
  const m0 = requirePositive(o.m0, 'm0');
  const L0 = o.L0 === Infinity ? Infinity : requirePositive(o.L0, 'L0');
  if (L0 < m0) throw new InvalidArgumentError(`L0 (${L0}) must be ≥ m0 (${m0})`);
  const d = requireInteger(o.d, 'd', 1);
  const secondMoment = requireNonNegative(o.secondMoment, 'secondMoment');
  const given = o.w2ToNormal !== undefined;
  const w2ToNormal = given ? requireNonNegative(o.w2ToNormal, 'w2ToNormal') : Math.sqrt(secondMoment + d);
  return { m0, L0, d, secondMoment, w2ToNormal, w2ToNormalExact: given, gaussian: false };
}

/**
 * K = exp(−∫_δ^S (2a(s) − 1) ds) with a(s) = 1/(e^{−2s}/m₀ + 1 − e^{−2s}) the strong-convexity
 * constant of −log p_s; in closed form K = e^{S−δ}(e^{2δ} + c)/(e^{2S} + c), c = 1/m₀ − 1
 * (computed stably for large S).
 */
export function reverseContraction(m0: number, S: number, delta: number): number {
  const c = 1 / m0 - 1;
  // e^{S−δ}(e^{2δ} + c)/(e^{2S} + c) = e^{δ−S}(1 + c e^{−2δ})/(1 + c e^{−2S})
  return Math.exp(delta - S) * (1 + c * Math.exp(-2 * delta)) / (1 + c * Math.exp(-2 * S));
}

/** Largest Lipschitz constant over s ∈ [δ, S] of the reverse drift y ↦ y + 2∇log p_s(y) (standard time). */
function driftLipschitz(m0: number, L0: number, S: number, delta: number): number {
  let lip = 0;
  for (const s of [delta, S]) {
    const e = Math.exp(-2 * s);
    const a = 1 / (e / m0 + 1 - e);
    const b = L0 === Infinity ? (s > 0 ? 1 / (1 - e) : Infinity) : 1 / (e / L0 + 1 - e);
    lip = Math.max(lip, Math.abs(1 - 2 * a), Math.abs(1 - 2 * b));
  }
  return lip;
}

/** W2(p_δ, p₀). */
function truncationTerm(o: TheoryTargetInput, target: TheoryTarget, delta: number): number {
  if (delta === 0) return 0;
  const alpha = Math.exp(-delta);
  const sigma2 = -Math.expm1(-2 * delta);
  if (target.gaussian) {
    // Per direction p_δ = N(α μ_i, α²λ_i + σ²) against N(μ_i, λ_i).
    const lambda = o.eigenvalues!;
    let sq = 0;
    for (let i = 0; i < lambda.length; i++) {
      const mu = o.mean?.[i] ?? 0;
      const l = lambda[i]!;
      sq += ((1 - alpha) * mu) ** 2 + (Math.sqrt(alpha * alpha * l + sigma2) - Math.sqrt(l)) ** 2;
    }
    return Math.sqrt(sq);
  }
  // X_δ = αX₀ + σZ coupled with X₀: E|X_δ − X₀|² = (1 − α)² E|X₀|² + σ² d.
  return Math.sqrt((1 - alpha) ** 2 * target.secondMoment + sigma2 * target.d);
}

/** The paper's C₁ and rate for `sampler` (arXiv:2502.04849, Theorems 1, 3, 4), with h′ the step in its time. */
export function paperConstant(sampler: TheorySampler, c: { mMin: number; LMax: number; LF: number; d: number; hPaper: number }): { C1: number; rate: number } {
  const gap = c.mMin - 0.5;
  const { LMax, d, hPaper: h } = c;
  switch (sampler) {
    case 'euler-maruyama':
      return { C1: (LMax + 0.5) / gap, rate: Math.sqrt(d * h) };
    case 'exponential':
      return { C1: LMax / gap, rate: Math.sqrt(d * h) };
    case 'randomized-midpoint':
      return { C1: (Math.sqrt(d / 3) * LMax + 1 / (2 * Math.sqrt(3))) / gap, rate: Math.sqrt(h) };
    case 'randomized-exponential':
      return { C1: (Math.sqrt(d / 3) * LMax) / gap, rate: Math.sqrt(h) };
    case 'local-linearization':
      return { C1: (Math.exp((LMax - 0.5) * h) * Math.sqrt(d) * (LMax ** 1.5 + (Math.SQRT2 * c.LF) / 4)) / gap, rate: h };
  }
}

/**
 * The bounds, one row per (sampler, steps), with the assumptions check. Samplers not covered
 * by a theorem get rows with `applicable: false` and the reason.
 */
export function theoryBounds(options: TheoryOptions): TheoryResult {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options must be an object');
  const process = normalizeProcess(options.process ?? 'ou');
  const defaults = processTraits(process);
  const T = defaults.T;
  const tEnd = options.tEnd === undefined ? defaults.tEnd : requireNonNegative(options.tEnd, 'tEnd');
  if (!(tEnd < T)) throw new InvalidArgumentError(`tEnd (${tEnd}) must be below the horizon T = ${T}`);
  const grid = requireOneOf(options.grid ?? 'uniform', 'grid', ['uniform', 'karras', 'logsnr'] as const);
  if (options.sampler !== undefined && options.samplers !== undefined) throw new InvalidArgumentError('give sampler or samplers, not both');
  const samplers = options.samplers !== undefined ? [...options.samplers] : [options.sampler ?? 'euler-maruyama'];
  if (samplers.length === 0) throw new InvalidArgumentError('samplers must not be empty');
  samplers.forEach((x, i) => {
    if (typeof x !== 'string') throw new InvalidArgumentError(`samplers[${i}] must be a sampler name`);
  });
  const stepsIn = options.steps;
  const steps = (Array.isArray(stepsIn) ? [...(stepsIn as readonly number[])] : [stepsIn as number]).map((n) => requireInteger(n, 'steps', 1, 1e8));
  if (steps.length === 0) throw new InvalidArgumentError('steps must not be empty');
  const target = theoryTarget(options);

  const ou = process.name === 'ou';
  const beta = ou ? defaults.betaMin! : 1;  // ou's β (the bounds below are for ou only)
  // Standard OU time s = βt/2 (for other processes the numbers below are not used for bounds).
  const S = (beta * T) / 2;
  const delta = (beta * tEnd) / 2;
  const slc = target.m0 > 0 && Number.isFinite(target.m0);
  const smooth = Number.isFinite(target.L0);
  const contraction = slc ? reverseContraction(target.m0, S, delta) : NaN;
  const initTerm = contraction * Math.exp(-S) * target.w2ToNormal;
  const trunc = truncationTerm(options, target, delta);
  const lip = slc ? driftLipschitz(target.m0, target.L0, S, delta) : NaN;
  const LF = options.LF !== undefined ? requireNonNegative(options.LF, 'LF') : target.gaussian ? 0 : undefined;

  const rows: TheoryRow[] = [];
  for (const sampler of samplers)
    for (const N of steps) {
      const h = (T - tEnd) / N;
      const hStd = (beta * h) / 2;
      const covered = isTheorySampler(sampler);
      const order = covered ? theorems[sampler].order : 0.5;
      const rate = order === 1 ? Math.sqrt(target.d) * hStd : Math.sqrt(target.d * hStd);
      const maxStep = covered ? perSampler(options.maxStep, sampler, 'maxStep') : undefined;
      const assumptions: TheoryAssumptions = {
        stronglyLogConcave: slc,
        smooth,
        ouProcess: ou,
        uniformGrid: grid === 'uniform',
        stepSize: maxStep === undefined ? null : hStd <= maxStep,
        holds: false,
      };
      assumptions.holds = slc && smooth && ou && assumptions.uniformGrid && assumptions.stepSize !== false;
      const reasons: string[] = [];
      if (!covered) reasons.push(`no theorem of the paper covers '${sampler}' (covered: ${theorySamplers.join(', ')})`);
      if (!ou) reasons.push(`the theorems are for the ou process, not '${process.name}'`);
      if (!assumptions.uniformGrid) reasons.push(`the theorems use a constant step size, not a '${grid}' grid`);
      if (!slc) reasons.push('the target is not strongly log-concave (m0 = 0)');
      if (!smooth) reasons.push('−log p0 is not smooth (L0 = ∞: singular covariance)');
      if (assumptions.stepSize === false) reasons.push(`step ĥ = ${hStd} exceeds the theorem's limit maxStep = ${maxStep}`);
      const row: TheoryRow = {
        sampler,
        steps: N,
        applicable: reasons.length === 0,
        h,
        hStd,
        hTimesDriftLipschitz: hStd * lip,
        initTerm,
        truncationTerm: trunc,
        rate,
        order,
        assumptions,
      };
      if (reasons.length > 0) row.reason = reasons.join('; ');
      if (covered && slc && smooth && target.m0 > 0.5 && (sampler !== 'local-linearization' || LF !== undefined)) {
        const mMin = Math.min(1, target.m0);
        const LMax = 1 + target.L0;
        const hPaper = beta * h;
        const k = paperConstant(sampler, { mMin, LMax, LF: LF ?? 0, d: target.d, hPaper });
        const init = Math.exp(-mMin * beta * (T - tEnd)) * Math.sqrt(target.secondMoment);
        const disc = k.C1 * k.rate;
        row.paper = { C1: k.C1, rate: k.rate, hPaper, mMin, LMax, initTerm: init, discretizationTerm: disc, bound: init + trunc + disc, note: paperConstantNote };
      }
      const C1 = covered ? perSampler(options.C1, sampler, 'C1') : undefined;
      if (C1 !== undefined) {
        row.C1 = C1;
        row.discretizationTerm = C1 * rate;
        if (row.applicable) {
          row.bound = initTerm + trunc + row.discretizationTerm;
          row.boundSource = 'user';
        }
      } else if (row.paper && row.applicable) {
        row.bound = row.paper.bound;
        row.boundSource = 'paper';
      }
      rows.push(row);
    }

  const notes = [
    `Without a user C1 the bounds use the ${paperConstantNote}: e^(−m_min·T′)·√E|X0|² + W2(p_δ, p0) + C1·rate, m_min = min(1, m0), L_max = 1 + L0, in the paper's time t′ = βt; they need m0 > 1/2.`,
    'The paper states no explicit step-size threshold (its proofs use h ≤ 1); maxStep is a user parameter, unchecked without it.',
    'With a user C1: initTerm, truncationTerm and the rates are determined by synchronous coupling and the strong log-concavity of every p_s (see docs/theory.md); C1 is valid when W2(scheme from N(0, I), exact reverse SDE from N(0, I), both at t_end) ≤ C1·rate, and then bound ≥ the total W2 by the triangle inequality.',
  ];
  if (target.m0 <= 0.5) notes.push(`m0 = ${target.m0} ≤ 1/2: the paper's rates do not apply, so no bound with its constants.`);
  if (!target.w2ToNormalExact) notes.push('W2(p0, N(0, I)) was bounded by √(E|X0|² + d) (independent coupling); give w2ToNormal for the exact value.');
  const overflow = rows.flatMap((r, i) => Object.entries(r).filter(([, v]) => typeof v === 'number' && !Number.isFinite(v)).map(([k]) => `rows[${i}].${k}`));
  if (!Number.isFinite(contraction)) overflow.unshift('contraction');
  if (overflow.length > 0) throw new NonFiniteError(`theoryBounds: ${overflow.slice(0, 3).join(', ')} overflow double precision for this target`);
  return {
    reference: theoryReference,
    timeChange: `ou (dX = −½βX dt + √β dW, β = ${beta}) in standard OU time s = βt/2 (dY = −Y ds + √2 dB): S = βT/2 = ${S}, δ = β·t_end/2 = ${delta}, ĥ = βh/2`,
    process,
    S,
    delta,
    T,
    tEnd,
    target,
    contraction,
    rows,
    notes,
  };
}

/**
 * The smallest C1 that makes initTerm + truncationTerm + C1·rate ≥ the measured total at every
 * given row: any valid C1 is at least this (a lower bound on the theorem's constant, from the
 * measurement). 0 when the determined terms alone already cover every measurement.
 */
export function requiredC1(rows: readonly Pick<TheoryRow, 'initTerm' | 'truncationTerm' | 'rate'>[], totals: readonly number[]): number {
  if (!Array.isArray(rows) || !Array.isArray(totals)) throw new InvalidArgumentError('requiredC1 needs arrays of rows and totals');
  if (rows.length !== totals.length) throw new InvalidArgumentError(`requiredC1: ${rows.length} rows but ${totals.length} totals`);
  let c = 0;
  rows.forEach((r, i) => {
    requireFiniteNumber(totals[i], `totals[${i}]`);
    requireFiniteNumber(r?.initTerm, `rows[${i}].initTerm`);
    requireFiniteNumber(r?.truncationTerm, `rows[${i}].truncationTerm`);
    requirePositive(r?.rate, `rows[${i}].rate`);
    if (!Number.isFinite((totals[i]! - r.initTerm - r.truncationTerm) / r.rate)) throw new NonFiniteError(`requiredC1: row ${i} overflows double precision`);
    c = Math.max(c, (totals[i]! - r.initTerm - r.truncationTerm) / r.rate);
  });
  return c;
}
