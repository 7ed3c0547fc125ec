/**
 * Trains a tiny ε-prediction network on a 2-D target under the `vp` process (β ∈ [0.1, 20], spec §1)
 * by denoising score matching (Ho et al. 2020, Algorithm 1: t ~ U(t_end, 1), x_t = α x₀ + σ ε, loss
 * |ε̂(x_t, t) − ε|²), and writes it as an ONNX graph taking (x [n, d], log-SNR [n]) in float32.
 * Deterministic: a seeded generator drives data, noise and initialization.
 */
import { GraphBuilder } from './onnx-graph.js';
import { Adam, backward, createMlp, forward, type Layer } from './mlp.js';

/** A seeded uniform generator (splitmix32) and standard normals by Box–Muller. */
export function seededNormals(seed: number) {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296 + 1 / 8589934592;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

export interface Mixture2d {
  weights: readonly number[];
  means: readonly (readonly number[])[];
  variances: readonly (readonly number[])[];
}

function drawMixture(m: Mixture2d, rng: ReturnType<typeof seededNormals>, out: Float64Array, row: number) {
  let u = rng.uniform();
  let k = 0;
  while (k + 1 < m.weights.length && (u -= m.weights[k]) > 0) k++;
  for (let j = 0; j < 2; j++) out[row * 2 + j] = m.means[k][j] + Math.sqrt(m.variances[k][j]) * rng.normal();
}

/** vp's α(t) and σ(t) (spec §1, defaults). */
export function vpAlphaSigma(t: number): [number, number] {
  const B = 0.1 * t + 0.5 * (20 - 0.1) * t * t;
  return [Math.exp(-0.5 * B), Math.sqrt(-Math.expm1(-B))];
}

const logSnrScale = 1 / 8; // keeps the time feature of order one

export interface TrainOptions {
  hidden?: number;
  steps?: number;
  batch?: number;
  seed?: number;
  tEnd?: number;
  log?: (step: number, loss: number) => void;
}

export function trainDenoiser(target: Mixture2d, o: TrainOptions = {}): Layer[] {
  const { hidden = 64, steps = 4000, batch = 256, seed = 1, tEnd = 1e-3 } = o;
  const rng = seededNormals(seed);
  const layers = createMlp([3, hidden, hidden, 2], rng.normal);
  const adam = new Adam(layers.flatMap((L) => [L.w, L.b]));
  const input = new Float64Array(batch * 3);
  const eps = new Float64Array(batch * 2);
  const x0 = new Float64Array(batch * 2);
  for (let step = 0; step < steps; step++) {
    for (let r = 0; r < batch; r++) {
      drawMixture(target, rng, x0, r);
      const t = tEnd + (1 - tEnd) * rng.uniform();
      const [a, s] = vpAlphaSigma(t);
      for (let j = 0; j < 2; j++) {
        eps[r * 2 + j] = rng.normal();
        input[r * 3 + j] = a * x0[r * 2 + j] + s * eps[r * 2 + j];
      }
      input[r * 3 + 2] = logSnrScale * Math.log((a * a) / (s * s));
    }
    const pass = forward(layers, input, batch);
    const grads = backward(layers, pass, eps, batch);
    const lr = 1e-4 + 0.5 * (2e-3 - 1e-4) * (1 + Math.cos((Math.PI * step) / steps)); // cosine decay
    adam.step(grads.flatMap((g) => [g.w, g.b]), lr);
    if (o.log && (step % 500 === 0 || step === steps - 1)) {
      let loss = 0;
      for (let i = 0; i < eps.length; i++) loss += (pass.output[i] - eps[i]) ** 2;
      o.log(step, loss / batch);
    }
  }
  return layers;
}

/** The network as an ONNX graph: inputs x [n, 2] and logsnr [n], output eps [n, 2] (float32). */
export function denoiserGraph(layers: Layer[]): Uint8Array {
  const g = new GraphBuilder('float');
  const x = g.input('x', ['n', 2]);
  const logSnr = g.input('logsnr', ['n']);
  const feature = g.op('Unsqueeze', [g.op('Mul', [logSnr, g.scalar(logSnrScale)]), g.constant([1], [1], 'int64')]);
  let h = g.op('Concat', [x, feature], { axis: 1 });
  layers.forEach((L, l) => {
    h = g.op('Gemm', [h, g.constant(L.w, [L.outDim, L.inDim]), g.constant(L.b, [L.outDim])], { transB: 1 });
    if (l + 1 < layers.length) h = g.op('Mul', [h, g.op('Sigmoid', [h])]); // SiLU
  });
  g.output(h, 'eps', ['n', 2]);
  return g.toBytes();
}
