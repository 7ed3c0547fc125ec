/**
 * One error hierarchy for the whole library. Every error has a stable `code`;
 * messages say what was wrong and what was expected.
 */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'SHAPE_MISMATCH'
  | 'NON_FINITE'
  | 'TOO_LARGE'
  | 'ABORTED'
  | 'NOT_CONVERGED'
  | 'UNSUPPORTED'
  | 'CALLBACK_FAILED'
  | 'NATIVE_LOAD_FAILED'
  | 'MISSING_DEPENDENCY'
  | 'IO_FAILED'
  | 'INTERNAL';

export class DW2Error extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export class InvalidArgumentError extends DW2Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_ARGUMENT', message, options);
  }
}
export class ShapeMismatchError extends DW2Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SHAPE_MISMATCH', message, options);
  }
}
export class NonFiniteError extends DW2Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NON_FINITE', message, options);
  }
}
/** The run's particles blew up (spec §6: local linearization can diverge where L > 0): no samples are returned. */
export class DivergedError extends NonFiniteError {
  /** How many particles blew up and the first step (1-based; null on the GPU) where one did. */
  readonly diverged: { particles: number; firstStep: number | null };
  constructor(message: string, diverged: { particles: number; firstStep: number | null }, options?: { cause?: unknown }) {
    super(message, options);
    this.diverged = diverged;
  }
}
export class TooLargeError extends DW2Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TOO_LARGE', message, options);
  }
}
/** Thrown (or used to reject) when an AbortSignal stops an operation. */
export class AbortError extends DW2Error {
  constructor(message = 'the operation was aborted', options?: { cause?: unknown }) {
    super('ABORTED', message, options);
  }
}
export class NotConvergedError extends DW2Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NOT_CONVERGED', message, options);
  }
}
export class UnsupportedError extends DW2Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UNSUPPORTED', message, options);
  }
}
export class CallbackError extends DW2Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CALLBACK_FAILED', message, options);
  }
}
export class NativeLoadError extends DW2Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NATIVE_LOAD_FAILED', message, options);
  }
}
/** An optional peer dependency (the model runtime) is not installed; the message says how to install it. */
export class MissingDependencyError extends DW2Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MISSING_DEPENDENCY', message, options);
  }
}
/** A file could not be read or written (missing, read-only, disk full, …); `cause` holds the system error. */
export class IoError extends DW2Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super('IO_FAILED', message, options);
  }
}
export class InternalError extends DW2Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INTERNAL', message, options);
  }
}

const byCode: Record<ErrorCode, new (message: string, options?: { cause?: unknown }) => DW2Error> = {
  INVALID_ARGUMENT: InvalidArgumentError,
  SHAPE_MISMATCH: ShapeMismatchError,
  NON_FINITE: NonFiniteError,
  TOO_LARGE: TooLargeError,
  ABORTED: AbortError,
  NOT_CONVERGED: NotConvergedError,
  UNSUPPORTED: UnsupportedError,
  CALLBACK_FAILED: CallbackError,
  NATIVE_LOAD_FAILED: NativeLoadError,
  MISSING_DEPENDENCY: MissingDependencyError,
  IO_FAILED: IoError,
  INTERNAL: InternalError,
};

/** Turns an error thrown by the native layer (a plain Error with `code`) into its typed class. */
export function fromNativeError(e: unknown): unknown {
  if (e instanceof DW2Error) return e;
  if (e instanceof Error) {
    const code = (e as Error & { code?: string }).code;
    if (code && code in byCode) return new byCode[code as ErrorCode](e.message, { cause: e });
  }
  return e;
}

/** Why a file operation failed, in words, from a Node system error (ENOENT, EACCES, EROFS, ENOSPC, …). */
export function ioErrorFrom(action: string, path: string, e: unknown): IoError {
  const code = (e as { code?: unknown } | null)?.code;
  const why: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EISDIR: 'it is a directory',
    ENOTDIR: 'a part of the path is not a directory',
    EEXIST: 'it already exists',
    EMFILE: 'too many open files',
  };
  const text = typeof code === 'string' && why[code] ? `${why[code]} (${code})` : e instanceof Error ? e.message : String(e);
  return new IoError(`cannot ${action} ${path}: ${text}`, { cause: e });
}
