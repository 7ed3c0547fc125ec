/**
 * Options of the k-diffusion samplers (η, s_noise, s_churn, s_tmin, s_tmax), checked and routed
 * to the native `eta` (ddim's η) and `params` fields. Typed errors before any native work.
 */
import { InvalidArgumentError } from './errors.js';
import type { SamplerName } from './process.js';
import { requireFiniteNumber } from './validate.js';

export interface SamplerParamOptions {
  /** ddim: η ∈ [0, 1] (default 0). euler-ancestral, dpmpp-2s-ancestral, dpmpp-2m-sde, dpmpp-3m-sde: η ≥ 0 (default 1, k-diffusion's). */
  eta?: number;
  /** The η samplers above and edm: scale of the fresh noise (default 1). */
  sNoise?: number;
  /** edm: S_churn ≥ 0 (default 0: the deterministic Heun sampler). */
  sChurn?: number;
  /** edm: churn only where S_tmin ≤ ς ≤ S_tmax (noise levels ς = σ/α; default 0, ∞). */
  sTmin?: number;
  sTmax?: number;
  /** unipc: order 1–3 (default 2; needs at least that many steps). lms: order 1–4 (default 4). */
  order?: number;
  /** dpm-adaptive: relative and absolute error tolerances (default 0.05, 0.0078), first step in λ (0.05). */
  rtol?: number;
  atol?: number;
  hInit?: number;
  /** dpm-adaptive: PID step-size controller coefficients (default 0, 1, 0) and acceptance threshold (0.81). */
  pcoeff?: number;
  icoeff?: number;
  dcoeff?: number;
  acceptSafety?: number;
  /** unipc: B(h) variant 'bh1' (B = hh, hh = −h for data prediction) or 'bh2' (B = e^{hh} − 1; default, as diffusers). */
  variant?: 'bh1' | 'bh2';
  /** unipc: apply the UniC corrector (default true). */
  corrector?: boolean;
}

export interface NativeSamplerParams {
  eta: number;
  sNoise: number;
  sChurn: number;
  sTmin: number;
  sTmax: number;
  order?: number;
  variant?: 'bh1' | 'bh2';
  corrector?: boolean;
  rtol?: number;
  atol?: number;
  hInit?: number;
  pcoeff?: number;
  icoeff?: number;
  dcoeff?: number;
  acceptSafety?: number;
}

const ancestral: readonly string[] = ['euler-ancestral', 'dpmpp-2s-ancestral', 'dpmpp-2m-sde', 'dpmpp-3m-sde'];
const noiseScaled: readonly string[] = [...ancestral, 'edm'];

/**
 * ddim's η and the params object for the native sampler and analysis. `etaForAny`: accept (and
 * ignore) η for samplers without one (the analysis functions always did).
 */
export function samplerParams(sampler: SamplerName, o: SamplerParamOptions, etaForAny = false): { eta: number; params: NativeSamplerParams } {
  const params: NativeSamplerParams = { eta: 1, sNoise: 1, sChurn: 0, sTmin: 0, sTmax: 1e300 };
  let eta = 0;
  if (o.eta !== undefined) {
    const e = requireFiniteNumber(o.eta, 'eta');
    if (sampler === 'ddim') {
      if (e < 0 || e > 1) throw new InvalidArgumentError(`eta must be in [0, 1] for 'ddim', got ${e}`);
      eta = e;
    } else if (ancestral.includes(sampler)) {
      if (e < 0) throw new InvalidArgumentError(`eta must be >= 0 for '${sampler}', got ${e}`);
      params.eta = e;
    } else if (!etaForAny) throw new InvalidArgumentError(`eta applies to the 'ddim' and ancestral samplers only, not '${sampler}'`);
    else if (e < 0 || e > 1) throw new InvalidArgumentError(`eta must be in [0, 1], got ${e}`);
  }
  if (o.sNoise !== undefined) {
    if (!noiseScaled.includes(sampler)) throw new InvalidArgumentError(`sNoise applies to ${noiseScaled.join(', ')} only, not '${sampler}'`);
    params.sNoise = requireFiniteNumber(o.sNoise, 'sNoise');
    if (params.sNoise < 0) throw new InvalidArgumentError(`sNoise must be >= 0, got ${params.sNoise}`);
  }
  for (const key of ['sChurn', 'sTmin', 'sTmax'] as const) {
    if (o[key] === undefined) continue;
    if (sampler !== 'edm') throw new InvalidArgumentError(`${key} applies to the 'edm' sampler only, not '${sampler}'`);
    const v = key === 'sTmax' && o[key] === Infinity ? 1e300 : requireFiniteNumber(o[key], key);
    if (v < 0) throw new InvalidArgumentError(`${key} must be >= 0, got ${v}`);
    params[key] = v;
  }
  const orders: Record<string, [number, number]> = { unipc: [1, 3], lms: [1, 4], 'dpm-adaptive': [2, 3] };
  if (o.order !== undefined) {
    const range = orders[sampler];
    if (range === undefined) throw new InvalidArgumentError(`order applies to ${Object.keys(orders).join(', ')} only, not '${sampler}'`);
    if (!Number.isInteger(o.order) || o.order < range[0] || o.order > range[1])
      throw new InvalidArgumentError(`order must be an integer in [${range[0]}, ${range[1]}] for '${sampler}', got ${o.order}`);
    params.order = o.order;
  }
  for (const key of ['rtol', 'atol', 'hInit', 'pcoeff', 'icoeff', 'dcoeff', 'acceptSafety'] as const) {
    if (o[key] === undefined) continue;
    if (sampler !== 'dpm-adaptive') throw new InvalidArgumentError(`${key} applies to the 'dpm-adaptive' sampler only, not '${sampler}'`);
    const v = requireFiniteNumber(o[key], key);
    if (key !== 'pcoeff' && key !== 'icoeff' && key !== 'dcoeff' && !(v > 0)) throw new InvalidArgumentError(`${key} must be > 0, got ${v}`);
    params[key] = v;
  }
  for (const key of ['variant', 'corrector'] as const) {
    if (o[key] === undefined) continue;
    if (sampler !== 'unipc') throw new InvalidArgumentError(`${key} applies to the 'unipc' sampler only, not '${sampler}'`);
  }
  if (o.variant !== undefined) {
    if (o.variant !== 'bh1' && o.variant !== 'bh2') throw new InvalidArgumentError(`variant must be 'bh1' or 'bh2', got '${String(o.variant)}'`);
    params.variant = o.variant;
  }
  if (o.corrector !== undefined) {
    if (typeof o.corrector !== 'boolean') throw new InvalidArgumentError('corrector must be a boolean');
    params.corrector = o.corrector;
  }
  if (params.sTmax < params.sTmin) throw new InvalidArgumentError(`sTmax (${params.sTmax}) must be >= sTmin (${params.sTmin})`);
  return { eta, params };
}
