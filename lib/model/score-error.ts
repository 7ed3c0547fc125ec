/**
 * The score error's effect, measured without a sampling floor: the same sampler run twice from the
 * same start x_T and the same noise (both keyed by the seed alone), once with the exact score of an
 * analytic target and once with a learned one. The root-mean-square distance between the paired
 * samples, (E|X_learned − X_exact|²)^{1/2}, bounds W2(law X_learned, law X_exact) from above (the
 * pairing is a coupling), and has no two-sample floor; the exact-OT W2 of each cloud to exact target
 * samples (with that floor, reported beside it) shows both halves of the error.
 */
import { InvalidArgumentError } from '../errors.js';
import type { NDArray } from '../ndarray.js';
import type { ProcessInput, SamplerName, GridKind } from '../process.js';
import { sample, type PriorInput } from '../sample.js';
import { sampleMarginal, type TargetSpec } from '../targets.js';
import { requireInteger } from '../validate.js';
import { w2 } from '../w2.js';
import type { OnnxScoreModel } from './onnx-model.js';

export interface ScoreErrorOptions {
  target: TargetSpec;
  model: OnnxScoreModel;
  process?: ProcessInput;
  sampler?: SamplerName;
  grid?: GridKind;
  tEnd?: number;
  prior?: PriorInput;
  /** Step counts to run (each a pair of runs). */
  steps: readonly number[];
  n: number;
  seed?: number;
}

/** A root-mean-square distance with a 95% interval (normal approximation for the mean of squares). */
export interface RmsEstimate {
  rms: number;
  low: number;
  high: number;
}

export interface ScoreErrorRow {
  steps: number;
  nfe: number;
  /** Paired distance between the learned-score and exact-score samplers. */
  coupled: RmsEstimate;
  /** Exact-OT W2 of each run's samples to n exact target samples. */
  w2Exact: number;
  w2Learned: number;
}

export interface ScoreErrorResult {
  rows: ScoreErrorRow[];
  /** Exact-OT W2 between two independent sets of n exact target samples: the two-sample floor. */
  floor: number;
}

/** RMS of the row distances between a and b (n × d), with a 95% interval. */
export function pairedRms(a: NDArray, b: NDArray): RmsEstimate {
  const [n, d] = a.shape;
  if (n !== b.shape[0] || d !== b.shape[1]) throw new InvalidArgumentError('paired clouds must have the same shape');
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    let q = 0;
    for (let j = i * d; j < (i + 1) * d; j++) q += (a.data[j] - b.data[j]) ** 2;
    sum += q;
    sumSq += q * q;
  }
  const mean = sum / n;
  const se = n > 1 ? Math.sqrt(Math.max(0, sumSq / n - mean * mean) / (n - 1)) : Infinity;
  return { rms: Math.sqrt(mean), low: Math.sqrt(Math.max(0, mean - 1.96 * se)), high: Math.sqrt(mean + 1.96 * se) };
}

export async function scoreErrorStudy(o: ScoreErrorOptions): Promise<ScoreErrorResult> {
  const n = requireInteger(o.n, 'n', 2, 2 ** 31 - 1);
  if (!Array.isArray(o.steps) || o.steps.length === 0) throw new InvalidArgumentError('steps must be a non-empty array of step counts');
  const steps = o.steps.map((s) => requireInteger(s, 'steps[]', 1, 1e8));
  const seed = o.seed ?? 0;
  const process = o.process ?? 'vp';
  const reference = await sampleMarginal(o.target, process, 0, { n, seed: seed + 1 });
  const second = await sampleMarginal(o.target, process, 0, { n, seed: seed + 2 });
  const floor = (await w2(reference, second)).w2;
  const rows: ScoreErrorRow[] = [];
  for (const s of steps) {
    const common = { process, sampler: o.sampler, grid: o.grid, tEnd: o.tEnd, steps: s, n, seed };
    // The learned run starts where the exact one started (any prior, 'exact' included) and draws the same noise.
    const exact = await sample({ ...common, prior: o.prior, target: o.target, trajectory: [0] });
    const learned = await sample({ ...common, x0: exact.trajectory[0], model: o.model });
    rows.push({
      steps: s,
      nfe: learned.nfe,
      coupled: pairedRms(learned.samples, exact.samples),
      w2Exact: (await w2(exact.samples, reference)).w2,
      w2Learned: (await w2(learned.samples, reference)).w2,
    });
  }
  return { rows, floor };
}
