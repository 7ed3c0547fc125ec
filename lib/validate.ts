/** Argument checks shared by the API: each throws a typed error naming the parameter. */
import { InvalidArgumentError, NonFiniteError, ShapeMismatchError, TooLargeError } from './errors.js';
import type { FloatArray, NDArray } from './ndarray.js';

export function requireInteger(value: unknown, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  return value;
}

export function requireFiniteNumber(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new InvalidArgumentError(`${name} must be a number, got ${typeof value}`);
  if (!Number.isFinite(value)) throw new NonFiniteError(`${name} must be finite, got ${value}`);
  return value;
}

export function requirePositive(value: unknown, name: string): number {
  const x = requireFiniteNumber(value, name);
  if (!(x > 0)) throw new InvalidArgumentError(`${name} must be > 0, got ${x}`);
  return x;
}

export function requireNonNegative(value: unknown, name: string): number {
  const x = requireFiniteNumber(value, name);
  if (!(x >= 0)) throw new InvalidArgumentError(`${name} must be >= 0, got ${x}`);
  return x;
}

export function requireOneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw new InvalidArgumentError(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

/** A seed: a non-negative safe integer or a bigint below 2^64. */
export function requireSeed(value: unknown, name = 'seed'): number | bigint {
  if (typeof value === 'bigint') {
    if (value < 0n || value >= 1n << 64n) throw new InvalidArgumentError(`${name} must be in [0, 2^64), got ${value}`);
    return value;
  }
  return requireInteger(value, name, 0);
}

export function requireFiniteArray(a: ArrayLike<number>, name: string): void {
  for (let i = 0; i < a.length; i++)
    if (!Number.isFinite(a[i]!)) throw new NonFiniteError(`${name} contains a non-finite value (${a[i]}) at index ${i}`);
}

/**
 * A computed answer is returned only when every entry is finite: otherwise a NON_FINITE error
 * says which entry and why (inputs this large overflow double precision in the computation).
 */
export function requireFiniteResult<A extends ArrayLike<number>>(a: A, name: string): A {
  for (let i = 0; i < a.length; i++)
    if (!Number.isFinite(a[i]!))
      throw new NonFiniteError(`${name} is non-finite (${a[i]}) at index ${i}: the inputs overflow double precision in this computation; rescale them`);
  return a;
}

/**
 * Synchronous calls block the event loop and cannot be aborted, so their work is capped (about
 * 2^34 elementary operations, seconds to tens of seconds on one core); the async forms take an AbortSignal.
 */
export const maxSyncWork = 2 ** 34;

export function requireSyncWork(work: number, what: string, alternative: string): void {
  if (!Number.isFinite(work) || work > maxSyncWork)
    throw new TooLargeError(`${what} is ${work.toExponential(2)} operations, above the limit ${maxSyncWork.toExponential(2)} for a synchronous call; ${alternative}`);
}

/** Default cap on one native allocation; keeps a typo in `n` from exhausting memory. */
export const maxElements = 2 ** 31 - 1;

export function requireAllocatable(elements: number, bytesPerElement: number, name: string): void {
  if (!Number.isFinite(elements) || elements > maxElements)
    throw new TooLargeError(
      `${name} would need ${elements.toExponential(3)} elements (${((elements * bytesPerElement) / 2 ** 30).toFixed(1)} GiB); the limit is ${maxElements} elements per array`,
    );
}

export function isFloatArray(a: unknown): a is FloatArray {
  return a instanceof Float64Array || a instanceof Float32Array;
}

/** A path argument: a non-empty string (a number would be taken as a file descriptor by node:fs). */
export function requirePath(path: unknown, name = 'path'): string {
  if (typeof path !== 'string' || path.length === 0 || path.includes('\0'))
    throw new InvalidArgumentError(`${name} must be a non-empty file path string, got ${typeof path === 'string' ? JSON.stringify(path) : typeof path}`);
  return path;
}

/** An NDArray whose shape (non-negative safe integers) matches its Float64/Float32 data, which is not detached. */
export function requireNDArray(a: unknown, name: string): NDArray {
  const x = a as { data?: unknown; shape?: unknown } | null;
  if (typeof x !== 'object' || x === null || !isFloatArray(x.data)) throw new InvalidArgumentError(`${name} must be an NDArray { data: Float64Array | Float32Array, shape }`);
  if (isDetached(x.data)) throw new InvalidArgumentError(`${name}.data is a detached array (its buffer was transferred)`);
  const shape = x.shape;
  if (!Array.isArray(shape) || !shape.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0))
    throw new InvalidArgumentError(`${name}.shape must be an array of non-negative integers`);
  const count = (shape as number[]).reduce((p, q) => p * q, 1);
  if (count !== x.data.length) throw new ShapeMismatchError(`${name} has ${x.data.length} elements but shape [${(shape as number[]).join(', ')}] needs ${count}`);
  return x as NDArray;
}

/** Whether a typed array's buffer was transferred away (every access to it then throws). */
export function isDetached(a: ArrayBufferView): boolean {
  if (a.byteLength !== 0) return false;
  try {
    new Uint8Array(a.buffer as ArrayBuffer);
    return false;
  } catch {
    return true;
  }
}
