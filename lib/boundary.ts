/**
 * The typed boundary of the public API: every function exported from the package root runs
 * behind `typedEntry`, so whatever a caller passes (a Symbol, a BigInt, a null-prototype object, a
 * detached array, a wrong container), the call ends in a DW2Error with a code, never in a bare
 * TypeError or RangeError from deep inside. The library's own checks throw DW2Errors with precise
 * messages first; this is the net under them.
 */
import { DW2Error, fromNativeError, InternalError, InvalidArgumentError, ioErrorFrom, TooLargeError } from './errors.js';

const typedMark: unique symbol = Symbol.for('diffusion-w2.typedEntry');

/** Turns anything thrown inside public function `name` into a DW2Error (kept as the cause). */
export function toTypedError(name: string, e: unknown): DW2Error {
  if (e instanceof DW2Error) return e;
  const fromNative = fromNativeError(e);
  if (fromNative instanceof DW2Error) return fromNative;
  const err = e as { code?: unknown; syscall?: unknown; message?: unknown } | null;
  if (err !== null && typeof err === 'object' && typeof err.code === 'string' && typeof err.syscall === 'string')
    return ioErrorFrom(err.syscall, String((err as { path?: unknown }).path ?? 'a file'), e);
  const message = e instanceof Error ? e.message : safeText(e);
  if (e instanceof RangeError && /allocation failed|Invalid (typed )?array length|Array buffer allocation|heap/i.test(message))
    return new TooLargeError(`${name}: the input needs more memory than can be allocated (${message})`, { cause: e });
  if (e instanceof TypeError || e instanceof RangeError || e instanceof SyntaxError)
    return new InvalidArgumentError(`${name}: an argument has the wrong type or shape (${message})`, { cause: e });
  return new InternalError(`${name}: unexpected failure: ${message}`, { cause: e });
}

function safeText(v: unknown): string {
  try {
    return String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/** `fn` behind the typed boundary (sync throws and async rejections alike), under the same name. */
export function typedEntry<F extends (...args: never[]) => unknown>(name: string, fn: F): F {
  const wrapped = function (this: unknown, ...args: never[]): unknown {
    let result: unknown;
    try {
      result = fn.apply(this, args);
    } catch (e) {
      throw toTypedError(name, e);
    }
    if (result instanceof Promise) return result.catch((e: unknown) => Promise.reject(toTypedError(name, e)));
    return result;
  };
  Object.defineProperty(wrapped, 'name', { value: name });
  Object.defineProperty(wrapped, 'length', { value: fn.length });
  Object.defineProperty(wrapped, typedMark, { value: true });
  return wrapped as unknown as F;
}

/** Whether a function runs behind the typed boundary (the fuzz suite checks every export). */
export function isTypedEntry(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[typedMark] === true;
}
