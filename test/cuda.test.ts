/**
 * GPU checks. They run only where a CUDA device is usable (the CUDA build: DW2_CUDA=1 and
 * DW2_NATIVE_PATH=build-cuda/Release/diffusion_w2.node, `npm run test:cuda`); elsewhere they are
 * skipped with the reason. The device-selection tests run everywhere.
 */
import { describe, expect, it } from 'vitest';
import {
  devices,
  empiricalTarget,
  gaussianTarget,
  gmmTarget,
  normalsSync,
  sample,
  sampleSync,
  UnsupportedError,
  w2,
  w2Sync,
  type FloatArray,
  type NDArray,
  type SamplerName,
  type SampleOptions,
} from '../lib/index.js';
import { native } from '../lib/native.js';

const report = devices();
const gpu = report.cudaUsable;
if (!gpu) console.log(`CUDA tests skipped: ${report.reason}`);

// A full-covariance Gaussian (d = 5) and a diagonal Gaussian mixture (K = 3, d = 5).
const d = 5;
function spd(seed: number): number[][] {
  const a = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => Math.sin(seed + 3 * i + 7 * j)));
  return a.map((_, i) => a.map((_, j) => a[i]!.reduce((s, x, k) => s + x * a[j]![k]!, 0) / d + (i === j ? 0.2 : 0)));
}
const fullGaussian = gaussianTarget({ mean: [0.5, -1, 2, 0, 1.5], covariance: spd(1) });
const diagonalMixture = gmmTarget({
  weights: [0.5, 0.3, 0.2],
  means: [
    [2, 0, -1, 1, 0.5],
    [-2, 1, 0, -1, 0],
    [0, -2, 2, 0, -1],
  ],
  variances: [
    [0.3, 0.5, 0.2, 0.4, 0.6],
    [0.5, 0.2, 0.3, 0.3, 0.2],
    [0.2, 0.4, 0.6, 0.5, 0.3],
  ],
});
const fullMixture = gmmTarget({
  weights: [0.6, 0.4],
  means: [
    [1, 0, -1, 1, 0.5],
    [-1, 1, 0, -1, 0],
  ],
  covariances: [spd(2), spd(3)],
});

function maxAbs(x: FloatArray): number {
  let m = 0;
  for (const v of x) m = Math.max(m, Math.abs(v));
  return m;
}
function maxDiff(x: FloatArray, y: FloatArray): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}

describe('device selection (runs everywhere)', () => {
  const base: SampleOptions = { target: diagonalMixture, sampler: 'euler-maruyama', steps: 5, n: 20, seed: 3 };

  it('asking for cuda where none is usable is UNSUPPORTED with the reason; auto falls back to the CPU', async () => {
    if (gpu) return;
    expect(report.reason).toMatch(/CUDA|driver|device/);
    expect(() => normalsSync({ seed: 1, n: 2, d: 2, device: 'cuda' })).toThrow(UnsupportedError);
    expect(normalsSync({ seed: 1, n: 2, d: 2, device: 'auto' }).data).toEqual(normalsSync({ seed: 1, n: 2, d: 2 }).data);

    expect(() => sampleSync({ ...base, device: 'cuda' })).toThrow(UnsupportedError);
    expect(() => sampleSync({ ...base, device: 'cuda' })).toThrow(report.reason!);
    await expect(sample({ ...base, device: 'cuda' })).rejects.toThrow(UnsupportedError);
    const cpu = sampleSync(base);
    const auto = sampleSync({ ...base, device: 'auto' });
    expect(auto.device).toBe('cpu');
    expect(Array.from(auto.samples.data)).toEqual(Array.from(cpu.samples.data));
    expect(Array.from((await sample({ ...base, device: 'auto' })).samples.data)).toEqual(Array.from(cpu.samples.data));

    const a = normalsSync({ seed: 4, n: 50, d: 3 });
    const b = normalsSync({ seed: 5, n: 50, d: 3 });
    expect(() => w2Sync(a, b, { device: 'cuda' })).toThrow(UnsupportedError);
    await expect(w2(a, b, { device: 'cuda' })).rejects.toThrow(report.reason!);
    expect(w2Sync(a, b, { device: 'auto' }).w2sq).toBe(w2Sync(a, b).w2sq);
  });

  it('the native CUDA entry points refuse with the reason too (binding level)', () => {
    if (gpu) return;
    const nat = native() as unknown as Record<string, (...args: unknown[]) => unknown>;
    const opts = { sampler: 'heun', process: { name: 'vp' }, grid: { kind: 'uniform', steps: 3 }, n: 4, d, target: diagonalMixture };
    expect(() => nat.samplerRunCudaSync!(opts)).toThrow(report.reason!);
    expect(() => nat.samplerRunCudaSync!({ ...opts, target: undefined, score: () => undefined })).toThrow(/score callbacks/);
    const a = new Float64Array(8);
    expect(() => nat.w2AuctionCudaSync!({ a, n: 4, b: a, m: 4, d: 2 })).toThrow(report.reason!);
    expect(() => nat.w2AuctionCudaSync!({ a, n: 4, b: a, m: 4, d: 2, weightsA: new Float64Array(4).fill(0.25) })).toThrow(/weightsA/);
    expect(report.reason).toMatch(report.cudaCompiled ? /driver|device/ : /without CUDA/);
  });

  it('options the GPU cannot run are UNSUPPORTED naming the option (any machine); auto uses the CPU for them', () => {
    const score = (_t: number | Float64Array, x: FloatArray, _n: number, _d: number, out: FloatArray) => {
      for (let i = 0; i < x.length; i++) out[i] = -x[i]!;
    };
    expect(() => sampleSync({ score, d: 2, steps: 3, n: 4, device: 'cuda' })).toThrow(/score callbacks/);
    expect(() => sampleSync({ score, d: 2, steps: 3, n: 4, device: 'cuda' })).toThrow(UnsupportedError);
    expect(() => sampleSync({ ...base, sampler: 'local-linearization', device: 'cuda' })).toThrow(/local-linearization/);
    const emp = empiricalTarget([
      [0, 0],
      [1, 1],
    ]);
    expect(() => sampleSync({ target: emp, steps: 3, n: 4, device: 'cuda' })).toThrow(/empirical/);
    const viaAuto = sampleSync({ score, d: 2, steps: 3, n: 4, seed: 1, device: 'auto' });
    expect(viaAuto.device).toBe('cpu');
    expect(Array.from(viaAuto.samples.data)).toEqual(Array.from(sampleSync({ score, d: 2, steps: 3, n: 4, seed: 1 }).samples.data));

    const a = normalsSync({ seed: 4, n: 30, d: 2 });
    const b = normalsSync({ seed: 5, n: 30, d: 2 });
    const c = normalsSync({ seed: 6, n: 20, d: 2 });
    const wts = new Array(30).fill(1 / 30) as number[];
    expect(() => w2Sync(a, b, { device: 'cuda', weightsA: wts })).toThrow(/weightsA/);
    expect(() => w2Sync(a, c, { device: 'cuda' })).toThrow(/different sizes/);
    expect(() => w2Sync(a, b, { device: 'cuda', method: 'sliced' })).toThrow(/sliced/);
    expect(() => w2Sync(a, b, { device: 'cuda', solver: 'network-simplex' })).toThrow(UnsupportedError);
    expect(w2Sync(a, c, { device: 'auto' }).w2sq).toBe(w2Sync(a, c).w2sq);
  });
});

describe.skipIf(!gpu)('CUDA kernels', () => {
  it('noise is bit-identical to the CPU (float64 and float32, odd d)', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const opts = { seed: 77, n: 100_003, d: 7, step: 5, stage: 1, dtype };
      const cpu = normalsSync(opts).data;
      const cuda = normalsSync({ ...opts, device: 'cuda' }).data;
      expect(Buffer.from(cuda.buffer).equals(Buffer.from(cpu.buffer))).toBe(true);
    }
  });

  const schemes: { sampler: SamplerName; eta?: number }[] = [
    { sampler: 'euler-maruyama' },
    { sampler: 'ddpm' },
    { sampler: 'exponential' },
    { sampler: 'euler' },
    { sampler: 'heun' },
    { sampler: 'rk4' },
    { sampler: 'ddim', eta: 0 },
    { sampler: 'ddim', eta: 0.5 },
    { sampler: 'exponential-ode' },
    { sampler: 'randomized-midpoint' },
    { sampler: 'randomized-exponential' },
    // single-step k-diffusion samplers (multistep ones and edm run on the CPU only)
    { sampler: 'euler-ancestral' },
    { sampler: 'dpm-2' },
    { sampler: 'dpm-3' },
    { sampler: 'dpmpp-2s-ancestral' },
  ];
  const targets = { 'full-covariance Gaussian': fullGaussian, 'diagonal Gaussian mixture': diagonalMixture };
  // float64: round-off of one step, compounded over the run; float32: the state is rounded to
  // float after every step on both sides, and a rounding that flips there shows up as ~1 ulp.
  const tolerance = { float64: 1e-10, float32: 2e-5 };

  for (const [name, target] of Object.entries(targets))
    for (const { sampler, eta } of schemes)
      for (const dtype of ['float64', 'float32'] as const)
        it(`${sampler}${eta !== undefined ? ` η=${eta}` : ''} on a ${name}, ${dtype}: GPU = CPU to round-off`, () => {
          const opts: SampleOptions = { target, sampler, eta, steps: 25, n: 3001, seed: 11, firstParticle: 5, dtype };
          const cpu = sampleSync(opts);
          const cuda = sampleSync({ ...opts, device: 'cuda' });
          expect(cuda.device).toBe('cuda');
          expect(cuda.nfe).toBe(cpu.nfe);
          expect(cuda.fallbackSteps).toBe(cpu.fallbackSteps);
          expect(cuda.samples.data.constructor).toBe(cpu.samples.data.constructor);
          const scale = 1 + maxAbs(cpu.samples.data);
          expect(maxDiff(cuda.samples.data, cpu.samples.data)).toBeLessThanOrEqual(tolerance[dtype] * scale);
        });

  it('full-covariance mixture, other processes, trajectories, x0 and the async form match the CPU', async () => {
    for (const process of ['vp', 've', 'ou', 'heat'] as const)
      for (const sampler of ['heun', 'randomized-exponential'] as const) {
        const opts: SampleOptions = { target: fullMixture, process, sampler, steps: 12, n: 777, seed: 2, trajectory: [0, 5, 12] };
        const cpu = sampleSync(opts);
        const cuda = await sample({ ...opts, device: 'cuda' });
        const scale = 1 + maxAbs(cpu.samples.data);
        expect(maxDiff(cuda.samples.data, cpu.samples.data)).toBeLessThanOrEqual(1e-10 * scale);
        cpu.trajectory.forEach((t: NDArray, k: number) => expect(maxDiff(cuda.trajectory[k]!.data, t.data)).toBeLessThanOrEqual(1e-10 * scale));
      }
    const x0 = normalsSync({ seed: 9, n: 100, d });
    const cpu = sampleSync({ target: diagonalMixture, x0, n: 100, steps: 7, sampler: 'rk4' });
    const cuda = sampleSync({ target: diagonalMixture, x0, n: 100, steps: 7, sampler: 'rk4', device: 'cuda' });
    expect(maxDiff(cuda.samples.data, cpu.samples.data)).toBeLessThanOrEqual(1e-10 * (1 + maxAbs(cpu.samples.data)));
    expect(sampleSync({ target: diagonalMixture, n: 10, steps: 3, device: 'auto' }).device).toBe('cuda');
  });

  it('exact W2 on the GPU equals the CPU solver (relative 1e-12) and is certified', async () => {
    for (const [n, dim] of [
      [1, 3],
      [2, 2],
      [600, 2],
      [1500, 2],
      [1000, 16],
      [2000, 64],
    ] as const) {
      const a = normalsSync({ seed: 21, n, d: dim });
      const b = normalsSync({ seed: 22, n, d: dim, step: 1 });
      const cpu = w2Sync(a, b);
      const cuda = w2Sync(a, b, { device: 'cuda' });
      expect(cuda.solver).toMatch(/^cuda-auction/);
      expect(cuda.certificate!.certified).toBe(true);
      expect(Math.abs(cuda.w2sq - cpu.w2sq)).toBeLessThanOrEqual(1e-12 * cpu.w2sq + 1e-300);
      const async_ = await w2(a, b, { device: 'cuda' });
      expect(async_.w2sq).toBe(cuda.w2sq);
    }
  });
});
