/**
 * A score network in an ONNX file, run by ONNX Runtime (an optional peer dependency), usable by every
 * sampler: `sample({ model, ... })`. The model's output is turned into the score by its
 * parameterization (./parameterization.ts); Hessian-vector products for the local-linearization
 * samplers are central differences of the model with a step chosen for the model's precision.
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, NonFiniteError, ShapeMismatchError } from '../errors.js';
import type { FloatArray } from '../ndarray.js';
import { normalizeProcess, processCoefficients, type ProcessInput, type ProcessSpec } from '../process.js';
import { requireInteger, requireOneOf, requirePositive } from '../validate.js';
import { loadRuntime, type OrtModule, type OrtSession, type OrtTensor, type OrtValueMetadata } from './onnx-runtime.js';
import {
  alphasCumprod,
  outputMap,
  parameterizations,
  timeFeature,
  timeInputOf,
  timeInputs,
  type Parameterization,
  type RowCoefficients,
  type TimeInput,
  type TimestepSchedule,
} from './parameterization.js';

export interface OnnxModelOptions {
  /** Path of the .onnx file, or its bytes. */
  model: string | Uint8Array;
  /** What the network predicts (default 'eps'). */
  parameterization?: Parameterization;
  /** How the network takes time (default 't'). Denoisers take ς and EDM networks c_noise = ¼ ln ς, whatever this says. */
  timeInput?: TimeInput;
  /** The discrete schedule of timeInput 'timestep' (default: DDPM's linear β, 1000 steps). */
  schedule?: TimestepSchedule;
  /** σ_data of EDM's preconditioning (default 0.5). */
  sigmaData?: number;
  /** Input names (default: the rank-2 input is x, the other one is t). */
  inputs?: { x?: string; t?: string };
  /** Output name (default: the model's first output). */
  output?: string;
  /** Rows per inference call (default: the whole batch the sampler hands over). */
  batchSize?: number;
  /** ONNX Runtime's intra-op threads (default: its own choice). */
  threads?: number;
  /** 'cpu' (default) or 'cuda' (ONNX Runtime's CUDA provider, where installed). */
  executionProvider?: 'cpu' | 'cuda';
  /** The runtime module (default 'onnxruntime-node'). */
  runtime?: string;
}

export type ModelDType = 'float32' | 'float64';
const elemTypes: Record<string, ModelDType | 'int64'> = { float32: 'float32', float64: 'float64', int64: 'int64' };

function findInput(meta: readonly OrtValueMetadata[], name: string | undefined, rank: (r: number) => boolean, what: string): OrtValueMetadata {
  const names = meta.map((m) => m.name).join(', ');
  const found = name !== undefined ? meta.find((m) => m.name === name) : meta.find((m) => rank(m.shape?.length ?? -1));
  if (!found) throw new InvalidArgumentError(name !== undefined ? `the model has no input '${name}' (${what}); its inputs: ${names}` : `cannot tell which input is ${what}; name it (inputs: ${names})`);
  return found;
}

function tensorType(m: OrtValueMetadata, what: string): ModelDType | 'int64' {
  const t = elemTypes[m.type ?? ''];
  if (!m.isTensor || !t) throw new InvalidArgumentError(`the model's ${what} '${m.name}' must be a float32, float64 or int64 tensor, not ${m.type ?? 'a non-tensor'}`);
  return t;
}

/** A loaded ONNX score network; create with loadOnnxModel. */
export class OnnxScoreModel {
  readonly kind = 'onnx-model' as const;
  private readonly abar?: Float64Array;

  constructor(
    private readonly ort: OrtModule,
    private readonly session: OrtSession,
    readonly d: number,
    readonly dtype: ModelDType,
    private readonly timeType: ModelDType | 'int64',
    private readonly timeRank: number,
    readonly names: { x: string; t: string; output: string },
    readonly parameterization: Parameterization,
    readonly timeInput: TimeInput,
    private readonly sigmaData: number,
    private readonly batchSize: number,
    schedule?: TimestepSchedule,
  ) {
    if (timeInput === 'timestep') this.abar = alphasCumprod(schedule);
  }

  /** Writes the score s(t, x_i) of rows x (n × d) into out; t a number or one time per row. */
  async score(process: ProcessSpec, t: number | Float64Array, x: ArrayLike<number>, n: number, out: FloatArray): Promise<void> {
    for (let first = 0; first < n; first += this.batchSize) {
      const count = Math.min(this.batchSize, n - first);
      const times = typeof t === 'number' ? t : t.subarray(first, first + count);
      const rows = (a: ArrayLike<number>) => (a as FloatArray).subarray(first * this.d, (first + count) * this.d);
      await this.scoreRows(process, times, rows(x), count, rows(out) as FloatArray);
    }
  }

  /** One inference call: rows in, score out, with the per-row linear maps of the parameterization. */
  private async scoreRows(process: ProcessSpec, t: number | Float64Array, x: FloatArray, n: number, out: FloatArray): Promise<void> {
    const d = this.d;
    const times = typeof t === 'number' ? Float64Array.of(t) : t; // one time for all rows, or one per row
    const pc = processCoefficients(process, times);
    const c: RowCoefficients = { alpha: pc.alpha, sigma: pc.sigma };
    const maps = Array.from(times, (_, i) => outputMap(this.parameterization, c.alpha[i], c.sigma[i], this.sigmaData));
    const map = (i: number) => maps[maps.length === 1 ? 0 : i];
    const xin = this.dtype === 'float32' ? new Float32Array(n * d) : new Float64Array(n * d);
    if (maps.every((m) => m.inScale === 1)) xin.set(x);
    else for (let i = 0; i < n; i++) for (let j = i * d, s = map(i).inScale; j < (i + 1) * d; j++) xin[j] = s * x[j];
    const feeds = { [this.names.x]: new this.ort.Tensor(this.dtype, xin, [n, d]), [this.names.t]: this.timeTensor(times, c, n) };
    const y = (await this.session.run(feeds))[this.names.output];
    if (!y || y.dims.length !== 2 || y.dims[0] !== n || y.dims[1] !== d)
      throw new ShapeMismatchError(`the model's output '${this.names.output}' has shape [${y?.dims.join(', ')}], expected [${n}, ${d}]`);
    const data = y.data as ArrayLike<number>;
    for (let i = 0; i < n; i++) {
      const { a, b } = map(i);
      for (let j = i * d; j < (i + 1) * d; j++) {
        const v = data[j];
        if (!(Math.abs(v) < Infinity)) throw new NonFiniteError(`the model returned ${v} (row ${i}, t = ${times[times.length === 1 ? 0 : i]})`);
        out[j] = a * x[j] + b * v;
      }
    }
  }

  private timeTensor(times: Float64Array, c: RowCoefficients, n: number): OrtTensor {
    const f = timeFeature(timeInputOf(this.parameterization, this.timeInput), times, c, this.abar);
    if (this.timeRank === 0 && f.some((v) => v !== f[0]))
      throw new InvalidArgumentError(`the model's time input '${this.names.t}' is a scalar, but this step evaluates several times at once (randomized schemes need a time per row)`);
    const dims = this.timeRank === 0 ? [] : this.timeRank === 1 ? [n] : [n, 1];
    const len = this.timeRank === 0 ? 1 : n;
    const value = (i: number) => f[f.length === 1 ? 0 : i];
    if (this.timeType === 'int64') return new this.ort.Tensor('int64', BigInt64Array.from({ length: len }, (_, i) => BigInt(Math.round(value(i)))), dims);
    const data = this.timeType === 'float32' ? new Float32Array(len) : new Float64Array(len);
    if (f.length === 1) data.fill(f[0]);
    else data.set(f.subarray(0, len));
    return new this.ort.Tensor(this.timeType, data, dims);
  }

  /**
   * Hessian-vector products ∇s(t, x_i) v_i by central differences, step δ_i = u^{1/3}(1 + |x_i|)/|v_i|
   * (u the unit round-off of the model's dtype): truncation O(δ²|∇³s||v|³), rounding O(u|s|/δ).
   */
  async hvp(process: ProcessSpec, t: number, x: ArrayLike<number>, v: ArrayLike<number>, n: number, out: FloatArray): Promise<void> {
    const d = this.d;
    const u = this.dtype === 'float32' ? 2 ** -24 : 2 ** -53;
    const plus = new Float64Array(n * d);
    const minus = new Float64Array(n * d);
    const step = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let xn = 0;
      let vn = 0;
      for (let j = i * d; j < (i + 1) * d; j++) (xn += x[j] * x[j]), (vn += v[j] * v[j]);
      step[i] = vn > 0 ? (Math.cbrt(u) * (1 + Math.sqrt(xn))) / Math.sqrt(vn) : 0;
      for (let j = i * d; j < (i + 1) * d; j++) (plus[j] = x[j] + step[i] * v[j]), (minus[j] = x[j] - step[i] * v[j]);
    }
    const sp = new Float64Array(n * d);
    const sm = new Float64Array(n * d);
    await this.score(process, t, plus, n, sp);
    await this.score(process, t, minus, n, sm);
    for (let i = 0; i < n; i++)
      for (let j = i * d; j < (i + 1) * d; j++) out[j] = step[i] > 0 ? (sp[j] - sm[j]) / (2 * step[i]) : 0;
  }

  /** The score and Hessian-vector callbacks a sampler calls for this process. */
  callbacks(process: ProcessInput) {
    const p = normalizeProcess(process);
    return {
      score: (t: number | Float64Array, x: FloatArray, n: number, _d: number, out: FloatArray) => this.score(p, t, x, n, out),
      hvp: (t: number, x: FloatArray, v: FloatArray, n: number, _d: number, out: FloatArray) => this.hvp(p, t, x, v, n, out),
    };
  }

  /** Frees the runtime's session. */
  release(): Promise<void> {
    return this.session.release();
  }
}

/** Loads an ONNX score network and checks its inputs and outputs against the options. */
export async function loadOnnxModel(o: OnnxModelOptions): Promise<OnnxScoreModel> {
  if (typeof o !== 'object' || o === null) throw new InvalidArgumentError('loadOnnxModel needs an options object');
  const parameterization = requireOneOf(o.parameterization ?? 'eps', 'parameterization', parameterizations);
  const timeInput = requireOneOf(o.timeInput ?? 't', 'timeInput', timeInputs);
  const sigmaData = requirePositive(o.sigmaData ?? 0.5, 'sigmaData');
  const batchSize = requireInteger(o.batchSize ?? 2 ** 31 - 1, 'batchSize', 1, 2 ** 31 - 1);
  const provider = requireOneOf(o.executionProvider ?? 'cpu', 'executionProvider', ['cpu', 'cuda'] as const);
  if (o.schedule !== undefined && timeInput !== 'timestep') throw new InvalidArgumentError("schedule applies to timeInput 'timestep' only");
  let bytes: Uint8Array;
  if (typeof o.model === 'string') {
    try {
      bytes = readFileSync(o.model);
    } catch (e) {
      throw new InvalidArgumentError(`cannot read the model file '${o.model}': ${(e as Error).message}`, { cause: e });
    }
  } else if (o.model instanceof Uint8Array) bytes = o.model;
  else throw new InvalidArgumentError('model must be a file path or the bytes of an .onnx file');
  const ort = loadRuntime(o.runtime);
  let session: OrtSession;
  try {
    const opts = { executionProviders: [provider], ...(o.threads !== undefined ? { intraOpNumThreads: requireInteger(o.threads, 'threads', 1, 1024) } : {}) };
    session = await ort.InferenceSession.create(bytes, opts);
  } catch (e) {
    throw new InvalidArgumentError(`ONNX Runtime could not load the model: ${(e as Error).message}`, { cause: e });
  }
  return describe(ort, session, o, { parameterization, timeInput, sigmaData, batchSize });
}

function describe(ort: OrtModule, session: OrtSession, o: OnnxModelOptions, s: { parameterization: Parameterization; timeInput: TimeInput; sigmaData: number; batchSize: number }) {
  const inputs = session.inputMetadata ?? session.inputNames.map((name) => ({ name, isTensor: true }));
  if (inputs.length !== 2) throw new InvalidArgumentError(`a score model takes two inputs (x and time); this one has ${inputs.length}: ${session.inputNames.join(', ')}`);
  const xMeta = findInput(inputs, o.inputs?.x, (r) => r === 2, 'x (n × d)');
  const tMeta = findInput(inputs.filter((m) => m !== xMeta), o.inputs?.t, () => true, 'time');
  const xType = tensorType(xMeta, 'input');
  if (xType === 'int64') throw new InvalidArgumentError(`the model's x input '${xMeta.name}' must be float32 or float64`);
  const dim = xMeta.shape?.[1];
  if (xMeta.shape?.length !== 2 || typeof dim !== 'number') throw new ShapeMismatchError(`the model's x input '${xMeta.name}' must have shape [n, d] with a fixed d, not [${xMeta.shape?.join(', ')}]`);
  const tRank = tMeta.shape?.length ?? 1;
  if (tRank > 2 || (tRank === 2 && tMeta.shape?.[1] !== 1)) throw new ShapeMismatchError(`the model's time input '${tMeta.name}' must be a scalar, [n] or [n, 1], not [${tMeta.shape?.join(', ')}]`);
  const output = o.output ?? session.outputNames[0];
  if (!session.outputNames.includes(output)) throw new InvalidArgumentError(`the model has no output '${output}'; its outputs: ${session.outputNames.join(', ')}`);
  const outMeta = session.outputMetadata?.find((m) => m.name === output);
  const outDim = outMeta?.shape?.[1];
  if (outMeta?.shape && (outMeta.shape.length !== 2 || (typeof outDim === 'number' && outDim !== dim)))
    throw new ShapeMismatchError(`the model's output '${output}' has shape [${outMeta.shape.join(', ')}], expected [n, ${dim}]`);
  const names = { x: xMeta.name, t: tMeta.name, output };
  return new OnnxScoreModel(ort, session, dim, xType, tensorType(tMeta, 'time input'), tRank, names, s.parameterization, s.timeInput, s.sigmaData, s.batchSize, o.schedule);
}
