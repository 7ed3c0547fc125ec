/**
 * Coupled (pathwise) error: a sampler at N steps and a reference solution on a finer grid, both
 * from the same starting points x_T (same seed and prior) and — for SDE schemes — driven by the
 * same Brownian path (`noise: 'path'`). The root-mean-square distance
 *   (E|X_N − X_ref|²)^{1/2} ≥ W2(law X_N, law X_ref)
 * bounds W2 from above (the pair is one coupling of the two laws) and has no sampling floor, so
 * it shows orders that exact-OT W2 between finite samples cannot. It measures the pathwise
 * (strong) error, whose order can differ from the weak/W2 order (docs/studies.md).
 */
import { InvalidArgumentError } from './errors.js';
import type { NDArray } from './ndarray.js';
import { normalizeProcess, schemeInfo, type SamplerName } from './process.js';
import { sample, type SampleOptions, type SampleResult } from './sample.js';
import { studentTQuantile } from './study/student-t.js';
import { requireInteger } from './validate.js';

/** The pathwise (strong) order theory predicts for each scheme, with its reason (schemes not listed: see pathwiseOrder). */
export const pathwiseOrders: Partial<Record<SamplerName, { order: number; source: string }>> = {
  'euler-maruyama': { order: 1, source: 'Kloeden & Platen (1992), §10.2 and §10.4: strong order 1 for additive noise (Euler–Maruyama coincides with Milstein)' },
  ddpm: { order: 1, source: 'a first-order expansion of the Euler–Maruyama step (Ho et al. 2020); strong order 1 as Euler–Maruyama' },
  exponential: { order: 1, source: 'exponential Euler (linear part exact, score frozen over the step): local error O(h^{3/2}) with mean O(h²), hence strong order 1 for additive noise' },
  euler: { order: 1, source: 'explicit Euler for the probability-flow ODE (Butcher 2016, §20)' },
  heun: { order: 2, source: "Heun's method, a 2-stage Runge–Kutta method of order 2 (Butcher 2016, §23; Karras et al. 2022, Alg. 1)" },
  rk4: { order: 4, source: 'the classical 4-stage Runge–Kutta method (Butcher 2016, §23)' },
  ddim: { order: 1, source: 'DDIM (η = 0) is the first-order exponential integrator of the probability-flow ODE (Lu et al. 2022, DPM-Solver-1); η > 0 is first order as Euler–Maruyama' },
  'exponential-ode': { order: 1, source: 'first-order exponential integrator of the probability-flow ODE (Lu et al. 2022, DPM-Solver-1)' },
  'randomized-midpoint': {
    order: 1,
    source: 'the random evaluation time removes the drift bias but leaves a mean-zero O(h^{3/2}) error per step (Shen & Lee 2019), so strong order 1 as Euler–Maruyama',
  },
  'randomized-exponential': { order: 1, source: 'as randomized-midpoint, with the linear part exact (Yu & Yu): strong order 1' },
  'local-linearization': {
    order: 1.5,
    source:
      'local linearization with the step noise coupled through the increment and the space-time Lévy area (Foster, Lyons & Oberhauser 2020): the linear part is then exact to O(h^{5/2}) per step, but the drift\'s curvature meets ∫(W_s − W_k)^{⊗2} ds, which (W, H) do not determine: strong order 1.5 for additive noise, 2 when the drift is linear (Gaussian targets); 1 when only the increment is coupled',
  },
  'local-linearization-ode': { order: 2, source: 'local linearization of the probability-flow ODE (exponential Rosenbrock–Euler, Hochbruck & Ostermann 2010): order 2' },
};

/**
 * The declared pathwise order of a scheme: its entry in `pathwiseOrders`; otherwise, for a
 * probability-flow ODE scheme its deterministic order (the catalog's), and for a reverse-SDE scheme 1 —
 * a scheme that sees the Brownian path only through its increments over the grid steps cannot do better
 * than O(h) pathwise (Clark & Cameron 1980).
 */
export function pathwiseOrder(sampler: SamplerName, eta = 0): number {
  const listed = pathwiseOrders[sampler];
  if (listed) return listed.order;
  return isSdeScheme(sampler, eta) ? 1 : schemeInfo(sampler).order;
}

/** The largest odd part a path tree is laid out for (the native sampler lays larger ones out as 1). */
const maxTreePieces = 4096;

/** The odd part of a positive integer (n = odd · 2ʲ). */
function oddPart(n: number): number {
  let m = n;
  while (m % 2 === 0) m /= 2;
  return m;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * The default reference's step count: at least `floor`, and when it costs at most 4× more, of the form
 * m·2ʲ with m the least common multiple of the odd parts of every sampler step count. Then every
 * sampler grid of the kind nests in the reference's and its times are nodes of the shared Brownian tree,
 * so path noise stays as cheap as per-step noise there (docs/brownian-path.md).
 */
function nestingReferenceSteps(steps: readonly number[], floor: number): number {
  let m = 1;
  for (const N of steps) {
    const q = oddPart(N);
    m = (m / gcd(m, q)) * q;
    if (m > 4 * floor || m > maxTreePieces) return floor;
  }
  let r = m;
  while (r < floor) r *= 2;
  return r <= 4 * floor ? r : floor;
}

/**
 * The reference scheme used when none is given: rk4 for ODE schemes, Euler–Maruyama for SDE schemes (the
 * SDE local linearization: itself, 16× finer). `steps`: the sampler's step count, or every step count the
 * reference will be coupled to (a study's list); the reference's step count nests them all where that costs
 * at most 4× the plain floor (see nestingReferenceSteps).
 */
export function defaultReference(sampler: SamplerName, eta = 0, steps: number | readonly number[] = 1): { sampler: SamplerName; steps: number } {
  if (typeof steps !== 'number' && !Array.isArray(steps)) throw new InvalidArgumentError('steps must be a step count or an array of step counts');
  const all = (typeof steps === 'number' ? [steps] : steps).map((N, i) => requireInteger(N, `steps[${i}]`, 1, 1e8));
  const largest = Math.max(1, ...all);
  const nest = (floor: number) => nestingReferenceSteps(all, floor);
  // The SDE local linearization (pathwise order 1.5–2) needs a reference finer than Euler–Maruyama's order 1 gives.
  if (sampler === 'local-linearization') return { sampler: 'local-linearization', steps: nest(Math.max(1024, 16 * largest)) };
  return isSdeScheme(sampler, eta)
    ? { sampler: 'euler-maruyama', steps: nest(Math.max(1024, 64 * largest)) }
    : { sampler: 'rk4', steps: nest(Math.max(256, 16 * largest)) };
}

/** Whether a scheme discretizes the reverse SDE (draws Brownian noise), as opposed to the probability-flow ODE. */
export function isSdeScheme(sampler: SamplerName, eta = 0): boolean {
  const info = schemeInfo(sampler);
  return sampler === 'ddim' ? eta > 0 : !info.ode;
}

export interface CoupledReference {
  /** Default: rk4 for ODE samplers, euler-maruyama for SDE samplers. */
  sampler?: SamplerName;
  /** Steps of the reference grid (same kind as the sampler's); default 16·N (ODE, ≥ 256) or 64·N (SDE, ≥ 1024), raised to nest the sampler's grid (defaultReference). */
  steps?: number;
  eta?: number;
  /** Only checked: the reference must run on the sampler's process. */
  process?: SampleOptions['process'];
}

export interface CoupledErrorOptions extends Omit<SampleOptions, 'noise' | 'trajectory' | 'x0'> {
  steps: number;
  reference?: CoupledReference;
  /** Confidence level of the interval (default 0.95). */
  level?: number;
}

export interface CoupledDistance {
  /** (mean over particles of |x_i − y_i|²)^{1/2}. */
  rms: number;
  /** Student-t interval for the mean square, mapped through the square root. */
  interval: [number, number];
  level: number;
  n: number;
  /** Mean and sample variance over particles of |x_i − y_i|² (for pooling runs). */
  meanSq: number;
  varianceSq: number;
}

export interface CoupledErrorResult extends CoupledDistance {
  sampler: SamplerName;
  steps: number;
  nfe: number;
  pathwiseOrder: number;
  reference: { sampler: SamplerName; steps: number; nfe: number; pathwiseOrder: number };
  samples: NDArray;
  referenceSamples: NDArray;
  seconds: number;
}

/** RMS distance between paired rows of two n × d sample sets, with a confidence interval. */
export function coupledDistance(a: NDArray, b: NDArray, level = 0.95): CoupledDistance {
  const [n, d] = a.shape as [number, number];
  if (b.shape[0] !== n || b.shape[1] !== d) throw new InvalidArgumentError(`coupled samples must have the same shape, got ${a.shape} and ${b.shape}`);
  if (n < 2) throw new InvalidArgumentError(`coupled error needs n ≥ 2 paired samples, got ${n}`);
  if (!(level > 0 && level < 1)) throw new InvalidArgumentError(`level must be in (0, 1), got ${level}`);
  let sum = 0, sumSq = 0;
  for (let i = 0; i < n; i++) {
    let e = 0;
    for (let j = 0; j < d; j++) e += (a.data[i * d + j]! - b.data[i * d + j]!) ** 2;
    sum += e;
    sumSq += e * e;
  }
  const mean = sum / n;
  const variance = Math.max(0, (sumSq - n * mean * mean) / (n - 1));
  const half = studentTQuantile(0.5 + level / 2, n - 1) * Math.sqrt(variance / n);
  return { rms: Math.sqrt(mean), interval: [Math.sqrt(Math.max(0, mean - half)), Math.sqrt(mean + half)], level, n, meanSq: mean, varianceSq: variance };
}

/** Checks a sampler/reference pair before any work; returns the resolved reference. */
export function resolveCoupledReference(o: { sampler?: SamplerName; eta?: number; steps: number; process?: SampleOptions['process'] }, reference: CoupledReference = {}): { sampler: SamplerName; steps: number; eta?: number } {
  const sampler = (o.sampler ?? 'euler-maruyama') as SamplerName;
  schemeInfo(sampler, 'sampler');
  const steps = requireInteger(o.steps, 'steps', 1, 1e8);
  const fallback = defaultReference(sampler, o.eta ?? 0, steps);
  const refSampler = (reference.sampler ?? fallback.sampler) as SamplerName;
  schemeInfo(refSampler, 'reference.sampler');
  const refSteps = requireInteger(reference.steps ?? fallback.steps, 'reference.steps', 1, 1e8);
  if (refSteps <= steps) throw new InvalidArgumentError(`reference.steps (${refSteps}) must be larger than the sampler's steps (${steps}): the reference must be finer`);
  if (reference.process !== undefined && JSON.stringify(normalizeProcess(reference.process, 'reference.process')) !== JSON.stringify(normalizeProcess(o.process ?? 'vp')))
    throw new InvalidArgumentError('reference.process differs from the sampler\'s process: a coupled reference must solve the same equation');
  if (isSdeScheme(sampler, o.eta ?? 0) !== isSdeScheme(refSampler, reference.eta ?? 0))
    throw new InvalidArgumentError(
      `'${sampler}' and the reference '${refSampler}' discretize different equations (reverse SDE vs probability-flow ODE): their pathwise solutions differ`,
    );
  return { sampler: refSampler, steps: refSteps, ...(reference.eta !== undefined ? { eta: reference.eta } : {}) };
}

/**
 * Runs the sampler at `steps` and the reference on its finer grid from the same x_T and the same
 * Brownian path, and returns their RMS distance with a confidence interval.
 */
export async function coupledError(options: CoupledErrorOptions): Promise<CoupledErrorResult> {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('coupledError needs an options object');
  const n = requireInteger(options.n, 'n', 2, 2 ** 32 - 1);
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new InvalidArgumentError(`level must be in (0, 1), got ${level}`);
  if (options.grid !== undefined && typeof options.grid !== 'string') throw new InvalidArgumentError('coupledError takes a grid kind (uniform, karras, logsnr), not an explicit grid');
  const ref = resolveCoupledReference(options, options.reference);
  const { reference: _r, level: _l, ...rest } = options;
  const t0 = performance.now();
  // Both runs on the tree laid out for the reference's step count (one path for both).
  const run: SampleResult = await sample({ ...rest, n, noise: 'path', pathSteps: ref.steps });
  const refRun = await sample({ ...rest, n, sampler: ref.sampler, steps: ref.steps, eta: ref.sampler === 'ddim' ? ref.eta : undefined, noise: 'path', pathSteps: ref.steps });
  const sampler = run.sampler;
  return {
    ...coupledDistance(run.samples, refRun.samples, level),
    sampler,
    steps: run.steps,
    nfe: run.nfe,
    pathwiseOrder: pathwiseOrder(sampler, options.eta),
    reference: { sampler: ref.sampler, steps: ref.steps, nfe: refRun.nfe, pathwiseOrder: pathwiseOrder(ref.sampler, ref.eta) },
    samples: run.samples,
    referenceSamples: refRun.samples,
    seconds: (performance.now() - t0) / 1000,
  };
}
