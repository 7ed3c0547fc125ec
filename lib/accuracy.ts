/**
 * Evaluations to accuracy on Gaussian data: for each sampler and tolerance ε, the fewest steps
 * (and score evaluations) whose exact W2 error component is ≤ ε. The search (native, see
 * docs/gaussian-analysis.md) doubles the step count to a bracket, bisects it, checks the error
 * curve is monotone on evenly spaced points of the bracket, and scans below the answer when it
 * is not, so non-monotone error curves do not give a wrong answer silently.
 */
import { InvalidArgumentError } from './errors.js';
import { prepareTable, withRowOptions, type GaussianAnalysisOptions, type NativeTableOptions } from './gaussian.js';
import type { SamplerOptions } from './sampler-params.js';
import { runNativeJob, type JobOptions } from './jobs.js';
import { callNative, native, type NativeCancelToken } from './native.js';
import { normalizeProcess, processTraits, schemes, type GridKind, type PriorName, type ProcessSpec, type SamplerName } from './process.js';
import { requireInteger, requireOneOf, requirePositive } from './validate.js';

export type AccuracyComponent = 'discretization' | 'discrete' | 'total';
export const accuracyComponents: readonly AccuracyComponent[] = ['discretization', 'discrete', 'total'];

export interface StepsToAccuracyOptions
  extends Omit<GaussianAnalysisOptions, 'steps' | 'grid' | 'tEnd' | 'prior' | 'approxScore'> {
  /** The tolerance ε on the chosen component, or several (one row per sampler and ε). */
  tolerance: number | readonly number[];
  /**
   * The error component compared with ε (default 'discretization', W2 between the scheme from p_T
   * and p_{t_end}); 'discrete' and 'total' include the truncation error (and 'total' the prior's).
   */
  component?: AccuracyComponent;
  /** The search budget in score evaluations per run (default 2048): steps ≤ maxNfe / NFE per step. */
  maxNfe?: number;
  /** Grid family (default 'uniform'); explicit grids have a fixed step count and cannot be searched. */
  grid?: GridKind;
  /** Final time (default the process's). */
  tEnd?: number;
  /** Start of the runs for component 'total' (default 'exact', i.e. p_T). */
  prior?: PriorName;
  /** Evenly spaced step counts checked in the final bracket (default 8). */
  checkPoints?: number;
}

export interface StepsToAccuracyRow {
  sampler: SamplerName;
  /** The options this row's sampler ran with, when any were given (as in the error table). */
  options?: SamplerOptions;
  tolerance: number;
  /** Whether some step count within the budget reaches the tolerance. */
  reached: boolean;
  /** The fewest steps reaching ε; when not reached, the largest step count tried (the budget). */
  steps: number;
  nfe: number;
  /** The component at `steps` (NaN when that row is invalid). */
  error: number;
  /**
   * How the answer was verified: 'monotone' (the error decreases on the checked points of the
   * bracket), 'scanned' (it does not, so every smaller step count was evaluated), 'unverified'
   * (such a scan would exceed its work budget; the bisection's answer is kept).
   */
  check: 'monotone' | 'scanned' | 'unverified';
  /** false when a larger step count among those evaluated has an error above ε again. */
  stable: boolean;
  /** Distinct step counts this sampler's searches had evaluated after this one (shared across ε). */
  evaluations: number;
  /** Wall-clock of this search in seconds. */
  seconds: number;
  /** Randomized samplers: errors of the moment-matched Gaussian (lower bounds). */
  momentMatched: boolean;
  /** Not reached and the largest row tried is invalid (e.g. ddpm's h·g² < 1): why. */
  invalid?: string;
}

export interface StepsToAccuracyResult {
  rows: StepsToAccuracyRow[];
  warnings: string[];
  component: AccuracyComponent;
  maxNfe: number;
  tEnd: number;
  process: ProcessSpec;
}

interface NativeAccuracyOptions extends Omit<NativeTableOptions, 'steps' | 'tEnds' | 'priors' | 'grid' | 'approxScore'> {
  grid: GridKind;
  prior: PriorName;
  tEnd?: number;
  tolerances: number[];
  component: AccuracyComponent;
  maxNfe: number;
  checkPoints: number;
}

interface AccuracyBinding {
  gaussianStepsToAccuracySync(o: NativeAccuracyOptions): Omit<StepsToAccuracyResult, 'process' | 'component' | 'maxNfe'>;
  gaussianStepsToAccuracy(
    o: NativeAccuracyOptions,
    onProgress?: (f: number) => void,
    token?: NativeCancelToken,
  ): Promise<Omit<StepsToAccuracyResult, 'process' | 'component' | 'maxNfe'>>;
}
const binding = () => native() as unknown as AccuracyBinding;

/** Every sampler defined for the process (the default list of the search). */
export function samplersFor(process: ProcessSpec): SamplerName[] {
  const variancePreserving = processTraits(process).variancePreserving;
  return schemes()
    .filter((s) => !s.vpOnly || variancePreserving)
    .map((s) => s.name);
}

function prepare(options: StepsToAccuracyOptions): { native: NativeAccuracyOptions; process: ProcessSpec; options: SamplerOptions[] } {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options must be an object');
  const loose = options as unknown as Record<string, unknown>;
  if (loose.steps !== undefined) throw new InvalidArgumentError('steps is what the search finds: leave it out (bound it with maxNfe)');
  if (loose.approxScore !== undefined) throw new InvalidArgumentError('approxScore is not searched: use analyzeGaussian for the score column');
  if (options.grid !== undefined && typeof options.grid !== 'string') throw new InvalidArgumentError('grid must be a grid kind (uniform, karras, logsnr): an explicit grid has a fixed step count');
  if (Array.isArray(options.tEnd) || Array.isArray(options.prior)) throw new InvalidArgumentError('tEnd and prior take one value in the search');
  const list = options.tolerance === undefined ? [] : Array.isArray(options.tolerance) ? [...(options.tolerance as readonly number[])] : [options.tolerance as number];
  if (list.length === 0) throw new InvalidArgumentError('tolerance is required (a number > 0 or a list)');
  const tolerances = list.map((e, i) => requirePositive(e, list.length > 1 ? `tolerance[${i}]` : 'tolerance'));
  const component = requireOneOf(options.component ?? 'discretization', 'component', accuracyComponents);
  const maxNfe = requireInteger(options.maxNfe ?? 2048, 'maxNfe', 1, 1e8);
  const checkPoints = requireInteger(options.checkPoints ?? 8, 'checkPoints', 0, 1000);
  const prior = options.prior ?? 'exact';
  // Without a sampler list, every sampler of the process, with the shared options where they apply.
  const everySampler = options.sampler === undefined && options.samplers === undefined;
  const { native: table, process, options: perSampler } = prepareTable({
    ...options,
    ...(everySampler ? { samplers: samplersFor(normalizeProcess(options.process)) } : {}),
    steps: 1,
    prior,
    grid: options.grid ?? 'uniform',
  });
  const { steps: _steps, tEnds, priors: _priors, grid, approxScore: _approx, ...rest } = table;
  const o: NativeAccuracyOptions = { ...rest, grid: grid as GridKind, prior, tolerances, component, maxNfe, checkPoints };
  if (tEnds.length > 0) o.tEnd = tEnds[0]!;
  return { native: o, process, options: perSampler };
}

/** The fewest steps per sampler to reach each tolerance, synchronously. */
export function stepsToAccuracySync(options: StepsToAccuracyOptions): StepsToAccuracyResult {
  const { native: o, process, options: perSampler } = prepare(options);
  const r = callNative(() => binding().gaussianStepsToAccuracySync(o));
  return { ...r, rows: withRowOptions(r.rows, perSampler), component: o.component, maxNfe: o.maxNfe, process };
}

/**
 * The fewest steps (and score evaluations) per sampler to reach each tolerance on Gaussian data,
 * on the thread pool with progress and cancellation. Samplers default to every sampler defined
 * for the process.
 */
export async function stepsToAccuracy(options: StepsToAccuracyOptions & JobOptions): Promise<StepsToAccuracyResult> {
  const { native: o, process, options: perSampler } = prepare(options);
  const r = await runNativeJob((onProgress, token) => binding().gaussianStepsToAccuracy(o, onProgress, token), options);
  return { ...r, rows: withRowOptions(r.rows, perSampler), component: o.component, maxNfe: o.maxNfe, process };
}
