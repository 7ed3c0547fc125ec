/**
 * Options of the k-diffusion samplers (η, s_noise, s_churn, s_tmin, s_tmax), checked and routed
 * to the native `eta` (ddim's η) and `params` fields. Typed errors before any native work.
 */
import { InvalidArgumentError } from './errors.js';
import { schemes, type SamplerName } from './process.js';
import { DEFAULT_STABILIZE_CAP } from './sample.js';
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

/** What the native reader (native/binding/sampler_params_arg.cc) takes: the options above, η, s_noise and the edm churn filled in. */
export type NativeSamplerParams = Required<Pick<SamplerParamOptions, 'eta' | 'sNoise' | 'sChurn' | 'sTmin' | 'sTmax'>> &
  Omit<SamplerParamOptions, 'eta' | 'sNoise' | 'sChurn' | 'sTmin' | 'sTmax'>;

// What the native catalogue says of a sampler's η and order options (undefined: unknown name).
const traits = (sampler: string) => schemes().find((s) => s.name === sampler);
const isAncestral = (sampler: string) => traits(sampler)?.eta.startsWith('ancestral') ?? false;
// The ancestral samplers' noise scale, and edm's.
const takesNoiseScale = (sampler: string) => isAncestral(sampler) || sampler === 'edm';
const noiseScaled = () => schemes().map((s) => s.name).filter(takesNoiseScale);

/**
 * ddim's η and the params object for the native sampler and analysis. `etaForAny`: accept (and
 * ignore) η for samplers without one (the analysis functions always did).
 */
export function samplerParams(sampler: SamplerName, o: SamplerParamOptions, etaForAny = false): { eta: number; params: NativeSamplerParams } {
  const params: NativeSamplerParams = { eta: 1, sNoise: 1, sChurn: 0, sTmin: 0, sTmax: 1e300 };
  let eta = 0;
  if (o.eta !== undefined) {
    const e = requireFiniteNumber(o.eta, 'eta');
    if (traits(sampler)?.eta === 'ddim') {
      if (e < 0 || e > 1) throw new InvalidArgumentError(`eta must be in [0, 1] for 'ddim', got ${e}`);
      eta = e;
    } else if (isAncestral(sampler)) {
      if (e < 0) throw new InvalidArgumentError(`eta must be >= 0 for '${sampler}', got ${e}`);
      params.eta = e;
    } else if (!etaForAny) throw new InvalidArgumentError(`eta applies to the 'ddim' and ancestral samplers only, not '${sampler}'`);
    else if (e < 0 || e > 1) throw new InvalidArgumentError(`eta must be in [0, 1], got ${e}`);
  }
  if (o.sNoise !== undefined) {
    if (!takesNoiseScale(sampler)) throw new InvalidArgumentError(`sNoise applies to ${noiseScaled().join(', ')} only, not '${sampler}'`);
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
  if (o.order !== undefined) {
    const range = traits(sampler)?.orderOption;
    if (range === undefined) throw new InvalidArgumentError(`order applies to ${samplersTaking('order')} only, not '${sampler}'`);
    if (!Number.isInteger(o.order) || o.order < range.min || o.order > range.max)
      throw new InvalidArgumentError(`order must be an integer in [${range.min}, ${range.max}] for '${sampler}', got ${o.order}`);
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

// ---------------------------------------------------------------------------------------
// The same options for the exact analysis (tables, the steps-to-accuracy search, studies):
// options shared by a list of samplers, or given per sampler entry.

/** Every option of a sampler: the k-diffusion options above and the stabilized local linearization. */
export interface SamplerOptions extends SamplerParamOptions {
  /** local-linearization, local-linearization-ode: the stabilized variant with cap κ on hμ (true: κ = 0.5, as SampleOptions.stabilize). */
  stabilize?: boolean | number;
}

/** A sampler with its own options (a table or search may list the same sampler with different options). */
export type SamplerEntry = { name: SamplerName } & SamplerOptions;

/** The samplers each option applies to. */
const appliesTo: Record<keyof SamplerOptions, (s: string) => boolean> = {
  eta: (s) => (traits(s)?.eta ?? 'none') !== 'none',
  sNoise: takesNoiseScale,
  sChurn: (s) => s === 'edm',
  sTmin: (s) => s === 'edm',
  sTmax: (s) => s === 'edm',
  order: (s) => traits(s)?.orderOption !== undefined,
  rtol: (s) => s === 'dpm-adaptive',
  atol: (s) => s === 'dpm-adaptive',
  hInit: (s) => s === 'dpm-adaptive',
  pcoeff: (s) => s === 'dpm-adaptive',
  icoeff: (s) => s === 'dpm-adaptive',
  dcoeff: (s) => s === 'dpm-adaptive',
  acceptSafety: (s) => s === 'dpm-adaptive',
  variant: (s) => s === 'unipc',
  corrector: (s) => s === 'unipc',
  stabilize: (s) => traits(s)?.usesHessian ?? false,
};

/** Whether option `key` applies to `sampler`. */
export const takesOption = (sampler: string, key: keyof SamplerOptions): boolean => appliesTo[key](sampler);

/** The option names of {@link SamplerOptions}. */
export const samplerOptionKeys = Object.keys(appliesTo) as (keyof SamplerOptions)[];

/** The native form of one analysed sampler: ddim's η, the params object, local linearization's cap. */
export interface NativeSamplerChoice {
  name: SamplerName;
  eta: number;
  params: NativeSamplerParams;
  linearizationCap?: number;
}

/** The given options that apply to `sampler` (undefined ones dropped). */
function optionsFor(sampler: string, o: SamplerOptions): SamplerOptions {
  const out: Record<string, unknown> = {};
  for (const key of samplerOptionKeys) if (o[key] !== undefined && appliesTo[key](sampler)) out[key] = o[key];
  return out as SamplerOptions;
}

/** One sampler with its options, checked (typed errors naming the option) and in native form. */
export function samplerChoice(sampler: SamplerName, o: SamplerOptions, etaForAny = false): NativeSamplerChoice {
  const { eta, params } = samplerParams(sampler, o, etaForAny);
  const choice: NativeSamplerChoice = { name: sampler, eta, params };
  if (o.stabilize !== undefined && o.stabilize !== false) {
    if (!appliesTo.stabilize(sampler)) throw new InvalidArgumentError(`stabilize applies to the local-linearization samplers only, not '${sampler}'`);
    const cap = o.stabilize === true ? DEFAULT_STABILIZE_CAP : requireFiniteNumber(o.stabilize, 'stabilize');
    if (cap < 0) throw new InvalidArgumentError(`stabilize (the cap κ on hμ) must be >= 0, got ${cap}`);
    choice.linearizationCap = cap;
  }
  return choice;
}

/**
 * A list of samplers (names or `{ name, ...options }` entries) with options shared by the list:
 * each shared option goes to the samplers it applies to (an entry's own options take precedence);
 * a shared option no listed sampler takes is an error (except η, which non-η samplers ignore, as
 * the analysis always did). Returns per entry the native choice and the options it got.
 */
export function samplerChoices(
  list: readonly (SamplerName | SamplerEntry)[],
  shared: SamplerOptions,
): { name: SamplerName; options: SamplerOptions; native: NativeSamplerChoice }[] {
  const used = new Set<string>();
  const out = list.map((entry, i) => {
    if (typeof entry !== 'string' && (typeof entry !== 'object' || entry === null || typeof entry.name !== 'string'))
      throw new InvalidArgumentError(`samplers[${i}] must be a sampler name or { name, ...options }`);
    const name = typeof entry === 'string' ? entry : entry.name;
    const own = typeof entry === 'string' ? {} : entry;
    for (const key of Object.keys(own)) {
      if (key !== 'name' && !(samplerOptionKeys as string[]).includes(key))
        throw new InvalidArgumentError(`samplers[${i}].${key} is not a sampler option (${samplerOptionKeys.join(', ')})`);
    }
    const fromShared = optionsFor(name, shared);
    for (const key of Object.keys(fromShared)) used.add(key);
    const { name: _name, ...ownOptions } = own as SamplerEntry;
    const options: SamplerOptions = { ...fromShared, ...ownOptions };
    for (const key of Object.keys(options) as (keyof SamplerOptions)[]) if (options[key] === undefined) delete options[key];
    return { name, options, native: samplerChoice(name, options) };
  });
  for (const key of samplerOptionKeys) {
    if (key === 'eta' || shared[key] === undefined || used.has(key)) continue;
    const takers = list.length === 1 ? `'${typeof list[0] === 'string' ? list[0] : list[0]!.name}'` : 'any of the listed samplers';
    throw new InvalidArgumentError(`${key} does not apply to ${takers} (it applies to ${samplersTaking(key)})`);
  }
  return out;
}

function samplersTaking(key: keyof SamplerOptions): string {
  return schemes()
    .map((s) => s.name)
    .filter((s) => appliesTo[key](s))
    .join(', ');
}
