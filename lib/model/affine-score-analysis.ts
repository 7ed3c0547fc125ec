/**
 * The exact Gaussian analysis (spec §7) run with a learned score replaced by its best affine fit.
 * At every time a step evaluates the score, s(τ, x) ≈ A_τ x + b_τ is fitted by least squares over
 * draws of the true p_τ; a linear-stage scheme with an affine score maps Gaussians to Gaussians, so
 * the law after N steps is N(m_N, C_N), computed exactly by executing the scheme's step plans on
 * affine forms, and its W2 to the Gaussian target is exact (Pierret & Galerne's score-error
 * component, for the model's affine part). For d of a few dozen at most (dense d × d algebra).
 */
import { InvalidArgumentError, UnsupportedError } from '../errors.js';
import { normalizeProcess, processCoefficients, schemeInfo, stepPlan, timeGrid, type GridKind, type ProcessInput, type SamplerName, type StepPlan } from '../process.js';
import { sampleMarginal, type GaussianTargetSpec } from '../targets.js';
import { requireInteger } from '../validate.js';
import { gaussianW2 } from '../w2.js';

/** An affine score s(x) = A x + b (A: d × d row-major). */
export interface AffineScore {
  A: Float64Array;
  b: Float64Array;
}

/** A vector-valued affine form M x + c + Σ_l N_l Z_l in the step's start x and its noises Z_l. */
interface AffineForm {
  M: Float64Array;
  c: Float64Array;
  N: Float64Array[];
}

const matmul = (A: Float64Array, B: Float64Array, d: number) => {
  const C = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) for (let j = 0; j < d; j++) C[i * d + j] += A[i * d + k] * B[k * d + j];
  return C;
};
const matvec = (A: Float64Array, v: Float64Array, d: number) => {
  const out = new Float64Array(d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i] += A[i * d + j] * v[j];
  return out;
};
/** A B Aᵀ. */
const sandwich = (A: Float64Array, B: Float64Array, d: number) => {
  const AB = matmul(A, B, d);
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) out[i * d + j] += AB[i * d + k] * A[j * d + k];
  return out;
};

/** Least squares of s ≈ A x + b over m rows (normal equations of [x, 1], solved by Cholesky). */
export function fitAffine(x: ArrayLike<number>, s: ArrayLike<number>, m: number, d: number): AffineScore {
  const p = d + 1;
  const G = new Float64Array(p * p);
  const R = new Float64Array(p * d);
  const row = new Float64Array(p);
  for (let r = 0; r < m; r++) {
    for (let j = 0; j < d; j++) row[j] = x[r * d + j];
    row[d] = 1;
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) G[i * p + j] += row[i] * row[j];
      for (let j = 0; j < d; j++) R[i * d + j] += row[i] * s[r * d + j];
    }
  }
  const L = new Float64Array(p * p); // G = L Lᵀ
  for (let i = 0; i < p; i++)
    for (let j = 0; j <= i; j++) {
      let v = G[i * p + j];
      for (let k = 0; k < j; k++) v -= L[i * p + k] * L[j * p + k];
      if (i === j && !(v > 0)) throw new InvalidArgumentError('the fit points do not span an affine basis (too few or degenerate)');
      L[i * p + j] = i === j ? Math.sqrt(v) : v / L[j * p + j];
    }
  const beta = new Float64Array(p * d); // G β = R, column by column
  for (let col = 0; col < d; col++) {
    const y = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      let v = R[i * d + col];
      for (let k = 0; k < i; k++) v -= L[i * p + k] * y[k];
      y[i] = v / L[i * p + i];
    }
    for (let i = p - 1; i >= 0; i--) {
      let v = y[i];
      for (let k = i + 1; k < p; k++) v -= L[k * p + i] * beta[k * d + col];
      beta[i * d + col] = v / L[i * p + i];
    }
  }
  const A = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) A[i * d + j] = beta[j * d + i];
  return { A, b: beta.slice(d * d) };
}

/** Executes one step plan on affine forms, given the affine score at each stage time. */
function stepAffine(plan: StepPlan, scores: AffineScore[], d: number): AffineForm {
  const eye = new Float64Array(d * d);
  for (let i = 0; i < d; i++) eye[i * d + i] = 1;
  const zero = () => new Float64Array(d * d);
  const regs: AffineForm[] = [{ M: eye, c: new Float64Array(d), N: Array.from({ length: plan.noises }, zero) }];
  const stageScores: AffineForm[] = [];
  const combine = (w: StepPlan['output']): AffineForm => {
    const out: AffineForm = { M: zero(), c: new Float64Array(d), N: Array.from({ length: plan.noises }, zero) };
    const add = (f: AffineForm, a: number) => {
      if (a === 0) return;
      f.M.forEach((v, i) => (out.M[i] += a * v));
      f.c.forEach((v, i) => (out.c[i] += a * v));
      f.N.forEach((N, l) => N.forEach((v, i) => (out.N[l][i] += a * v)));
    };
    regs.forEach((r, j) => add(r, w.reg[j]));
    stageScores.forEach((s, j) => add(s, w.score[j]));
    for (let l = 0; l < plan.noises; l++) for (let i = 0; i < d; i++) out.N[l][i * d + i] += w.noise[l];
    return out;
  };
  for (let j = 0; j < plan.stages; j++) {
    if (j > 0) regs.push(combine(plan.input[j]));
    const { A, b } = scores[j];
    const r = regs[j];
    stageScores.push({ M: matmul(A, r.M, d), c: matvec(A, r.c, d).map((v, i) => v + b[i]), N: r.N.map((N) => matmul(A, N, d)) });
  }
  return combine(plan.output);
}

export interface AffineAnalysisOptions {
  target: GaussianTargetSpec;
  /** The score to fit at time τ: writes s(τ, x_i) for the m rows of x into out. */
  score: (t: number, x: Float64Array, m: number, out: Float64Array) => Promise<void>;
  process?: ProcessInput;
  sampler: SamplerName;
  steps: number;
  grid?: GridKind;
  tEnd?: number;
  /** Start: 'normal' (N(0, I) on vp/ou, N(0, σ_T² I) otherwise) or 'exact' (p_T). */
  prior?: 'normal' | 'exact';
  /** Draws of p_τ per fit (default 4096). */
  fitSamples?: number;
  seed?: number;
}

export interface AffineAnalysisResult {
  mean: Float64Array;
  covariance: Float64Array;
  /** Exact W2 between N(mean, covariance) and the target. */
  w2: number;
}

function targetMoments(t: GaussianTargetSpec, d: number) {
  const cov = new Float64Array(d * d);
  if (t.covariance) cov.set(t.covariance);
  else t.variances?.forEach((v, i) => (cov[i * d + i] = v));
  return { mean: Float64Array.from(t.mean), cov };
}

/** The law after the sampler with the fitted affine scores, and its exact W2 to the target. */
export async function affineScoreAnalysis(o: AffineAnalysisOptions): Promise<AffineAnalysisResult> {
  const info = schemeInfo(o.sampler);
  if (info.randomized || info.usesHessian) throw new UnsupportedError(`the affine-fit analysis runs linear-stage schemes only, not '${o.sampler}'`);
  const process = normalizeProcess(o.process ?? 'vp');
  const d = o.target.mean.length;
  const m = requireInteger(o.fitSamples ?? 4096, 'fitSamples', d + 1, 2 ** 24);
  const grid = timeGrid(process, { kind: o.grid ?? 'uniform', steps: requireInteger(o.steps, 'steps', 1, 1e6), tEnd: o.tEnd });
  const { mean: mu, cov: sigma } = targetMoments(o.target, d);
  const [T] = [grid[0]];
  const pc = processCoefficients(process, [T]);
  const [aT, sT] = [pc.alpha[0], pc.sigma[0]];
  let mean = o.prior === 'exact' ? mu.map((v) => aT * v) : new Float64Array(d);
  let cov = new Float64Array(d * d);
  const startVar = pc.variancePreserving ? 1 : sT * sT;
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) cov[i * d + j] = o.prior === 'exact' ? aT * aT * sigma[i * d + j] + (i === j ? sT * sT : 0) : i === j ? startVar : 0;
  const fits = new Map<number, AffineScore>();
  const fitAt = async (tau: number) => {
    if (!fits.has(tau)) {
      const x = (await sampleMarginal(o.target, process, tau, { n: m, seed: o.seed ?? 0 })).data as Float64Array;
      const s = new Float64Array(m * d);
      await o.score(tau, x, m, s);
      fits.set(tau, fitAffine(x, s, m, d));
    }
    return fits.get(tau) as AffineScore;
  };
  for (let k = 0; k + 1 < grid.length; k++) {
    const plan = stepPlan(o.sampler, process, grid[k], grid[k + 1]);
    const scores = [];
    for (let j = 0; j < plan.stages; j++) scores.push(await fitAt(plan.scoreTime[j]));
    const f = stepAffine(plan, scores, d);
    mean = matvec(f.M, mean, d).map((v, i) => v + f.c[i]);
    const next = sandwich(f.M, cov, d);
    for (const N of f.N) // + N Nᵀ per fresh noise
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let l = 0; l < d; l++) next[i * d + j] += N[i * d + l] * N[j * d + l];
    cov = next;
  }
  const w = gaussianW2(mean, cov, mu, sigma);
  return { mean, covariance: cov, w2: w.w2 };
}
