// Score networks through ONNX Runtime: the plumbing checked end to end against the analytic target
// (an ONNX graph of the exact mixture score must sample identically), the model's contract checked at
// load and at run time (typed errors), and the missing-runtime path. Skips where the optional peer
// dependency onnxruntime-node is not installed.
import { describe, expect, it } from 'vitest';
import { hasOnnxRuntime } from './helpers/onnx-runtime.js';
import { gmmScoreGraph } from '../scripts/models/gmm-score-graph.js';
import { GraphBuilder } from '../scripts/models/onnx-graph.js';
import { gmmTarget, loadOnnxModel, ndarray, sample, sampleSync, type SamplerName } from '../lib/index.js';
import { loadRuntime } from '../lib/model/onnx-runtime.js';


const mixture = { weights: [0.3, 0.7], means: [[-2, 0], [2, 1]], variances: [[0.3, 0.5], [0.2, 0.4]] };
const target = gmmTarget(mixture);
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('loadRuntime', () => {
  it('names the missing peer dependency and how to install it offline', () => {
    expect(() => loadRuntime('onnxruntime-node-not-installed')).toThrow(expect.objectContaining({ code: 'MISSING_DEPENDENCY', message: expect.stringContaining('--onnxruntime-node-install=skip') }));
  });
});

describe.skipIf(!hasOnnxRuntime)('ONNX score models', () => {
  // Linear-stage, randomized (a time per particle) and per-stage-time schemes: identical arithmetic on
  // the score, so the samples agree with the analytic target's to float64 round-off of the graph.
  it.each(['euler-maruyama', 'heun', 'rk4', 'randomized-midpoint', 'ddim'] as SamplerName[])('the exact-score graph samples like the analytic target: %s', async (sampler) => {
    const model = await loadOnnxModel({ model: gmmScoreGraph(mixture), parameterization: 'score' });
    const o = { sampler, steps: 12, n: 300, seed: 5, process: 'vp' as const };
    const a = await sample({ ...o, target });
    const b = await sample({ ...o, model });
    expect(maxAbsDiff(a.samples.data, b.samples.data)).toBeLessThan(1e-11);
    expect(b.nfe).toBe(a.nfe);
  });

  it('an ε-graph converted by its parameterization gives the same samples, also in batches', async () => {
    const model = await loadOnnxModel({ model: gmmScoreGraph(mixture, { output: 'eps' }), parameterization: 'eps', batchSize: 64 });
    const o = { sampler: 'heun' as const, steps: 10, n: 200, seed: 2, process: 'vp' as const };
    const a = await sample({ ...o, target });
    const b = await sample({ ...o, model });
    expect(maxAbsDiff(a.samples.data, b.samples.data)).toBeLessThan(1e-11);
  });

  it('local linearization with finite-difference HVPs stays within their stated error', async () => {
    const model = await loadOnnxModel({ model: gmmScoreGraph(mixture), parameterization: 'score' });
    const o = { sampler: 'local-linearization' as const, steps: 10, n: 100, seed: 1, process: 'vp' as const, hessian: 'krylov' as const };
    const a = await sample({ ...o, target });
    const b = await sample({ ...o, model });
    // δ = u^{1/3}(1 + |x|)/|v| ≈ 5e-6: truncation δ² and rounding u/δ ≈ 2e-11 per product, amplified over 10 steps.
    expect(maxAbsDiff(a.samples.data, b.samples.data)).toBeLessThan(1e-5);
    expect(b.hvps).toBeGreaterThan(0);
  });

  it('float32 models run in float32 and stay close to float64', async () => {
    const model = await loadOnnxModel({ model: gmmScoreGraph(mixture, { elem: 'float' }), parameterization: 'score' });
    expect(model.dtype).toBe('float32');
    const o = { sampler: 'euler' as const, steps: 10, n: 200, seed: 3, process: 'vp' as const };
    const a = await sample({ ...o, target });
    const b = await sample({ ...o, model, dtype: 'float32' });
    expect(b.samples.data).toBeInstanceOf(Float32Array);
    expect(maxAbsDiff(a.samples.data, b.samples.data)).toBeLessThan(1e-4);
  });

  it('reads x, time and output from the model and refuses what does not fit', async () => {
    const bytes = gmmScoreGraph(mixture);
    const m = await loadOnnxModel({ model: bytes, parameterization: 'score' });
    expect([m.d, m.names.x, m.names.t, m.names.output]).toEqual([2, 'x', 't', 'score']);
    await expect(loadOnnxModel({ model: bytes, inputs: { x: 'image' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining("no input 'image'") });
    await expect(loadOnnxModel({ model: bytes, output: 'denoised' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(loadOnnxModel({ model: '/nonexistent/model.onnx' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(loadOnnxModel({ model: Uint8Array.of(1, 2, 3) })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(loadOnnxModel({ model: bytes, parameterization: 'noise' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('a wrong output shape and NaN outputs are typed errors, not samples', async () => {
    const g = new GraphBuilder('double');
    const x = g.input('x', ['n', 2]);
    g.input('t', ['n']);
    g.output(g.op('Concat', [x, x], { axis: 1 }), 'y', ['n', 4]); // [n, 4]: declared wrong at load
    await expect(loadOnnxModel({ model: g.toBytes() })).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });

    const h = new GraphBuilder('double');
    const hx = h.input('x', ['n', 2]);
    h.input('t', ['n']);
    h.output(h.op('Log', [h.op('Neg', [h.op('Mul', [hx, hx])])]), 'y', ['n', 2]); // log of a negative number
    const model = await loadOnnxModel({ model: h.toBytes() });
    await expect(sample({ model, steps: 3, n: 4 })).rejects.toMatchObject({ code: 'CALLBACK_FAILED', cause: expect.objectContaining({ code: 'NON_FINITE' }) });
  });

  it('is async only: the sync form refuses a model before any work', async () => {
    const model = await loadOnnxModel({ model: gmmScoreGraph(mixture), parameterization: 'score' });
    expect(() => sampleSync({ model, steps: 3, n: 4 })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
    await expect(sample({ model, target, steps: 3, n: 4 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(sample({ model, d: 3, steps: 3, n: 4 })).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
  });

  it('evaluates the score directly, with the time per row', async () => {
    const model = await loadOnnxModel({ model: gmmScoreGraph(mixture), parameterization: 'score' });
    const x = Float64Array.of(0.1, 0.2, -1, 3);
    const out = new Float64Array(4);
    await model.score({ name: 'vp' }, Float64Array.of(0.3, 0.7), x, 2, out);
    const { targetScore } = await import('../lib/index.js');
    const s0 = targetScore(target, 'vp', 0.3, ndarray(x.slice(0, 2), [1, 2])).data;
    const s1 = targetScore(target, 'vp', 0.7, ndarray(x.slice(2), [1, 2])).data;
    expect(maxAbsDiff(out, [...s0, ...s1])).toBeLessThan(1e-12);
  });
});
