/** A small shape-aware view over a typed array, used across the API (row-major, C order). */
import { InvalidArgumentError, ShapeMismatchError } from './errors.js';
import { requireNDArray } from './validate.js';

export type FloatArray = Float64Array | Float32Array;
export type DType = 'float64' | 'float32';

export interface NDArray<T extends FloatArray = FloatArray> {
  readonly data: T;
  readonly shape: readonly number[];
}

export function dtypeOf(a: FloatArray): DType {
  return a instanceof Float32Array ? 'float32' : 'float64';
}

export function sizeOf(shape: readonly number[]): number {
  if (!Array.isArray(shape) || !shape.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0))
    throw new InvalidArgumentError('a shape must be an array of non-negative integers');
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Wraps `data` with `shape`, checking that they agree. */
export function ndarray<T extends FloatArray>(data: T, shape: readonly number[]): NDArray<T> {
  if (!(data instanceof Float64Array) && !(data instanceof Float32Array))
    throw new InvalidArgumentError('data must be a Float64Array or Float32Array');
  for (const s of shape)
    if (!Number.isSafeInteger(s) || s < 0)
      throw new InvalidArgumentError(`shape entries must be non-negative integers, got [${shape.join(', ')}]`);
  if (sizeOf(shape) !== data.length)
    throw new ShapeMismatchError(`data has ${data.length} elements but shape [${shape.join(', ')}] needs ${sizeOf(shape)}`);
  return { data, shape: [...shape] };
}

export function zeros(shape: readonly number[], dtype: DType = 'float64'): NDArray {
  const n = sizeOf(shape);
  return ndarray(dtype === 'float32' ? new Float32Array(n) : new Float64Array(n), shape);
}

/** A matrix (rows × cols, row-major) from nested arrays, validated to be rectangular. */
export function fromRows(rows: readonly (readonly number[])[], name = 'matrix'): NDArray<Float64Array> {
  if (!Array.isArray(rows) || rows.length === 0) throw new InvalidArgumentError(`${name} must be a non-empty array of rows`);
  const cols = rows[0]!.length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => {
    if (!Array.isArray(r) || r.length !== cols)
      throw new ShapeMismatchError(`${name} row ${i} has ${Array.isArray(r) ? r.length : 'no'} entries, expected ${cols}`);
    for (let j = 0; j < cols; j++) data[i * cols + j] = Number(r[j]);
  });
  return ndarray(data, [rows.length, cols]);
}

/** Nested plain arrays from a 1-D or 2-D array (handy for JSON output). */
export function toRows(a: NDArray): number[][] {
  requireNDArray(a, 'the array');
  if (a.shape.length === 1) return [Array.from(a.data)];
  if (a.shape.length !== 2) throw new InvalidArgumentError(`toRows needs a 1-D or 2-D array, got shape [${a.shape.join(', ')}]`);
  const [r, c] = a.shape as [number, number];
  const out: number[][] = [];
  for (let i = 0; i < r; i++) out.push(Array.from(a.data.subarray(i * c, (i + 1) * c)));
  return out;
}

/** Interprets an array as n points in d dimensions (1-D arrays are n points in d = 1). */
export function asPoints(a: NDArray, name: string): { n: number; d: number } {
  requireNDArray(a, name);
  if (a.shape.length === 1) return { n: a.shape[0]!, d: 1 };
  if (a.shape.length === 2) return { n: a.shape[0]!, d: a.shape[1]! };
  throw new ShapeMismatchError(`${name} must be 1-D or 2-D (n × d), got shape [${a.shape.join(', ')}]`);
}
