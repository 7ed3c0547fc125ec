/**
 * Reproducible Gaussian noise. The value at (seed, particle i, step k, stage, coordinate j)
 * is a pure function of those numbers (Philox4x32-10 + Box–Muller), so it does not depend
 * on thread count, batch split, dtype (float32 is float64 rounded) or device.
 */
import { resolveDevice, type Device } from './device.js';
import { runNativeJob, type JobOptions } from './jobs.js';
import { callNative, native } from './native.js';
import { ndarray, type DType, type NDArray } from './ndarray.js';
import { InvalidArgumentError } from './errors.js';
import { normalizeProcess, processTraits, type GridKind, type ProcessInput, type ProcessSpec } from './process.js';
import { requireAllocatable, requireInteger, requireOneOf, requireSeed } from './validate.js';

export interface NormalsOptions {
  seed: number | bigint;
  /** Number of particles (rows). */
  n: number;
  /** Dimension (columns). */
  d: number;
  /** Sampler step index k (default 0). */
  step?: number;
  /** Stage within a step (default 0). */
  stage?: number;
  /** Index of the first particle (default 0): rows are particles first … first + n − 1. */
  firstParticle?: number;
  dtype?: DType;
  /** 'cpu' (default), 'cuda' (bit-identical numbers on an NVIDIA GPU) or 'auto'. */
  device?: Device;
}

const u32 = 2 ** 32 - 1;

function prepare(o: NormalsOptions) {
  const seed = requireSeed(o.seed);
  const n = requireInteger(o.n, 'n', 0, u32);
  const d = requireInteger(o.d, 'd', 0);
  const step = requireInteger(o.step ?? 0, 'step', 0, u32);
  const stage = requireInteger(o.stage ?? 0, 'stage', 0, u32);
  const first = requireInteger(o.firstParticle ?? 0, 'firstParticle', 0, u32);
  if (n > 0 && first + n - 1 > u32) throw new RangeError('particle indices must stay below 2^32');
  const dtype = requireOneOf(o.dtype ?? 'float64', 'dtype', ['float64', 'float32'] as const);
  requireAllocatable(n * d, dtype === 'float32' ? 4 : 8, 'normals');
  const out = dtype === 'float32' ? new Float32Array(n * d) : new Float64Array(n * d);
  const device = resolveDevice(o.device);
  return { seed, n, d, step, stage, first, out, device };
}

/** n × d standard normals, synchronously (fine for small blocks). */
export function normalsSync(options: NormalsOptions): NDArray {
  const p = prepare(options);
  const fill = p.device === 'cuda' ? native().normalsCudaSync : native().normalsSync;
  callNative(() => fill(p.seed, p.step, p.stage, p.first, p.n, p.d, p.out));
  return ndarray(p.out, [p.n, p.d]);
}

/** n × d standard normals on the thread pool, with progress and cancellation. */
export async function normals(options: NormalsOptions & JobOptions): Promise<NDArray> {
  const p = prepare(options);
  if (p.device === 'cuda') {
    callNative(() => native().normalsCudaSync(p.seed, p.step, p.stage, p.first, p.n, p.d, p.out));
    return ndarray(p.out, [p.n, p.d]);
  }
  await runNativeJob((onProgress, token) => native().normals(p.seed, p.step, p.stage, p.first, p.n, p.d, p.out, onProgress, token), options);
  return ndarray(p.out, [p.n, p.d]);
}

/** The raw Philox4x32-10 block (for known-answer checks). */
export function philox4x32(counter: readonly [number, number, number, number], key: readonly [number, number]): number[] {
  return callNative(() => native().philox4x32(counter[0], counter[1], counter[2], counter[3], key[0], key[1]));
}

export interface BrownianIncrementsOptions {
  seed: number | bigint;
  /** The path lives on [0, span] (a sampler uses σ = T − t, span = T − t_end; with `tree`: T − tEnd, the default). */
  span?: number;
  /** The interval [a, b], 0 ≤ a < b ≤ span. */
  a: number;
  b: number;
  /** Particles (rows) and coordinates (columns). */
  n: number;
  d: number;
  firstParticle?: number;
  /**
   * The tree a sampler on a grid of this kind uses: dyadic in that grid kind's own variable on
   * [tEnd, T] of the process, laid out for `steps` (the run's `pathSteps`, default its steps; only
   * the odd part matters, default 1) (docs/brownian-path.md). Absent (or kind 'uniform' with an odd
   * part of 1): the tree dyadic in σ, which explicit grids use too. `a` and `b` stay in σ = T − t.
   */
  tree?: { process?: ProcessInput; kind: GridKind; tEnd?: number; rho?: number; steps?: number };
}

type BrownianBinding = (
  seed: number | bigint,
  span: number,
  first: number,
  n: number,
  d: number,
  a: number,
  b: number,
  w: Float64Array,
  h: Float64Array,
  tree?: { process: ProcessSpec; kind: GridKind; tEnd?: number; rho?: number; steps?: number },
) => void;

/**
 * The Brownian path behind `noise: 'path'` sampling: for each particle and coordinate the
 * increment W = W_b − W_a and the space-time Lévy area H = (1/h)∫_a^b (W_u − W_a − ((u − a)/h) W) du
 * (h = b − a; H ~ N(0, h/12), independent of W). A pure function of (seed, particle, coordinate,
 * a, b), built from a dyadic tree on [0, span] (docs/brownian-path.md).
 */
export function brownianIncrements(o: BrownianIncrementsOptions): { w: NDArray; h: NDArray } {
  const seed = requireSeed(o.seed);
  const n = requireInteger(o.n, 'n', 0, u32);
  const d = requireInteger(o.d, 'd', 0);
  const first = requireInteger(o.firstParticle ?? 0, 'firstParticle', 0, u32);
  requireAllocatable(2 * n * d, 8, 'increments');
  let tree: Parameters<BrownianBinding>[9];
  let span = o.span;
  if (o.tree !== undefined) {
    const kind = requireOneOf(o.tree.kind, 'tree.kind', ['uniform', 'karras', 'logsnr'] as const);
    const process = normalizeProcess(o.tree.process ?? 'vp', 'tree.process');
    const traits = processTraits(process);
    span ??= traits.T - (o.tree.tEnd ?? traits.tEnd);
    const steps = o.tree.steps === undefined ? undefined : requireInteger(o.tree.steps, 'tree.steps', 1, 2 ** 30);
    tree = { process, kind, ...(o.tree.tEnd !== undefined ? { tEnd: o.tree.tEnd } : {}), ...(o.tree.rho !== undefined ? { rho: o.tree.rho } : {}), ...(steps !== undefined ? { steps } : {}) };
  }
  if (span === undefined) throw new InvalidArgumentError('brownianIncrements needs span (or tree)');
  const w = new Float64Array(n * d), h = new Float64Array(n * d);
  callNative(() => (native().brownianIncrementsSync as BrownianBinding)(seed, span, first, n, d, o.a, o.b, w, h, tree));
  return { w: ndarray(w, [n, d]), h: ndarray(h, [n, d]) };
}
