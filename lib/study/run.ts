/**
 * Runs a study: for a Gaussian target every deterministic-recursion error comes exactly from
 * the Gaussian analysis (all error components); randomized schemes get their exact moment-matched
 * value there plus Monte Carlo. For mixture and empirical targets (and the Monte Carlo rows),
 * n generated samples are compared with n exact samples of the target by the exact OT solver,
 * repeated over seeds, next to the statistical floor W2(two independent exact sample sets).
 */
import { cpus } from 'node:os';
import { DivergedError, InternalError, InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { loadOnnxModel, type OnnxScoreModel } from '../model/onnx-model.js';
import { analyzeGaussian, type GaussianAnalysisRow } from '../gaussian.js';
import { studyChecksums, verifyStudyChecksums, type StudyChecksums } from './files.js';
import { throwIfAborted, type JobOptions } from '../jobs.js';
import type { NDArray } from '../ndarray.js';
import { processTraits, schemeInfo, type PriorName, type ProcessSpec } from '../process.js';
import { runtimeInfo } from '../runtime.js';
import { sample } from '../sample.js';
import { gaussianTarget, sampleMarginal, type TargetSpec } from '../targets.js';
import { version } from '../version.js';
import { w2 } from '../w2.js';
import { resolveStudy, type ResolvedSampler, type ResolvedStudy, type StudyConfig } from './config.js';
import { fitOrder, type OrderFit } from './order-fit.js';
import { studentTQuantile } from './student-t.js';
import { coupledDistance, isSdeScheme, pathwiseOrder } from '../coupled.js';
import { isTheorySampler, requiredC1, theorems, theoryBounds, type TheoremInfo, type TheoryAssumptions, type TheorySampler, type TheoryTarget } from './theory.js';

export const studyFormat = 'diffusion-w2/study@1';

export interface GaussianStudyRow {
  kind: 'gaussian';
  label: string;
  sampler: string;
  steps: number;
  nfe: number;
  seconds: number;
  truncation: number;
  continuous: number;
  discrete: number;
  total: number;
  /** W2 to p_{t_end} from exact p_T: the pure discretization error. */
  discretization: number;
  /** Randomized schemes: W2 of the moment-matched Gaussian (a lower bound). */
  momentMatched: boolean;
  /** Why the sampler is undefined for this row (its scheme columns are NaN, null in JSON; fits and plots skip it). */
  invalid?: string;
  /**
   * Theory (docs/theory.md; Gaussian spectrum on `ou`, sampler covered by a theorem): the
   * determined part of the bound, initTerm + truncationTerm.
   */
  theoryFixed?: number;
  /** Upper bound on `total` of Yu & Yu's form, initTerm + truncationTerm + C1·rate (only when theory.C1 is given and the checked assumptions hold). */
  theoryBound?: number;
}

export interface MonteCarloStudyRow {
  kind: 'monte-carlo';
  label: string;
  sampler: string;
  steps: number;
  seed: number;
  nfe: number;
  seconds: number;
  /** Exact W2 between n generated samples and n exact target samples (certified). */
  w2: number;
  w2sq: number;
  /** The certificate's bound on w2sq − optimum. */
  gap: number;
  /** Coupled studies: RMS distance to the reference run (same x_T, same Brownian path), an upper bound on W2 to the reference's law. */
  coupled?: number;
  /** Its confidence interval (95 %). */
  coupledInterval?: [number, number];
  /** Mean and variance over particles of the squared distance (for pooling seeds). */
  coupledMeanSq?: number;
  coupledVarSq?: number;
  /** Set when the run blew up (SampleResult.diverged): then w2, w2sq and gap are NaN (null in JSON), not measurements. */
  diverged?: { particles: number; firstStep: number | null };
}

/** A coupled study's reference run for one family and seed, with its own distance to the target. */
export interface ReferenceRun {
  family: 'ode' | 'sde';
  sampler: string;
  steps: number;
  seed: number;
  nfe: number;
  seconds: number;
  /** Exact-OT W2 between the reference's samples and the exact target samples of this seed. */
  w2: number;
  w2sq: number;
}

export type StudyRow = GaussianStudyRow | MonteCarloStudyRow;

export interface MonteCarloSummary {
  label: string;
  sampler: string;
  steps: number;
  nfe: number;
  runs: number;
  /** Mean of W2 over seeds and its standard error. */
  mean: number;
  stderr: number;
  /** sqrt(max(0, mean W2² − mean floor W2²)): the sampler's bias with the sampling noise removed. */
  debiased: number;
  /** True when the mean is within two standard errors of the floor: the sampler is below the noise. */
  belowFloor: boolean;
  /** Coupled studies: the RMS distance to the reference pooled over seeds, with its 95 % interval. */
  coupled?: number;
  coupledInterval?: [number, number];
  /** Runs (seeds) that diverged; when > 0 the cell is not a measurement: mean, stderr, debiased are NaN, and fits and plots leave it out. */
  diverged: number;
}

export interface StudyFloor {
  n: number;
  /** W2 between two independent exact-sample sets of size n, per seed. */
  values: number[];
  mean: number;
  stderr: number;
}

export interface StudyOrder {
  label: string;
  sampler: string;
  theoreticalOrder: number;
  /** Which value was fitted: 'discretization' (Gaussian, exact), 'coupled RMS' (coupled Monte Carlo; theoreticalOrder is then the pathwise order) or 'debiased W2'. */
  metric: string;
  vsNfe: OrderFit | null;
  vsStepSize: OrderFit | null;
  /** Why no fit was possible, when vsNfe is null. */
  note?: string;
}

export interface StudyResults {
  format: typeof studyFormat;
  name: string;
  version: string;
  machine: { cpus: number; cpuModel: string; node: string; simd: string; threads: number };
  config: StudyConfig;
  kind: 'gaussian' | 'monte-carlo';
  d: number;
  process: ProcessSpec;
  rows: StudyRow[];
  summary: MonteCarloSummary[];
  floor: StudyFloor | null;
  orders: StudyOrder[];
  /** Coupled studies: the reference runs (per family and seed) and their own W2 to the target. */
  references?: ReferenceRun[];
  /** Theory beside the measurement (Gaussian spectrum on `ou` with a covered sampler). */
  theory?: StudyTheory;
  complete: boolean;
  /** Checksums of the rows and the floor as saved, checked by `resume`. */
  checksums?: StudyChecksums;
}

/** The theorems, constants and assumptions behind the rows' theoryFixed/theoryBound. */
export interface StudyTheory {
  reference: string;
  timeChange: string;
  target: TheoryTarget;
  /** Standard-OU-time horizon S = βT/2 and stopping time δ = β·t_end/2. */
  S: number;
  delta: number;
  /** Contraction factor K of the exact reverse SDE from S to δ. */
  contraction: number;
  initTerm: number;
  truncationTerm: number;
  samplers: {
    label: string;
    sampler: TheorySampler;
    theorem: TheoremInfo;
    /** The constant used (theory.C1), when given. */
    C1?: number;
    /** Where the bounds come from: the user's C1, the paper's constants ("≲" taken as 1), or none (no bound). */
    boundSource: 'user' | 'paper' | 'none';
    /** The paper's C₁ at the largest step (the local-linearization one grows with h), when it applies. */
    paperC1?: number;
    /** The smallest C1 for which the bound covers every measured total of this sampler: any valid C1 is at least this. */
    requiredC1: number;
    maxStep?: number;
    /** ĥ·Lip(reverse drift) at the smallest step count (the largest step). */
    hTimesDriftLipschitz: number;
    /** Assumptions check at every step count (stepSize null when maxStep was not given). */
    assumptions: { steps: number; assumptions: TheoryAssumptions }[];
  }[];
  notes: string[];
}

export interface StudyOptions extends JobOptions {
  /** Relative paths in the config are resolved against this folder. */
  baseDir?: string;
  /** Results of an earlier, interrupted run of the same config: rows already there are kept, not recomputed. */
  resume?: StudyResults;
  /** Called after every new row with the results so far (the CLI writes them atomically). */
  onRow?: (results: StudyResults) => void;
  /** Called with the generated 2-D samples of one run per sampler (for scatter plots). */
  onSamples?: (label: string, steps: number, samples: NDArray) => void;
}

// Noise key spaces of the reference and floor sample sets, disjoint from the samplers' seeds.
const referenceSeed = (seed: number) => (0x5eedn << 40n) + BigInt(seed);
const floorSeed = (seed: number) => (0xf1002n << 40n) + BigInt(seed);

const rowKey = (r: { label: string; steps: number; seed?: number }) => `${r.label}|${r.steps}|${r.seed ?? ''}`;

function machine(): StudyResults['machine'] {
  const info = runtimeInfo();
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, simd: info.simd, threads: info.threads };
}

function meanAndStderr(xs: number[]): { mean: number; stderr: number } {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return { mean: m, stderr: Number.NaN };
  const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
  return { mean: m, stderr: Math.sqrt(v / xs.length) };
}

/** Mean step size of a run (for the order against log h). */
function meanStepSize(s: ResolvedStudy, steps: number): number {
  const defaults = processTraits(s.process);
  const T = defaults.T;
  const tEnd = s.tEnd ?? defaults.tEnd;
  return (T - tEnd) / steps;
}

export function summarize(s: ResolvedStudy, rows: StudyRow[], floor: StudyFloor | null): { summary: MonteCarloSummary[]; orders: StudyOrder[] } {
  const summary: MonteCarloSummary[] = [];
  const mc = rows.filter((r): r is MonteCarloStudyRow => r.kind === 'monte-carlo');
  const floorSq = floor ? floor.values.reduce((a, v) => a + v * v, 0) / floor.values.length : 0;
  for (const sampler of s.samplers)
    for (const steps of s.steps) {
      const runs = mc.filter((r) => r.label === sampler.label && r.steps === steps);
      if (runs.length === 0) continue;
      const diverged = runs.filter((r) => r.diverged).length;
      if (diverged > 0) {
        summary.push({ label: sampler.label, sampler: sampler.name, steps, nfe: runs[0]!.nfe, runs: runs.length, mean: NaN, stderr: NaN, debiased: NaN, belowFloor: false, diverged });
        continue;
      }
      const { mean, stderr } = meanAndStderr(runs.map((r) => r.w2));
      const meanSq = runs.reduce((a, r) => a + r.w2sq, 0) / runs.length;
      const noise = floor ? 2 * Math.sqrt((Number.isFinite(stderr) ? stderr : 0) ** 2 + (Number.isFinite(floor.stderr) ? floor.stderr : 0) ** 2) : 0;
      summary.push({
        label: sampler.label,
        sampler: sampler.name,
        steps,
        nfe: runs[0]!.nfe,
        runs: runs.length,
        mean,
        stderr,
        debiased: Math.sqrt(Math.max(0, meanSq - floorSq)),
        belowFloor: floor !== null && mean - floor.mean <= noise,
        ...pooledCoupled(runs, s.n),
        diverged: 0,
      });
    }
  const orders: StudyOrder[] = [];
  for (const sampler of s.samplers) {
    let theoreticalOrder = schemeInfo(sampler.name).order;
    const g = rows.filter((r): r is GaussianStudyRow => r.kind === 'gaussian' && r.label === sampler.label && !r.momentMatched);
    let pts: { nfe: number; h: number; y: number }[];
    let metric: string;
    const coupledPts = summary.filter((r) => r.label === sampler.label && r.coupled !== undefined && Number.isFinite(r.coupled));
    if (s.coupled && coupledPts.length > 0) {
      metric = 'coupled RMS';
      theoreticalOrder = pathwiseOrder(sampler.name, sampler.eta);
      pts = coupledPts.map((r) => ({ nfe: r.nfe, h: meanStepSize(s, r.steps), y: r.coupled! }));
    } else if (g.length > 0) {
      metric = 'discretization';
      pts = g.map((r) => ({ nfe: r.nfe, h: meanStepSize(s, r.steps), y: r.discretization }));
    } else {
      metric = 'debiased W2';
      pts = summary.filter((r) => r.label === sampler.label && !r.belowFloor && !r.diverged).map((r) => ({ nfe: r.nfe, h: meanStepSize(s, r.steps), y: r.debiased }));
    }
    // Invalid rows (NaN, with their reason in the table) are not measurements: never fitted.
    pts = pts.filter((p) => Number.isFinite(p.y));
    // Round-off floor of exact values: nothing below 1e-13 relative to the largest error is fitted.
    const top = Math.max(0, ...pts.map((p) => p.y));
    const usable = pts.filter((p) => p.y > 1e-12 * top && p.y > 0);
    if (usable.length < 2) {
      orders.push({ label: sampler.label, sampler: sampler.name, theoreticalOrder, metric, vsNfe: null, vsStepSize: null, note: 'fewer than 2 points above the noise/round-off floor' });
      continue;
    }
    const last = s.fitLastPoints;
    orders.push({
      label: sampler.label,
      sampler: sampler.name,
      theoreticalOrder,
      metric,
      vsNfe: fitOrder(usable.map((p) => p.nfe), usable.map((p) => p.y), { lastPoints: last }),
      vsStepSize: fitOrder(usable.map((p) => p.h), usable.map((p) => p.y), { lastPoints: last, direction: 'increasing' }),
    });
  }
  return { summary, orders };
}

/** Pools the coupled distances of several seeds (same n each): mean square and a t interval. */
function pooledCoupled(runs: MonteCarloStudyRow[], n: number): { coupled?: number; coupledInterval?: [number, number] } {
  const c = runs.filter((r) => r.coupledMeanSq !== undefined);
  if (c.length === 0) return {};
  const meanSq = c.reduce((a, r) => a + r.coupledMeanSq!, 0) / c.length;
  const varOfMean = c.reduce((a, r) => a + r.coupledVarSq! / n, 0) / (c.length * c.length);
  const half = studentTQuantile(0.975, c.length * n - 1) * Math.sqrt(varOfMean);
  return { coupled: Math.sqrt(meanSq), coupledInterval: [Math.sqrt(Math.max(0, meanSq - half)), Math.sqrt(meanSq + half)] };
}

function gaussianRow(label: string, r: GaussianAnalysisRow, seconds: number): GaussianStudyRow {
  return {
    kind: 'gaussian',
    label,
    sampler: r.sampler,
    steps: r.steps,
    nfe: r.nfe,
    seconds,
    truncation: r.truncation,
    continuous: r.continuous,
    discrete: r.discrete,
    total: r.total,
    discretization: r.discretization,
    momentMatched: r.momentMatched,
    ...(r.invalid !== undefined ? { invalid: r.invalid } : {}),
  };
}

/** Runs (or resumes) a study. Rows are computed in a fixed order with fixed seeds, so an
 * interrupted and resumed study gives the same rows as an uninterrupted one. */
export async function study(config: StudyConfig, options: StudyOptions = {}): Promise<StudyResults> {
  const s = resolveStudy(config, options.baseDir);
  const { signal } = options;
  throwIfAborted(signal);
  if (options.resume) verifyStudyChecksums(options.resume, 'resume');
  if (options.resume && JSON.stringify(options.resume.config) !== JSON.stringify(config))
    throw new InvalidArgumentError('resume: the earlier results were produced by a different config');
  const done = new Map<string, StudyRow>((options.resume?.rows ?? []).map((r) => [rowKey(r), r]));
  const results: StudyResults = {
    format: studyFormat,
    name: s.name,
    version,
    machine: machine(),
    config,
    kind: s.kind,
    d: s.d,
    process: s.process,
    rows: [],
    summary: [],
    floor: options.resume?.floor ?? null,
    orders: [],
    complete: false,
  };
  const publish = () => {
    Object.assign(results, summarize(s, results.rows, results.floor));
    results.checksums = studyChecksums(results.rows, results.floor);
    options.onRow?.(results);
  };

  // Work units for progress: Gaussian analysis calls + Monte Carlo runs + floor runs.
  const mcSamplers = s.kind === 'gaussian' ? s.samplers.filter((x) => schemeInfo(x.name).randomized) : s.samplers;
  const total = (s.kind === 'gaussian' ? s.samplers.length : 0) + mcSamplers.length * s.steps.length * s.seeds.length + (mcSamplers.length ? s.seeds.length : 0);
  let units = 0;
  const tick = () => options.onProgress?.(Math.min(1, ++units / Math.max(1, total)));

  if (s.kind === 'gaussian') {
    const g = s.gaussian!;
    for (const sampler of s.samplers) {
      const keys = s.steps.map((steps) => rowKey({ label: sampler.label, steps }));
      if (keys.every((k) => done.has(k))) {
        for (const k of keys) results.rows.push(done.get(k)!);
        tick();
        continue;
      }
      throwIfAborted(signal);
      const t0 = performance.now();
      const analysis = await analyzeGaussian({
        mean: g.mean,
        eigenvalues: g.eigenvalues,
        covariance: g.covariance,
        process: s.process,
        sampler: sampler.name,
        steps: s.steps,
        grid: s.grid.kind,
        rho: s.grid.rho,
        tEnd: s.tEnd,
        prior: s.prior as PriorName, // Gaussian rows only: an OT prior makes the study Monte Carlo
        ...sampler.options,
        signal,
      });
      const seconds = (performance.now() - t0) / 1000 / analysis.rows.length;
      for (const r of analysis.rows) results.rows.push(gaussianRow(sampler.label, r, seconds));
      tick();
      publish();
    }
  }

  if (mcSamplers.length > 0) {
    const target: TargetSpec =
      s.kind === 'gaussian'
        ? s.gaussian!.covariance
          ? gaussianTarget({ mean: s.gaussian!.mean, covariance: s.gaussian!.covariance })
          : gaussianTarget({ mean: s.gaussian!.mean, variances: s.gaussian!.eigenvalues! })
        : s.target!;
    const model = s.model ? await loadOnnxModel(s.model) : undefined;
    if (model && model.d !== s.d) throw new ShapeMismatchError(`model: the network has dimension ${model.d}, the target ${s.d}`);
    const reference = new Map<number, NDArray>();
    const ref = async (seed: number) => {
      let r = reference.get(seed);
      if (!r) {
        r = await sampleMarginal(target, s.process, 0, { n: s.n, seed: referenceSeed(seed), signal });
        reference.set(seed, r);
      }
      return r;
    };
    if (!results.floor) {
      const values: number[] = [];
      for (const seed of s.seeds) {
        throwIfAborted(signal);
        const other = await sampleMarginal(target, s.process, 0, { n: s.n, seed: floorSeed(seed), signal });
        values.push((await w2(await ref(seed), other, { method: 'exact', signal })).w2);
        tick();
      }
      results.floor = { n: s.n, values, ...meanAndStderr(values) };
      publish();
    } else units += s.seeds.length;

    // Coupled studies: one reference run per family and seed, from the same x_T and path.
    results.references = [...(options.resume?.references ?? [])];
    const coupledSamples = new Map<string, NDArray>();
    const coupledReference = async (sampler: ResolvedSampler, seed: number): Promise<NDArray | undefined> => {
      if (!s.coupled) return undefined;
      const family = isSdeScheme(sampler.name, sampler.eta) ? 'sde' : 'ode';
      const key = `${family}|${seed}`;
      let r = coupledSamples.get(key);
      if (!r) {
        const spec = s.coupled[family];
        const t0 = performance.now();
        const run = await sample({ ...runOptions(s, target, signal, model), sampler: spec.sampler, steps: spec.steps, seed });
        r = run.samples;
        coupledSamples.set(key, r);
        if (!results.references!.some((x) => x.family === family && x.seed === seed)) {
          const seconds = (performance.now() - t0) / 1000;
          const d = await w2(r, await ref(seed), { method: 'exact', signal });
          results.references!.push({ family, sampler: spec.sampler, steps: spec.steps, seed, nfe: run.nfe, seconds, w2: d.w2, w2sq: d.w2sq });
        }
      }
      return r;
    };

    for (const sampler of mcSamplers)
      for (const steps of s.steps)
        for (const seed of s.seeds) {
          const key = rowKey({ label: sampler.label, steps, seed });
          const previous = done.get(key);
          if (previous) {
            results.rows.push(previous);
            tick();
            continue;
          }
          throwIfAborted(signal);
          const row = await monteCarloRow(s, sampler, target, model, steps, seed, await ref(seed), await coupledReference(sampler, seed), options);
          results.rows.push(row);
          tick();
          publish();
        }
    await model?.release();
  }
  results.complete = true;
  attachTheory(s, results);
  publish();
  return results;
}

/**
 * Adds the theory bounds to the Gaussian rows of covered samplers (Gaussian spectrum, `ou`) and
 * the `theory` section to the results; does nothing otherwise.
 */
export function attachTheory(s: ResolvedStudy, results: StudyResults): void {
  const g = s.gaussian;
  if (s.kind !== 'gaussian' || s.process.name !== 'ou' || !g?.eigenvalues) return;
  const covered = s.samplers.filter((x) => isTheorySampler(x.name));
  if (covered.length === 0) return;
  let section: StudyTheory | undefined;
  for (const sampler of covered) {
    const name = sampler.name as TheorySampler;
    const t = theoryBounds({
      eigenvalues: g.eigenvalues,
      mean: g.mean,
      process: s.process,
      tEnd: s.tEnd,
      sampler: name,
      steps: s.steps,
      grid: s.grid.kind,
      C1: s.theory?.C1,
      maxStep: s.theory?.maxStep,
    });
    section ??= {
      reference: t.reference,
      timeChange: t.timeChange,
      target: t.target,
      S: t.S,
      delta: t.delta,
      contraction: t.contraction,
      initTerm: t.rows[0]!.initTerm,
      truncationTerm: t.rows[0]!.truncationTerm,
      samplers: [],
      notes: t.notes,
    };
    const measured: { row: (typeof t.rows)[number]; total: number }[] = [];
    for (const tr of t.rows) {
      const row = results.rows.find((r): r is GaussianStudyRow => r.kind === 'gaussian' && r.label === sampler.label && r.steps === tr.steps);
      if (!row) continue;
      row.theoryFixed = tr.initTerm + tr.truncationTerm;
      if (tr.bound !== undefined) row.theoryBound = tr.bound;
      else delete row.theoryBound;
      measured.push({ row: tr, total: row.total });
    }
    section.samplers.push({
      label: sampler.label,
      sampler: name,
      theorem: theorems[name],
      ...(t.rows[0]!.C1 !== undefined ? { C1: t.rows[0]!.C1 } : {}),
      boundSource: t.rows.find((r) => r.boundSource)?.boundSource ?? 'none',
      ...(t.rows[0]!.paper ? { paperC1: t.rows[0]!.paper.C1 } : {}),
      requiredC1: requiredC1(measured.map((m) => m.row), measured.map((m) => m.total)),
      ...(typeof s.theory?.maxStep === 'number' ? { maxStep: s.theory.maxStep } : typeof s.theory?.maxStep === 'object' && s.theory.maxStep[name] !== undefined ? { maxStep: s.theory.maxStep[name] } : {}),
      hTimesDriftLipschitz: t.rows[0]!.hTimesDriftLipschitz,
      assumptions: t.rows.map((r) => ({ steps: r.steps, assumptions: r.assumptions })),
    });
  }
  if (section) results.theory = section;
}

/** The sample() options every Monte Carlo run of a study shares: the target's score, or the study's network. */
function runOptions(s: ResolvedStudy, target: TargetSpec, signal: AbortSignal | undefined, model: OnnxScoreModel | undefined) {
  return {
    ...(model ? { model } : { target }),
    process: s.process,
    grid: s.grid.kind,
    rho: s.grid.rho,
    tEnd: s.tEnd,
    prior: s.otPrior ? { kind: 'ot-semidiscrete' as const, prior: s.otPrior.prior, soft: s.otPrior.soft, tau: s.otPrior.tau } : (s.prior as PriorName),
    n: s.n,
    noise: s.noise,
    // Coupled: every run on the tree laid out for the SDE reference's step count (one path for all).
    ...(s.coupled ? { pathSteps: s.coupled.sde.steps } : {}),
    signal,
  };
}

function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

async function monteCarloRow(
  s: ResolvedStudy,
  sampler: ResolvedSampler,
  target: TargetSpec,
  model: OnnxScoreModel | undefined,
  steps: number,
  seed: number,
  reference: NDArray,
  coupledReference: NDArray | undefined,
  options: StudyOptions,
): Promise<MonteCarloStudyRow> {
  const { signal } = options;
  const t0 = performance.now();
  const divergedRow = (nfe: number, diverged: { particles: number; firstStep: number | null }): MonteCarloStudyRow => {
    // Not a measurement: no W2 of particles that blew up (summarize and the plots leave it out).
    const nan = Number.NaN;
    return { kind: 'monte-carlo', label: sampler.label, sampler: sampler.name, steps, seed, nfe, seconds: (performance.now() - t0) / 1000, w2: nan, w2sq: nan, gap: nan, diverged };
  };
  let run;
  try {
    run = await sample({ ...runOptions(s, target, signal, model), sampler: sampler.name, ...sampler.options, steps, seed });
  } catch (e) {
    if (e instanceof DivergedError) return divergedRow(steps * schemeInfo(sampler.name).nfePerStep, e.diverged);
    throw e;
  }
  const seconds = (performance.now() - t0) / 1000;
  if (run.diverged || !allFinite(run.samples.data)) return divergedRow(run.nfe, run.diverged ?? { particles: s.n, firstStep: null });
  if (seed === s.seeds[0]) options.onSamples?.(sampler.label, steps, run.samples);
  const d = await w2(run.samples, reference, { method: 'exact', signal });
  if (!d.exact) throw new InternalError(`exact W2 of ${sampler.label}, ${steps} steps, seed ${seed} was not certified`);
  const row: MonteCarloStudyRow = { kind: 'monte-carlo', label: sampler.label, sampler: sampler.name, steps, seed, nfe: run.nfe, seconds, w2: d.w2, w2sq: d.w2sq, gap: d.gap ?? 0 };
  if (coupledReference) {
    const c = coupledDistance(run.samples, coupledReference);
    row.coupled = c.rms;
    row.coupledInterval = c.interval;
    row.coupledMeanSq = c.meanSq;
    row.coupledVarSq = c.varianceSq;
  }
  return row;
}
