/**
 * A small multilayer perceptron (SiLU hidden layers, linear output) with its backward pass and Adam
 * (Kingma & Ba 2015, Algorithm 1), in float64, for training the project's tiny denoisers
 * deterministically without a deep-learning framework.
 */

export interface Layer {
  inDim: number;
  outDim: number;
  w: Float64Array; // outDim × inDim, row-major
  b: Float64Array;
}

const silu = (z: number) => z / (1 + Math.exp(-z));
const siluGrad = (z: number) => {
  const s = 1 / (1 + Math.exp(-z));
  return s * (1 + z * (1 - s));
};

export function createMlp(sizes: readonly number[], rand: () => number): Layer[] {
  const layers: Layer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [inDim, outDim] = [sizes[l], sizes[l + 1]];
    const scale = Math.sqrt(2 / inDim); // He initialization
    layers.push({ inDim, outDim, w: Float64Array.from({ length: inDim * outDim }, () => scale * rand()), b: new Float64Array(outDim) });
  }
  return layers;
}

/** Forward pass over a batch (rows × inDim); keeps pre-activations for the backward pass. */
export function forward(layers: Layer[], input: Float64Array, rows: number) {
  const pre: Float64Array[] = [];
  const act: Float64Array[] = [input];
  let h = input;
  layers.forEach((L, l) => {
    const z = new Float64Array(rows * L.outDim);
    for (let r = 0; r < rows; r++)
      for (let o = 0; o < L.outDim; o++) {
        let s = L.b[o];
        for (let i = 0; i < L.inDim; i++) s += L.w[o * L.inDim + i] * h[r * L.inDim + i];
        z[r * L.outDim + o] = s;
      }
    pre.push(z);
    h = l + 1 < layers.length ? z.map(silu) : z;
    act.push(h);
  });
  return { output: h, pre, act };
}

/** Gradients of ½ mean |output − target|² (summed over outputs) with respect to every weight. */
export function backward(layers: Layer[], pass: ReturnType<typeof forward>, target: Float64Array, rows: number) {
  const grads = layers.map((L) => ({ w: new Float64Array(L.w.length), b: new Float64Array(L.b.length) }));
  let delta = pass.output.map((y, i) => (y - target[i]) / rows);
  for (let l = layers.length - 1; l >= 0; l--) {
    const L = layers[l];
    const h = pass.act[l];
    for (let r = 0; r < rows; r++)
      for (let o = 0; o < L.outDim; o++) {
        const g = delta[r * L.outDim + o];
        grads[l].b[o] += g;
        for (let i = 0; i < L.inDim; i++) grads[l].w[o * L.inDim + i] += g * h[r * L.inDim + i];
      }
    if (l === 0) break;
    const next = new Float64Array(rows * L.inDim);
    const z = pass.pre[l - 1];
    for (let r = 0; r < rows; r++)
      for (let i = 0; i < L.inDim; i++) {
        let s = 0;
        for (let o = 0; o < L.outDim; o++) s += L.w[o * L.inDim + i] * delta[r * L.outDim + o];
        next[r * L.inDim + i] = s * siluGrad(z[r * L.inDim + i]);
      }
    delta = next;
  }
  return grads;
}

/** Adam with bias correction; state per parameter array. */
export class Adam {
  private m: Float64Array[];
  private v: Float64Array[];
  private t = 0;
  constructor(private readonly params: Float64Array[], private readonly beta1 = 0.9, private readonly beta2 = 0.999, private readonly eps = 1e-8) {
    this.m = params.map((p) => new Float64Array(p.length));
    this.v = params.map((p) => new Float64Array(p.length));
  }
  step(grads: Float64Array[], lr: number): void {
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    this.params.forEach((p, k) => {
      const [g, m, v] = [grads[k], this.m[k], this.v[k]];
      for (let i = 0; i < p.length; i++) {
        m[i] = this.beta1 * m[i] + (1 - this.beta1) * g[i];
        v[i] = this.beta2 * v[i] + (1 - this.beta2) * g[i] * g[i];
        p[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + this.eps);
      }
    });
  }
}
