/**
 * What a network predicts, and how it takes time: the conversions between a model's output and the
 * score s(t, x) = ∇ log p_t(x) that every sampler uses (spec §1, §4). With x = α x₀ + σ ε
 * (α = α(t), σ = σ(t), ς = σ/α):
 *   score:  s = y
 *   eps:    ε̂ = y,              s = −ε̂/σ
 *   x0:     x̂₀ = y,             s = (α x̂₀ − x)/σ²                      (Tweedie)
 *   v:      v̂ = α ε − σ x₀ = y, x̂₀ = (α x − σ v̂)/(α² + σ²), s = (α x̂₀ − x)/σ²  (Salimans & Ho 2022, §4;
 *           written for any α, σ: on vp/ou α² + σ² = 1 and this is their v)
 *   denoiser: k-diffusion's D(x̃, ς) in the variance-exploding variable x̃ = x/α: fed x/α and ς,
 *           s = (α D − x)/σ²
 *   edm:    the network F of Karras et al. 2022 (Table 1, "Ours") in the variance-exploding variable
 *           x̃ = x/α at noise ς: D = c_skip x̃ + c_out F(c_in x̃, c_noise), c_skip = σ_d²/(ς² + σ_d²),
 *           c_out = ς σ_d/√(ς² + σ_d²), c_in = 1/√(ς² + σ_d²), c_noise = ¼ ln ς; s = (α D − x)/σ².
 * Time inputs: t itself, ς ('sigma'), log-SNR log(α²/σ²) ('logsnr'), or a discrete timestep index of a
 * DDPM schedule ('timestep', fractional: the index whose ᾱ matches α(t)², interpolated in log-SNR).
 */
import { InvalidArgumentError } from '../errors.js';

export type Parameterization = 'score' | 'eps' | 'x0' | 'v' | 'denoiser' | 'edm';
export type TimeInput = 't' | 'sigma' | 'logsnr' | 'timestep';
export const parameterizations: readonly Parameterization[] = ['score', 'eps', 'x0', 'v', 'denoiser', 'edm'];
export const timeInputs: readonly TimeInput[] = ['t', 'sigma', 'logsnr', 'timestep'];

/** A discrete DDPM schedule: its ᾱ_i (decreasing), or linear β_i from betaStart to betaEnd over count steps. */
export type TimestepSchedule = { alphasCumprod: ArrayLike<number> } | { count?: number; betaStart?: number; betaEnd?: number };

/** α and σ of the process at each row's time. */
export interface RowCoefficients {
  alpha: Float64Array;
  sigma: Float64Array;
}

/** ᾱ_i of a schedule; the default is DDPM's linear β from 1e-4 to 0.02 over 1000 steps (Ho et al. 2020, §4). */
export function alphasCumprod(s: TimestepSchedule = {}): Float64Array {
  if ('alphasCumprod' in s) return Float64Array.from(s.alphasCumprod);
  const count = s.count ?? 1000;
  const b0 = s.betaStart ?? 1e-4;
  const b1 = s.betaEnd ?? 0.02;
  const out = new Float64Array(count);
  let prod = 1;
  for (let i = 0; i < count; i++) {
    prod *= 1 - (count === 1 ? b0 : b0 + ((b1 - b0) * i) / (count - 1));
    out[i] = prod;
  }
  return out;
}

/** The fractional index i with log-SNR(ᾱ_i) = log(α²/σ²), linear in log-SNR between entries, clamped to the ends. */
export function timestepOfLogSnr(logSnr: number, abar: Float64Array): number {
  const lsnr = (a: number) => Math.log(a / (1 - a));
  if (logSnr >= lsnr(abar[0])) return 0;
  const last = abar.length - 1;
  if (logSnr <= lsnr(abar[last])) return last;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (lsnr(abar[mid]) >= logSnr) lo = mid;
    else hi = mid;
  }
  const a = lsnr(abar[lo]);
  const b = lsnr(abar[hi]);
  return lo + (a - logSnr) / (a - b);
}

/** The time a network of this parameterization is fed: its own for denoiser (ς) and edm (c_noise), else the chosen input. */
export function timeInputOf(p: Parameterization, chosen: TimeInput): TimeInput | 'edm' {
  return p === 'edm' ? 'edm' : p === 'denoiser' ? 'sigma' : chosen;
}

/** The model's time input for each row. */
export function timeFeature(kind: TimeInput | 'edm', t: Float64Array, c: RowCoefficients, abar?: Float64Array): Float64Array {
  const out = new Float64Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const varsigma = c.sigma[i] / c.alpha[i];
    if (kind === 't') out[i] = t[i];
    else if (kind === 'sigma') out[i] = varsigma;
    else if (kind === 'edm') out[i] = 0.25 * Math.log(varsigma);
    else {
      const logSnr = -2 * Math.log(varsigma);
      out[i] = kind === 'logsnr' ? logSnr : timestepOfLogSnr(logSnr, abar as Float64Array);
    }
  }
  return out;
}

/** EDM's preconditioning factors at noise ς (Karras et al. 2022, Table 1). */
export function edmFactors(varsigma: number, sigmaData: number) {
  const r = varsigma * varsigma + sigmaData * sigmaData;
  return { skip: (sigmaData * sigmaData) / r, out: (varsigma * sigmaData) / Math.sqrt(r), in: 1 / Math.sqrt(r) };
}

/**
 * Every parameterization is linear in (x, y) at a given time: the network is fed inScale·x and the
 * score is s = a x + b y. Per row, from α, σ (σ > 0):
 *   score (0, 1); eps (0, −1/σ); x0 (−1/σ², α/σ²); v (−1/(α² + σ²), −α/(σ(α² + σ²)));
 *   denoiser (−1/σ², α/σ²) with inScale 1/α; edm ((c_skip − 1)/σ², α c_out/σ²) with inScale c_in/α.
 */
export interface OutputMap {
  inScale: number;
  a: number;
  b: number;
}

export function outputMap(p: Parameterization, alpha: number, sigma: number, sigmaData: number): OutputMap {
  if (!(sigma > 0)) throw new InvalidArgumentError(`a '${p}' model has no score where σ(t) = 0 (t = t_end = 0?)`);
  const s2 = sigma * sigma;
  switch (p) {
    case 'score':
      return { inScale: 1, a: 0, b: 1 };
    case 'eps':
      return { inScale: 1, a: 0, b: -1 / sigma };
    case 'x0':
      return { inScale: 1, a: -1 / s2, b: alpha / s2 };
    case 'denoiser':
      return { inScale: 1 / alpha, a: -1 / s2, b: alpha / s2 };
    case 'v': {
      const r = alpha * alpha + s2;
      return { inScale: 1, a: -1 / r, b: -alpha / (sigma * r) };
    }
    case 'edm': {
      const f = edmFactors(sigma / alpha, sigmaData);
      return { inScale: f.in / alpha, a: (f.skip - 1) / s2, b: (alpha * f.out) / s2 };
    }
  }
}

/** What the network is fed as x: x itself, or c_in x/α for EDM. Rows of d entries. */
export function modelInput(p: Parameterization, x: ArrayLike<number>, d: number, c: RowCoefficients, sigmaData: number, out: Float64Array | Float32Array): void {
  for (let i = 0; i < c.alpha.length; i++) {
    const scale = outputMap(p, c.alpha[i], c.sigma[i], sigmaData).inScale;
    for (let j = i * d; j < (i + 1) * d; j++) out[j] = scale * x[j];
  }
}

/** Turns the network's output y (rows of d) into the score, written to `out`. */
export function scoreFromOutput(p: Parameterization, y: ArrayLike<number>, x: ArrayLike<number>, d: number, c: RowCoefficients, sigmaData: number, out: Float64Array | Float32Array): void {
  for (let i = 0; i < c.alpha.length; i++) {
    const m = outputMap(p, c.alpha[i], c.sigma[i], sigmaData);
    for (let j = i * d; j < (i + 1) * d; j++) out[j] = m.a * x[j] + m.b * y[j];
  }
}
