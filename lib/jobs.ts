/**
 * The async job pattern: a native kernel runs on the libuv thread pool, reports
 * progress, and stops early when an AbortSignal fires (rejecting with AbortError).
 */
import { AbortError, fromNativeError, InvalidArgumentError } from './errors.js';
import { native, type NativeCancelToken } from './native.js';

export interface JobOptions {
  /** Stops the job early; the promise then rejects with AbortError. */
  signal?: AbortSignal;
  /** Called with the completed fraction in [0, 1], at most ~20 times a second. */
  onProgress?: (fraction: number) => void;
}

/** Checks `signal` and `onProgress` before any native job is built (typed errors, no half-built job). */
export function requireJobOptions(options: unknown): JobOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object') throw new InvalidArgumentError(`options must be an object, got ${typeof options}`);
  const { signal, onProgress } = options as JobOptions;
  const s = signal as { aborted?: unknown; addEventListener?: unknown; removeEventListener?: unknown } | undefined;
  if (s !== undefined && (typeof s !== 'object' || s === null || typeof s.aborted !== 'boolean' || typeof s.addEventListener !== 'function' || typeof s.removeEventListener !== 'function'))
    throw new InvalidArgumentError('signal must be an AbortSignal');
  if (onProgress !== undefined && typeof onProgress !== 'function')
    throw new InvalidArgumentError(`onProgress must be a function (fraction) => void, got ${typeof onProgress}`);
  return { signal, onProgress };
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  requireJobOptions({ signal });
  if (signal?.aborted) throw new AbortError('the operation was aborted before it started', { cause: signal.reason });
}

/** Starts a native job with a cancel token wired to `options.signal`. */
export async function runNativeJob<T>(
  start: (onProgress: ((f: number) => void) | undefined, token: NativeCancelToken) => Promise<T>,
  options: JobOptions = {},
): Promise<T> {
  const { signal, onProgress } = requireJobOptions(options);
  throwIfAborted(signal);
  const token = new (native().CancelToken)();
  const onAbort = (): void => token.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await start(onProgress, token);
  } catch (e) {
    throw fromNativeError(e);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
