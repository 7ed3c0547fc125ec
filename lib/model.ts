/**
 * Model conventions: users hold denoisers and noise predictors, not scores. A `model` is turned
 * into the score callback the samplers run, per process (x_t = α x₀ + σ z, ς = σ/α):
 *
 * | prediction  | the callback returns                   | score s(t, x)                        |
 * |-------------|----------------------------------------|--------------------------------------|
 * | `score`     | s(t, x)                                | itself                               |
 * | `x0`        | x̂₀(x, t)                               | (α x̂₀ − x)/σ²                        |
 * | `eps`       | ε̂(x, t)                                | −ε̂/σ                                 |
 * | `v`         | v̂ = α ε̂ − σ x̂₀ (Salimans & Ho 2022)    | −ε̂/σ, ε̂ = (σ x + α v̂)/(α² + σ²)      |
 * | `denoiser`  | D(y, ς) with y = x/α (k-diffusion's)    | (α D − x)/σ²                         |
 *
 * `denoiser` is called with the noise level ς instead of t and with the scaled input y = x/α
 * (k-diffusion's model wrappers: for vp, ς = √(e^{B(t)} − 1) and y = x/α = x √(1 + ς²)).
 * The optional per-step callback receives { step, t, x, denoised } at each step's first
 * evaluation (k-diffusion's `callback`), with x̂₀ = (x + σ² s)/α.
 */
import { InvalidArgumentError } from './errors.js';
import type { FloatArray } from './ndarray.js';
import { karrasZeroGrid, processCoefficients, schemeInfo, stepPlan, timeGrid, type GridKind, type ProcessInput, type SamplerName } from './process.js';

export type ModelPrediction = 'score' | 'x0' | 'eps' | 'v' | 'denoiser';
export const modelPredictions: readonly ModelPrediction[] = ['score', 'x0', 'eps', 'v', 'denoiser'];

/** Same shape as a score callback: (t or ς, x or y, n, d, out) => void, batched over n rows. */
export type ModelCallback = (t: number | Float64Array, x: FloatArray, n: number, d: number, out: FloatArray) => void;

export interface ModelInput {
  prediction: ModelPrediction;
  fn: ModelCallback;
}

export interface StepInfo {
  step: number;
  t: number;
  /** The evaluated rows (n × d), valid during the call only. */
  x: FloatArray;
  /** x̂₀ at those rows (n × d). */
  denoised: Float64Array;
}

/** α and σ at one time, or per row for per-particle times. */
function scales(process: ProcessInput, t: number | Float64Array, n: number): { alpha: Float64Array; sigma: Float64Array } {
  const times = typeof t === 'number' ? [t] : t;
  const c = processCoefficients(process, times);
  if (typeof t === 'number') return { alpha: new Float64Array(n).fill(c.alpha[0]!), sigma: new Float64Array(n).fill(c.sigma[0]!) };
  return { alpha: c.alpha, sigma: c.sigma };
}

/** The score callback of a model with the given prediction type. */
export function scoreFromModel(process: ProcessInput, model: ModelInput): ModelCallback {
  if (typeof model !== 'object' || model === null || typeof model.fn !== 'function')
    throw new InvalidArgumentError('model must be { prediction, fn } with fn a function (t, x, n, d, out) => void');
  if (!modelPredictions.includes(model.prediction))
    throw new InvalidArgumentError(`model.prediction must be one of ${modelPredictions.join(', ')}, got '${String(model.prediction)}'`);
  const { prediction, fn } = model;
  if (prediction === 'score') return fn;
  return (t, x, n, d, out) => {
    const { alpha, sigma } = scales(process, t, n);
    if (prediction === 'denoiser') {
      const y = new Float64Array(n * d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) y[i * d + j] = x[i * d + j]! / alpha[i]!;
      const level = typeof t === 'number' ? sigma[0]! / alpha[0]! : Float64Array.from(alpha, (a, i) => sigma[i]! / a);
      fn(level, y, n, d, out);
    } else fn(t, x, n, d, out);
    for (let i = 0; i < n; i++) {
      const a = alpha[i]!;
      const s = sigma[i]!;
      for (let j = 0; j < d; j++) {
        const q = i * d + j;
        const m = out[q]!;
        const xv = x[q]!;
        if (prediction === 'eps') out[q] = -m / s;
        else if (prediction === 'v') out[q] = -((s * xv + a * m) / (a * a + s * s)) / s;
        else out[q] = (a * m - xv) / (s * s); // x0, denoiser
      }
    }
  };
}

export interface StepCallbackRun {
  sampler: SamplerName;
  process: ProcessInput;
  grid: GridKind | 'karras-zero' | ArrayLike<number> | undefined;
  steps: number | undefined;
  tEnd: number | undefined;
  rho: number | undefined;
  scoreDefinedAtZero: boolean;
}

/**
 * Wraps a score callback so that `onStep` sees each step's first evaluation. The evaluations of
 * step k are counted from the step plans (their stage counts), so the callback also works for
 * plans whose first evaluation is not at t_k (edm's churn).
 */
export function withStepCallback(score: ModelCallback, run: StepCallbackRun, onStep: (info: StepInfo) => void): ModelCallback {
  if (typeof onStep !== 'function') throw new InvalidArgumentError('callback must be a function ({ step, t, x, denoised }) => void');
  const info = schemeInfo(run.sampler);
  if (info.usesHessian) throw new InvalidArgumentError(`callback is not available for '${run.sampler}' (its evaluations include finite differences)`);
  const grid =
    run.grid === 'karras-zero'
      ? karrasZeroGrid(run.process, { steps: run.steps ?? 0, ...(run.tEnd !== undefined ? { tEnd: run.tEnd } : {}), ...(run.rho !== undefined ? { rho: run.rho } : {}) })
      : run.grid !== undefined && typeof run.grid !== 'string'
      ? Float64Array.from(run.grid)
      : timeGrid(run.process, { kind: run.grid ?? 'uniform', steps: run.steps ?? 0, ...(run.tEnd !== undefined ? { tEnd: run.tEnd } : {}), ...(run.rho !== undefined ? { rho: run.rho } : {}) });
  const firstCall: number[] = [];
  let calls = 0;
  for (let k = 0; k + 1 < grid.length; k++) {
    firstCall.push(calls);
    calls += info.randomized ? 2 : stepPlan(run.sampler, run.process, grid[k]!, grid[k + 1]!, { grid, scoreDefinedAtZero: run.scoreDefinedAtZero }).stages;
  }
  let call = 0;
  let step = 0;
  return (t, x, n, d, out) => {
    score(t, x, n, d, out);
    if (step < firstCall.length && call === firstCall[step]) {
      const time = typeof t === 'number' ? t : t[0]!;
      const { alpha, sigma } = scales(run.process, time, 1);
      const a = alpha[0]!;
      const s2 = sigma[0]! ** 2;
      const denoised = Float64Array.from({ length: n * d }, (_, q) => (x[q]! + s2 * out[q]!) / a);
      onStep({ step, t: time, x, denoised });
      step++;
    }
    call++;
  };
}
