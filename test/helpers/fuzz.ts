/**
 * A small property-based fuzzer (no dependency): a seeded generator of valid-looking calls with
 * one or two fields replaced by hostile values, and the property every public function must keep:
 * it throws a DW2Error with a known code, or returns an answer whose every number is finite.
 */

/** xoshiro128** over 32-bit words, seeded by splitmix32: fixed seed, fixed sequence. */
export class Rng {
  private s: Uint32Array;
  constructor(seed: number) {
    this.s = new Uint32Array(4);
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }
  next(): number {
    const s = this.s;
    const result = Math.imul(((Math.imul(s[1]!, 5) << 7) | (Math.imul(s[1]!, 5) >>> 25)) >>> 0, 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = ((s[3]! << 11) | (s[3]! >>> 21)) >>> 0;
    return result;
  }
  float(): number {
    return this.next() / 2 ** 32;
  }
  int(n: number): number {
    return Math.floor(this.float() * n);
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
}

function detachedFloat64(): Float64Array {
  const a = new Float64Array(4);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
}

/** Numbers at the edges: zero signs, subnormals, overflow, 2^31/2^32/2^53, NaN and ±Inf. */
export const edgeNumbers: readonly number[] = [
  0, -0, 1, -1, 2, 3, 7, 0.5, -0.5, 1e-300, 5e-324, 1e300, 1e308, -1e308, Number.MAX_VALUE, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 31), NaN, Infinity, -Infinity,
];

/** One hostile value: an edge number, a wrong type, an odd object, an odd array or callback. */
export function hostileValue(rng: Rng): unknown {
  const makers: (() => unknown)[] = [
    () => rng.pick(edgeNumbers),
    () => rng.pick(edgeNumbers),
    () => undefined,
    () => null,
    () => rng.pick([true, false]),
    () => rng.pick(['', 'x', 'vp', 've', 'cpu', 'cuda', 'float32', 'euler', 'uniform', '\0', 'a'.repeat(300)]),
    () => rng.pick([1n, -1n, 2n ** 64n, 0n]),
    () => Symbol('hostile'),
    () => ({}),
    () => Object.create(null) as object,
    () => [],
    () => [1, 2],
    () => [[1]],
    () => [NaN, 1],
    () => new Float64Array(0),
    () => new Float64Array([1, 2]),
    () => new Float32Array([1]),
    () => new Int32Array(2),
    () => detachedFloat64(),
    () => () => undefined,
    () => () => {
      throw new Error('hostile callback');
    },
    () => async () => undefined,
    () => ({ data: new Float64Array(3), shape: [2, 2] }),
    () => ({ data: new Float64Array(4), shape: 'x' }),
    () => new Date(0),
  ];
  return rng.pick(makers)();
}

/** Keys a hostile field may be put under (common option names across the API). */
export const optionKeys: readonly string[] = [
  'n', 'd', 'steps', 'seed', 'sampler', 'samplers', 'process', 'grid', 'tEnd', 'T', 'target', 'score', 'x0', 'prior', 'dtype', 'trajectory', 'signal',
  'onProgress', 'device', 'eta', 'rho', 'shape', 'data', 'mean', 'covariance', 'eigenvalues', 'variances', 'weights', 'means', 'solver', 'method',
  'projections', 'tolerance', 'maxIterations', 'tau', 'soft', 'm', 'firstParticle', 'hessian', 'krylovDim', 'quadratureNodes', 'start', 'full', 'ode',
];

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && !Array.isArray(v);

/** Replaces one spot of `value` (itself, a field, an element, a nested field) by a hostile value. */
export function mutate(rng: Rng, value: unknown, depth = 0): unknown {
  if (depth > 2 || rng.chance(0.15)) return hostileValue(rng);
  if (Array.isArray(value)) {
    if (value.length === 0 || rng.chance(0.2)) return hostileValue(rng);
    const copy = value.slice();
    const i = rng.int(copy.length);
    copy[i] = mutate(rng, copy[i], depth + 1);
    return copy;
  }
  if (value instanceof Float64Array || value instanceof Float32Array) {
    if (value.byteLength === 0 || rng.chance(0.3)) return hostileValue(rng);
    const copy = value.slice();
    copy[rng.int(copy.length)] = rng.pick(edgeNumbers);
    return copy;
  }
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = { ...value };
    const keys = Object.keys(copy);
    const r = rng.float();
    if (keys.length > 0 && r < 0.6) {
      const k = rng.pick(keys);
      copy[k] = mutate(rng, copy[k], depth + 1);
    } else if (keys.length > 0 && r < 0.7) {
      delete copy[rng.pick(keys)];
    } else {
      copy[rng.pick(optionKeys)] = hostileValue(rng);
    }
    return copy;
  }
  return hostileValue(rng);
}

/** Mutates one argument of a call (or appends a hostile extra one). */
export function mutateArgs(rng: Rng, args: readonly unknown[]): unknown[] {
  const out = args.slice();
  if (out.length === 0 || rng.chance(0.05)) {
    out.push(hostileValue(rng));
    return out;
  }
  const i = rng.int(out.length);
  out[i] = mutate(rng, out[i]);
  return out;
}

/** Paths (e.g. "rows[2].total") of the non-finite numbers in an answer; functions are skipped. */
export function nonFiniteIn(value: unknown, path = 'result', seen = new Set<unknown>(), found: string[] = [], depth = 0): string[] {
  if (found.length >= 3 || depth > 8) return found;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) found.push(`${path} = ${value}`);
    return found;
  }
  if (typeof value !== 'object' || value === null || seen.has(value)) return found;
  seen.add(value);
  if (value instanceof Float64Array || value instanceof Float32Array) {
    if (value.byteLength === 0) return found; // empty, or detached (every access would throw)
    for (let i = 0; i < value.length && found.length < 3; i++) if (!Number.isFinite(value[i]!)) found.push(`${path}[${i}] = ${value[i]}`);
    return found;
  }
  if (ArrayBuffer.isView(value)) return found;
  if (Array.isArray(value)) {
    value.forEach((v, i) => nonFiniteIn(v, `${path}[${i}]`, seen, found, depth + 1));
    return found;
  }
  for (const [k, v] of Object.entries(value)) nonFiniteIn(v, `${path}.${k}`, seen, found, depth + 1);
  return found;
}

/** A short description of a value for reports (never throws: symbols, bigints, null prototypes). */
export function describe(value: unknown, depth = 0): string {
  try {
    if (typeof value === 'bigint') return `${value}n`;
    if (typeof value === 'symbol') return 'Symbol()';
    if (typeof value === 'function') return 'fn';
    if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
    if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? String(value);
    if (ArrayBuffer.isView(value)) {
      const a = value as unknown as { length?: number; constructor: { name: string } };
      return `${a.constructor.name}(${a.length ?? '?'})`;
    }
    if (depth > 2) return '…';
    if (Array.isArray(value)) return `[${value.slice(0, 6).map((v) => describe(v, depth + 1)).join(', ')}${value.length > 6 ? ', …' : ''}]`;
    const proto = Object.getPrototypeOf(value) === null ? 'null-proto ' : '';
    return `${proto}{${Object.entries(value)
      .slice(0, 12)
      .map(([k, v]) => `${k}: ${describe(v, depth + 1)}`)
      .join(', ')}}`;
  } catch {
    return '<undescribable>';
  }
}
