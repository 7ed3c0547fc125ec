/**
 * ONNX Runtime is an optional peer dependency: loaded on first use, with a typed error that says how
 * to install it offline when it is missing.
 */
import { createRequire } from 'node:module';
import { MissingDependencyError } from '../errors.js';

/** The parts of onnxruntime-node (or a compatible module) this library uses. */
export interface OrtTensor {
  readonly data: ArrayLike<number> | BigInt64Array;
  readonly dims: readonly number[];
  readonly type: string;
}
export interface OrtValueMetadata {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  readonly shape?: readonly (number | string)[];
}
export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata?: readonly OrtValueMetadata[];
  readonly outputMetadata?: readonly OrtValueMetadata[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
export interface OrtModule {
  Tensor: new (type: string, data: Float32Array | Float64Array | BigInt64Array, dims: readonly number[]) => OrtTensor;
  InferenceSession: {
    create(model: string | Uint8Array, options?: { intraOpNumThreads?: number; executionProviders?: string[] }): Promise<OrtSession>;
  };
}

export const runtimeInstallHint =
  'install it with `npm install onnxruntime-node --onnxruntime-node-install=skip` ' +
  '(the skip flag keeps its install script from downloading GPU binaries from outside the npm registry; ' +
  'the CPU runtime ships inside the package)';

let cached: OrtModule | undefined;

/** Loads the runtime module by name (default onnxruntime-node), or throws MISSING_DEPENDENCY. */
export function loadRuntime(moduleName = 'onnxruntime-node'): OrtModule {
  if (moduleName === 'onnxruntime-node' && cached) return cached;
  const require = createRequire(import.meta.url);
  let mod: OrtModule;
  try {
    mod = require(moduleName) as OrtModule;
  } catch (e) {
    throw new MissingDependencyError(`ONNX models need the optional peer dependency '${moduleName}', which could not be loaded: ${runtimeInstallHint}`, { cause: e });
  }
  if (moduleName === 'onnxruntime-node') cached = mod;
  return mod;
}
