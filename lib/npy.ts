/**
 * NumPy .npy files (format versions 1–3), float32 and float64, C order, any shape.
 * Integer arrays are read and converted to float64 so that index files load too.
 */
import { readFileSync } from 'node:fs';
import { DW2Error, InvalidArgumentError, ioErrorFrom, ShapeMismatchError, UnsupportedError } from './errors.js';
import { ndarray, type NDArray } from './ndarray.js';
import { writeFileAtomic } from './study/files.js';
import { isDetached, requirePath } from './validate.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

interface Descr {
  kind: 'f' | 'i' | 'u';
  size: number;
  littleEndian: boolean;
}

function parseDescr(descr: string): Descr {
  const m = /^([<>|=])([fiu])(\d+)$/.exec(descr);
  if (!m) throw new UnsupportedError(`unsupported .npy dtype '${descr}': expected float32/float64 (or an integer type)`);
  const [, order, kind, size] = m as unknown as [string, string, 'f' | 'i' | 'u', string];
  const bytes = Number(size);
  const ok = kind === 'f' ? bytes === 4 || bytes === 8 : [1, 2, 4, 8].includes(bytes);
  if (!ok) throw new UnsupportedError(`unsupported .npy dtype '${descr}'`);
  return { kind, size: bytes, littleEndian: order !== '>' };
}

/**
 * The header is a Python dict literal. numpy evaluates it (ast.literal_eval: a repeated key keeps
 * its last value) and then requires exactly the keys descr, fortran_order and shape; this reads
 * the same subset of Python literals (strings, True/False, tuples of integers) the same way.
 */
type HeaderValue = string | boolean | number[];

function parseHeader(text: string): { descr: string; fortran: boolean; shape: number[] } {
  const bad = (why: string): never => {
    throw new InvalidArgumentError(`malformed .npy header (${why}): ${text.trim().slice(0, 200)}`);
  };
  let i = 0;
  const space = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const expect = (c: string): void => {
    space();
    if (text[i] !== c) bad(`expected '${c}' at offset ${i}`);
    i++;
  };
  const string = (): string => {
    space();
    const q = text[i];
    if (q !== "'" && q !== '"') bad(`expected a string at offset ${i}`);
    const end = text.indexOf(q!, i + 1);
    if (end < 0) bad('unterminated string');
    const value = text.slice(i + 1, end);
    if (value.includes('\\')) bad('escapes in strings are not supported');
    i = end + 1;
    return value;
  };
  const tuple = (): number[] => {
    expect('(');
    const dims: number[] = [];
    for (;;) {
      space();
      if (text[i] === ')') break;
      const m = /^(\d+)L?/.exec(text.slice(i));
      if (!m) bad(`expected a non-negative integer in the shape at offset ${i}`);
      dims.push(Number(m![1]));
      i += m![0].length;
      space();
      if (text[i] === ',') i++;
      else if (text[i] !== ')') bad(`expected ',' or ')' in the shape at offset ${i}`);
      else if (dims.length === 1) bad('a one-element shape needs a trailing comma, (n,)');
    }
    i++;
    return dims;
  };
  const value = (): HeaderValue => {
    space();
    if (text[i] === "'" || text[i] === '"') return string();
    if (text[i] === '(') return tuple();
    for (const [word, v] of [['True', true], ['False', false]] as const)
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    return bad(`unsupported value at offset ${i}`);
  };
  const fields = new Map<string, HeaderValue>();
  expect('{');
  for (;;) {
    space();
    if (text[i] === '}') break;
    const key = string();
    expect(':');
    fields.set(key, value()); // a repeated key keeps its last value, as in Python
    space();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') bad(`expected ',' or '}' at offset ${i}`);
  }
  i++;
  space();
  if (i !== text.length) bad('text after the dict');
  const keys = [...fields.keys()].sort().join(', ');
  if (keys !== 'descr, fortran_order, shape') bad(`the keys must be exactly descr, fortran_order and shape, got ${keys || 'none'}`);
  const descr = fields.get('descr');
  const fortran = fields.get('fortran_order');
  const shape = fields.get('shape');
  if (typeof descr !== 'string') return bad('descr must be a string');
  if (typeof fortran !== 'boolean') return bad('fortran_order must be True or False');
  if (!Array.isArray(shape)) return bad('shape must be a tuple');
  if (shape.some((x) => !Number.isSafeInteger(x))) bad('shape entries must be integers below 2^53');
  return { descr, fortran, shape };
}

/** Parses .npy bytes. float32 stays float32; float64 and integers become float64. */
export function parseNpy(bytes: Uint8Array): NDArray {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError('parseNpy needs the file bytes as a Uint8Array (or Buffer)');
  if (isDetached(bytes)) throw new InvalidArgumentError('the .npy bytes are in a detached buffer');
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new InvalidArgumentError('not a .npy file (bad magic)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let offset: number;
  if (major === 1) offset = 10;
  else if (major === 2 || major === 3) offset = 12;
  else throw new UnsupportedError(`unsupported .npy format version ${major}`);
  if (bytes.length < offset) throw new InvalidArgumentError(`truncated .npy file: ${bytes.length} bytes, the version ${major} preamble alone has ${offset}`);
  headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (offset + headerLen > bytes.length) throw new InvalidArgumentError('truncated .npy header');
  const header = parseHeader(new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(offset, offset + headerLen)));
  if (header.fortran) throw new UnsupportedError('Fortran-ordered .npy arrays are not supported: save with np.ascontiguousarray');
  const d = parseDescr(header.descr);
  const count = header.shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count * d.size)) throw new InvalidArgumentError(`.npy shape (${header.shape.join(', ')}) is too large`);
  const start = offset + headerLen;
  if (bytes.length - start < count * d.size)
    throw new InvalidArgumentError(`truncated .npy data: need ${count * d.size} bytes, have ${bytes.length - start}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + start, count * d.size);
  const le = d.littleEndian;
  if (d.kind === 'f' && d.size === 4) {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = dv.getFloat32(4 * i, le);
    return ndarray(out, header.shape);
  }
  const out = new Float64Array(count);
  const get: (i: number) => number =
    d.kind === 'f'
      ? (i) => dv.getFloat64(8 * i, le)
      : d.size === 8
        ? d.kind === 'i'
          ? (i) => Number(dv.getBigInt64(8 * i, le))
          : (i) => Number(dv.getBigUint64(8 * i, le))
        : d.size === 4
          ? d.kind === 'i'
            ? (i) => dv.getInt32(4 * i, le)
            : (i) => dv.getUint32(4 * i, le)
          : d.size === 2
            ? d.kind === 'i'
              ? (i) => dv.getInt16(2 * i, le)
              : (i) => dv.getUint16(2 * i, le)
            : d.kind === 'i'
              ? (i) => dv.getInt8(i)
              : (i) => dv.getUint8(i);
  for (let i = 0; i < count; i++) out[i] = get(i);
  return ndarray(out, header.shape);
}

/** Serialises to .npy format 1.0 (little-endian, C order, header padded to 64 bytes). */
export function formatNpy(a: NDArray): Uint8Array {
  requireWritableArray(a);
  const isF32 = a.data instanceof Float32Array;
  const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
  let header = `{'descr': '<f${isF32 ? 4 : 8}', 'fortran_order': False, 'shape': ${shape}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = header + ' '.repeat(pad % 64) + '\n';
  if (header.length > 0xffff) throw new UnsupportedError('shape too long for a version 1.0 .npy header');
  const out = new Uint8Array(10 + header.length + a.data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const body = new DataView(out.buffer, 10 + header.length);
  const n = a.data.length;
  if (isF32) for (let i = 0; i < n; i++) body.setFloat32(4 * i, a.data[i]!, true);
  else for (let i = 0; i < n; i++) body.setFloat64(8 * i, a.data[i]!, true);
  return out;
}

/** An NDArray formatNpy can write and parseNpy reads back: float data whose length is the shape's product. */
function requireWritableArray(a: unknown): asserts a is NDArray {
  const x = a as { data?: unknown; shape?: unknown } | null;
  if (typeof x !== 'object' || x === null) throw new InvalidArgumentError('the array must be an NDArray { data, shape }');
  if (!(x.data instanceof Float64Array) && !(x.data instanceof Float32Array))
    throw new InvalidArgumentError('the array data must be a Float64Array or a Float32Array');
  if (!Array.isArray(x.shape) || x.shape.some((s) => typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0))
    throw new InvalidArgumentError('the array shape must be an array of non-negative integers');
  const count = (x.shape as number[]).reduce((p, q) => p * q, 1);
  if (count !== x.data.length)
    throw new ShapeMismatchError(`shape [${(x.shape as number[]).join(', ')}] needs ${count} elements but data has ${x.data.length}`);
}

export function readNpy(path: string): NDArray {
  requirePath(path);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw ioErrorFrom('read', path, e);
  }
  try {
    return parseNpy(bytes);
  } catch (e) {
    if (e instanceof DW2Error) throw new (e.constructor as typeof InvalidArgumentError)(`${path}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** Writes atomically: a temporary file, then a rename (the temporary file is removed on failure). */
export function writeNpy(path: string, a: NDArray): void {
  requirePath(path);
  writeFileAtomic(path, formatNpy(a), { makeDirectory: false });
}
