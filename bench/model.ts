/**
 * The sampler's overhead around a score network: `sample({ model })` (Euler, 20 steps, n = 10⁵) against
 * bare ONNX Runtime inference of the same batches (the same number of session.run calls on tensors of
 * the same shape) in the same run, best of 9 interleaved rounds. Overhead = everything the library adds:
 * time inputs, parameterization, copies, the native step loop (~2 ms a step at n = 10⁵, d = 2). Two
 * networks: the tiny trained 2-D denoiser under models/ (3 → 64 → 64 → 2) and a wider small MLP
 * (3 → 256 → 256 → 256 → 2, random weights, built here).
 */
import { createRequire } from 'node:module';
import { loadOnnxModel, sample } from '../lib/index.js';
import { createMlp } from '../scripts/models/mlp.js';
import { denoiserGraph, seededNormals } from '../scripts/models/train-denoiser.js';

const best = (xs: number[]) => Math.min(...xs);

async function overhead(ort: typeof import('onnxruntime-node'), name: string, model: string | Uint8Array): Promise<void> {
  const n = 100_000;
  const steps = 20;
  const session = await ort.InferenceSession.create(model);
  const net = await loadOnnxModel({ model, timeInput: 'logsnr' });
  const x = new Float32Array(n * 2).map((_, i) => Math.sin(i));
  const bare = async () => {
    const t0 = performance.now();
    for (let k = 0; k < steps; k++)
      await session.run({ x: new ort.Tensor('float32', x, [n, 2]), logsnr: new ort.Tensor('float32', new Float32Array(n).fill(k / steps), [n]) });
    return (performance.now() - t0) / 1000;
  };
  const sampled = async (dtype: 'float32' | 'float64') => {
    const t0 = performance.now();
    await sample({ model: net, sampler: 'euler', steps, n, seed: 1, dtype });
    return (performance.now() - t0) / 1000;
  };
  const [b, s32, s64]: number[][] = [[], [], []];
  for (let r = 0; r < 9; r++) {
    b.push(await bare());
    s32.push(await sampled('float32'));
    s64.push(await sampled('float64'));
  }
  const [mb, m32, m64] = [best(b), best(s32), best(s64)];
  console.log(`${name}: n = ${n}, ${steps} score calls, best of 9 interleaved rounds`);
  console.log(`  bare ONNX Runtime inference      ${mb.toFixed(3)} s`);
  console.log(`  sample({ model }), float32        ${m32.toFixed(3)} s   overhead ${(100 * (m32 / mb - 1)).toFixed(1)}%`);
  console.log(`  sample({ model }), float64        ${m64.toFixed(3)} s   overhead ${(100 * (m64 / mb - 1)).toFixed(1)}%`);
  await session.release();
  await net.release();
}

export async function main(): Promise<void> {
  let ort: typeof import('onnxruntime-node');
  try {
    ort = createRequire(import.meta.url)('onnxruntime-node');
  } catch {
    console.log('onnxruntime-node is not installed: model benchmark skipped');
    return;
  }
  await overhead(ort, 'tiny denoiser (3-64-64-2)', 'models/gmm4-denoiser.onnx');
  const wide = denoiserGraph(createMlp([3, 256, 256, 256, 2], seededNormals(7).normal));
  await overhead(ort, 'small MLP (3-256-256-256-2)', wide);
}
