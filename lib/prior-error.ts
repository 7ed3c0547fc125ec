/**
 * The prior error, measured and removed (docs/ot-prior.md): for an analytic target (Gaussian,
 * Gaussian mixture, empirical) or a data set, per seed
 * - fits the semi-discrete OT prior on m training points,
 * - at t = T: exact-OT W2 between n fresh p_T draws and n samples of each prior (normal,
 *   ot-gaussian, the fitted OT map), next to the statistical floor W2(two fresh p_T sets),
 * - at t_end: W2 between the sampler's n outputs from each prior (and from the exact prior) and n
 *   exact p₀ draws, next to the floor W2(two exact p₀ sets),
 * - nearest-neighbour distances to the training points (a hard map only outputs diffused
 *   training points; how close do the final samples stay to the training data?).
 * Everything is a pure function of the seeds.
 */
import { InternalError, InvalidArgumentError, ShapeMismatchError } from './errors.js';
import { throwIfAborted, type JobOptions } from './jobs.js';
import { asPoints, type NDArray } from './ndarray.js';
import { fitOtPrior, gaussianOtMap, measurePriorError, nearestPoints, otPriorTrainingData, type OtPrior, type OtPriorMethod } from './ot-prior.js';
import { normalizeProcess, processCoefficients, type GridKind, type ProcessInput, type ProcessSpec, type SamplerName } from './process.js';
import { sample, type PriorInput } from './sample.js';
import { empiricalTarget, sampleMarginal, targetDim, targetMoments, type TargetSpec } from './targets.js';
import { requireFiniteArray, requireInteger, requirePositive } from './validate.js';
import { w2 } from './w2.js';

export const priorErrorFormat = 'diffusion-w2/prior-error@1';

export interface PriorErrorStudyOptions extends JobOptions {
  /** An analytic target: the m training points are exact p₀ draws (otPriorTrainingData). */
  target?: TargetSpec;
  /** …or a data set (exactly one of target and data): the training points are its rows, and the
   * target of the sampler and of the exact draws is the empirical measure of the data. */
  data?: NDArray;
  process: ProcessInput;
  /** Horizon (default: process.T, else the process's default). */
  T?: number;
  /** Training points (required with target; default: the rows of data). */
  m?: number;
  /** Samples per comparison. */
  n: number;
  /** One fit and one set of runs per seed (at least 2 for standard errors). */
  seeds: readonly number[];
  sampler: SamplerName;
  steps: number;
  eta?: number;
  grid?: GridKind;
  rho?: number;
  tEnd?: number;
  /** Start from the τ-smoothed map instead of the hard one (tau: its temperature, default the prior's). */
  soft?: boolean;
  tau?: number;
  /** Fit settings (see fitOtPrior; default tolerance 0.3 here, a quick fit). */
  fit?: { tolerance?: number; maxIterations?: number; method?: OtPriorMethod; allowNotConverged?: boolean; tau?: number };
}

/** Per-seed values with their mean and standard error (NaN with one seed). */
export interface SeedStatistic {
  values: number[];
  mean: number;
  stderr: number;
}

export interface PriorErrorStudyResult {
  format: typeof priorErrorFormat;
  target: TargetSpec['type'];
  d: number;
  m: number;
  n: number;
  seeds: number[];
  process: ProcessSpec;
  T: number;
  alpha: number;
  sigma: number;
  sampler: SamplerName;
  steps: number;
  soft: boolean;
  fits: { seed: number; converged: boolean; maxCellMassError: number; cellMassErrorBound: number; iterations: number; totalDraws: number; seconds: number }[];
  /** At t = T: W2(n prior samples, n fresh p_T draws); floor = W2(two fresh p_T sets). */
  prior: { normal: SeedStatistic; otGaussian: SeedStatistic; otSemidiscrete: SeedStatistic; floor: SeedStatistic };
  /** At t_end: W2(n sampler outputs, n exact p₀ draws); floor = W2(two exact p₀ sets). */
  endToEnd: { normal: SeedStatistic; otGaussian: SeedStatistic; otSemidiscrete: SeedStatistic; exact: SeedStatistic; floor: SeedStatistic };
  /** Mean nearest-neighbour distances, per seed. */
  nearest: {
    /** Mapped prior samples to the diffused training points y_i (0 for the hard map). */
    mappedToDiffused: SeedStatistic;
    /** Fresh p_T draws to the y_i: what a prior that does not reproduce the y_i shows. */
    freshPTToDiffused: SeedStatistic;
    /** Final samples (from the OT prior, the normal prior) and fresh p₀ draws to the training data x_i. */
    finalOtToTraining: SeedStatistic;
    finalNormalToTraining: SeedStatistic;
    freshP0ToTraining: SeedStatistic;
  };
  /** Distinct rows among the n mapped samples and among the n final samples from the OT prior. */
  distinct: { mapped: SeedStatistic; finalOt: SeedStatistic };
  seconds: number;
}

// Noise key spaces, disjoint from the samplers' and the prior's own seeds (which are the seeds).
const keySpace = (tag: number) => (seed: number) => tag * 2 ** 40 + seed;
const trainingSeed = keySpace(0x7a1);
const freshPTSeed = keySpace(0x7a2);
const floorPTSeed = keySpace(0x7a3);
const freshP0Seed = keySpace(0x7a4);
const floorP0Seed = keySpace(0x7a5);

function statistic(values: number[]): SeedStatistic {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const stderr = values.length < 2 ? Number.NaN : Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1) / values.length);
  return { values, mean, stderr };
}

async function exact(a: NDArray, b: NDArray, what: string, signal: AbortSignal | undefined): Promise<number> {
  const r = await w2(a, b, { method: 'exact', signal });
  if (!r.exact) throw new InternalError(`exact W2 (${what}) was not certified`);
  return r.w2;
}

function meanDistance(points: NDArray, queries: NDArray): number {
  const dist = nearestPoints(points, queries).distance;
  let s = 0;
  for (const v of dist) s += v;
  return s / dist.length;
}

function distinctRows(a: NDArray, d: number): number {
  const seen = new Set<string>();
  for (let i = 0; i < a.data.length / d; i++) seen.add(Array.from(a.data.subarray(i * d, (i + 1) * d)).join(','));
  return seen.size;
}

/** Runs the prior-error study (see the module comment). */
export async function priorErrorStudy(options: PriorErrorStudyOptions): Promise<PriorErrorStudyResult> {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('priorErrorStudy needs an options object');
  const o = options;
  throwIfAborted(o.signal);
  if ((o.target === undefined) === (o.data === undefined)) throw new InvalidArgumentError('give exactly one of target and data');
  const spec = normalizeProcess(o.process);
  const T = o.T === undefined ? spec.T ?? processCoefficients(spec, []).T : requirePositive(o.T, 'T');
  const process: ProcessSpec = { ...spec, T };
  const coefficients = processCoefficients(process, [T]);
  const n = requireInteger(o.n, 'n', 2, 1e6);
  if (!Array.isArray(o.seeds) || o.seeds.length === 0) throw new InvalidArgumentError('seeds must be a non-empty list of integers');
  const seeds = o.seeds.map((s, i) => requireInteger(s, `seeds[${i}]`, 0, 2 ** 40 - 1));
  const soft = o.soft === true;
  if (o.tau !== undefined && !soft) throw new InvalidArgumentError('tau applies to the soft map only: pass soft: true');

  let target: TargetSpec;
  let data: NDArray | undefined;
  let m: number;
  if (o.data !== undefined) {
    const { n: rows } = asPoints(o.data, 'data');
    if (rows === 0) throw new InvalidArgumentError('data has no rows');
    requireFiniteArray(o.data.data, 'data');
    data = o.data;
    target = empiricalTarget(o.data);
    m = o.m === undefined ? rows : requireInteger(o.m, 'm', 1, 2 ** 31 - 1);
  } else {
    target = o.target!;
    if (o.m === undefined) throw new InvalidArgumentError('m (the number of training points drawn from target) is required with target');
    m = requireInteger(o.m, 'm', 1, 2 ** 31 - 1);
  }
  const d = targetDim(target);  // targetMoments below builds and validates the target
  if (data && asPoints(data, 'data').d !== d) throw new ShapeMismatchError('data and its empirical target disagree in dimension');
  const moments = targetMoments(target);
  const gaussianMap = gaussianOtMap({ mean: moments.mean, covariance: moments.covariance }, process);
  const runOptions = { target, process, sampler: o.sampler, steps: o.steps, eta: o.eta, grid: o.grid, rho: o.rho, tEnd: o.tEnd, n, signal: o.signal };

  const started = performance.now();
  const fits: PriorErrorStudyResult['fits'] = [];
  const values = {
    prior: { normal: [] as number[], otGaussian: [] as number[], otSemidiscrete: [] as number[], floor: [] as number[] },
    endToEnd: { normal: [] as number[], otGaussian: [] as number[], otSemidiscrete: [] as number[], exact: [] as number[], floor: [] as number[] },
    nearest: { mappedToDiffused: [] as number[], freshPTToDiffused: [] as number[], finalOtToTraining: [] as number[], finalNormalToTraining: [] as number[], freshP0ToTraining: [] as number[] },
    distinct: { mapped: [] as number[], finalOt: [] as number[] },
  };
  for (const [k, seed] of seeds.entries()) {
    throwIfAborted(o.signal);
    // Training points and the fit.
    const training = data ?? otPriorTrainingData(target, process, m, trainingSeed(seed));
    const t0 = performance.now();
    const prior: OtPrior = await fitOtPrior({
      data: training,
      m,
      process,
      seed: trainingSeed(seed),
      tolerance: o.fit?.tolerance ?? 0.3,
      maxIterations: o.fit?.maxIterations,
      method: o.fit?.method,
      allowNotConverged: o.fit?.allowNotConverged,
      tau: o.fit?.tau,
      signal: o.signal,
    });
    fits.push({
      seed,
      converged: prior.converged,
      maxCellMassError: prior.maxCellMassError,
      cellMassErrorBound: prior.cellMassErrorBound,
      iterations: prior.iterations,
      totalDraws: prior.totalDraws,
      seconds: (performance.now() - t0) / 1000,
    });

    // t = T. The mapped samples are exactly the sampler's starting states for this seed.
    const freshPT = await sampleMarginal(target, process, T, { n, seed: freshPTSeed(seed), signal: o.signal });
    const floorPT = await sampleMarginal(target, process, T, { n, seed: floorPTSeed(seed), signal: o.signal });
    // measurePriorError maps z keyed (seed, particle) exactly as sample() does for this seed, and
    // scales the same z for the normal prior.
    const measured = await measurePriorError(prior, { pT: freshPT, seed, soft, tau: o.tau, w2: (a, b) => exact(a, b, 'prior vs p_T', o.signal) });
    const mapped = measured.mapped;
    values.prior.normal.push(measured.w2.normal);
    values.prior.otGaussian.push(await exact(gaussianMap.sample({ n, seed }), freshPT, 'ot-gaussian prior vs p_T', o.signal));
    values.prior.otSemidiscrete.push(measured.w2.mapped);
    values.prior.floor.push(await exact(floorPT, freshPT, 'p_T floor', o.signal));
    values.nearest.mappedToDiffused.push(measured.mappedToTraining.mean);
    values.nearest.freshPTToDiffused.push(measured.referenceToTraining.mean);
    values.distinct.mapped.push(distinctRows(mapped, d));

    // t_end: the sampler from each start, against exact p₀ draws.
    const freshP0 = await sampleMarginal(target, process, 0, { n, seed: freshP0Seed(seed), signal: o.signal });
    const floorP0 = await sampleMarginal(target, process, 0, { n, seed: floorP0Seed(seed), signal: o.signal });
    const run = async (prior: PriorInput) => (await sample({ ...runOptions, prior, seed })).samples;
    const fromNormal = await run('normal');
    const fromOt = await run({ kind: 'ot-semidiscrete', prior, soft, tau: o.tau });
    values.endToEnd.normal.push(await exact(fromNormal, freshP0, 'sampler from normal', o.signal));
    values.endToEnd.otGaussian.push(await exact(await run('ot-gaussian'), freshP0, 'sampler from ot-gaussian', o.signal));
    values.endToEnd.otSemidiscrete.push(await exact(fromOt, freshP0, 'sampler from the OT prior', o.signal));
    values.endToEnd.exact.push(await exact(await run('exact'), freshP0, 'sampler from exact p_T', o.signal));
    values.endToEnd.floor.push(await exact(floorP0, freshP0, 'p₀ floor', o.signal));
    values.nearest.finalOtToTraining.push(meanDistance(training, fromOt));
    values.nearest.finalNormalToTraining.push(meanDistance(training, fromNormal));
    values.nearest.freshP0ToTraining.push(meanDistance(training, freshP0));
    values.distinct.finalOt.push(distinctRows(fromOt, d));
    o.onProgress?.((k + 1) / seeds.length);
  }

  const stats = <K extends string>(group: Record<K, number[]>): Record<K, SeedStatistic> =>
    Object.fromEntries(Object.entries(group).map(([key, v]) => [key, statistic(v as number[])])) as Record<K, SeedStatistic>;
  return {
    format: priorErrorFormat,
    target: target.type,
    d,
    m,
    n,
    seeds,
    process,
    T,
    alpha: coefficients.alpha[0]!,
    sigma: coefficients.sigma[0]!,
    sampler: o.sampler,
    steps: o.steps,
    soft,
    fits,
    prior: stats(values.prior),
    endToEnd: stats(values.endToEnd),
    nearest: stats(values.nearest),
    distinct: stats(values.distinct),
    seconds: (performance.now() - started) / 1000,
  };
}
