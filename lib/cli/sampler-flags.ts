/**
 * The sampler options as command-line flags, defined once for `dw2 sample` and `dw2 gaussian`:
 * one flag per SamplerOptions key (sChurn → --s-churn), mapped back to the API's options, which
 * lib/sampler-params.ts checks (the ranges, and which sampler takes which option).
 */
import { InvalidArgumentError } from '../errors.js';
import { samplerOptionKeys, type SamplerOptions } from '../sampler-params.js';
import { integerOption, numberOption, stringOption, type OptionSpec } from './args.js';

type Raw = string | boolean | undefined;

/** sChurn → s-churn. */
const flagOf = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Every sampler option's flag; --corrector/--no-corrector are booleans, the others take a value. */
export const samplerFlags: OptionSpec = Object.fromEntries([
  ...samplerOptionKeys.map((key) => [flagOf(key), { type: key === 'corrector' ? ('boolean' as const) : ('string' as const) }]),
  ['no-corrector', { type: 'boolean' as const }],
]);

/** The usage lines of those flags (shared by both commands' usage text). */
export const samplerFlagsUsage = `  Sampler options (each applies to the samplers that take it; docs/samplers.md):
    --eta E            ddim: η ∈ [0, 1]; euler-ancestral, dpmpp-2s-ancestral, dpmpp-2m-sde, dpmpp-3m-sde: η ≥ 0 (default 1)
    --s-noise X        the η samplers and edm: scale of the fresh noise (default 1)
    --s-churn X --s-tmin X --s-tmax X
                       edm: S_churn ≥ 0 (default 0), churn only for noise levels σ/α in [S_tmin, S_tmax] (default 0, inf)
    --order K          unipc 1–3 (default 2), lms 1–4 (default 4), dpm-adaptive 2–3 (default 3)
    --variant bh1|bh2  unipc's B(h) (default bh2); --corrector / --no-corrector: unipc's UniC (default on)
    --rtol X --atol X --h-init X --pcoeff X --icoeff X --dcoeff X --accept-safety X
                       dpm-adaptive's error tolerances, first step and PID controller (sampling only: the exact
                       analysis runs the grid it is given)
    --stabilize KAPPA  local-linearization(-ode): the stabilized variant, eigenvalues of hL capped at KAPPA (e.g. 0.5)`;

/** The SamplerOptions the flags give (only those present). */
export function samplerOptionsFromFlags(values: Record<string, Raw>): SamplerOptions {
  const out: Record<string, unknown> = {};
  for (const key of samplerOptionKeys) {
    const flag = flagOf(key);
    const value = values[flag];
    if (value === undefined || key === 'corrector') continue;
    if (key === 'variant') out[key] = stringOption(value, flag);
    else if (key === 'order') out[key] = integerOption(value, flag);
    else if (key === 'sTmax' && typeof value === 'string' && /^\+?inf(inity)?$/i.test(value.trim())) out[key] = Infinity;
    else out[key] = numberOption(value, flag);
  }
  if (values.corrector === true && values['no-corrector'] === true) throw new InvalidArgumentError('give --corrector or --no-corrector, not both');
  if (values.corrector === true) out.corrector = true;
  if (values['no-corrector'] === true) out.corrector = false;
  return out as SamplerOptions;
}
