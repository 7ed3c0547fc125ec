/**
 * The exact score of a diagonal Gaussian mixture under the `vp` process, written as an ONNX graph
 * (spec §1 and §4): α(t) = exp(−B(t)/2), B(t) = β_min t + ½(β_max − β_min)t², σ² = 1 − α²;
 * p_t = Σ_k w_k N(αμ_k, diag(α²v_k + σ²)); s = Σ_k r_k(x) (−(x − αμ_k)/(α²v_k + σ²)).
 * Inputs x [n, d] and t [n]; output `score` [n, d] (or ε = −σ s with `output: 'eps'`).
 * Sampling through this graph must equal sampling with the analytic target to round-off: it checks
 * the model plumbing end to end.
 */
import { GraphBuilder, type ElemType } from './onnx-graph.js';

export interface DiagonalMixture {
  weights: readonly number[];
  means: readonly (readonly number[])[];
  variances: readonly (readonly number[])[];
}

export interface ScoreGraphOptions {
  elem?: ElemType;
  betaMin?: number;
  betaMax?: number;
  output?: 'score' | 'eps';
}

/** α and σ² of vp at the times in `t` ([n]) as [n, 1, 1] values. */
function vpCoefficients(g: GraphBuilder, t: string, betaMin: number, betaMax: number) {
  const tt = g.op('Mul', [t, t]);
  const B = g.op('Add', [g.op('Mul', [t, g.scalar(betaMin)]), g.op('Mul', [tt, g.scalar(0.5 * (betaMax - betaMin))])]);
  const alphaN = g.op('Exp', [g.op('Mul', [B, g.scalar(-0.5)])]);
  const sigma2N = g.op('Sub', [g.scalar(1), g.op('Exp', [g.op('Neg', [B])])]);
  const to3 = g.constant([-1, 1, 1], [3], 'int64');
  return { alphaN, sigma2N, alpha: g.op('Reshape', [alphaN, to3]), sigma2: g.op('Reshape', [sigma2N, to3]) };
}

export function gmmScoreGraph(m: DiagonalMixture, o: ScoreGraphOptions = {}): Uint8Array {
  const K = m.weights.length;
  const d = m.means[0].length;
  const g = new GraphBuilder(o.elem ?? 'double');
  const x = g.input('x', ['n', d]);
  const t = g.input('t', ['n']);
  const { alpha, sigma2, sigma2N } = vpCoefficients(g, t, o.betaMin ?? 0.1, o.betaMax ?? 20);
  const mu = g.constant(m.means.flat(), [1, K, d]);
  const v = g.constant(m.variances.flat(), [1, K, d]);
  const logW = g.constant(m.weights.map(Math.log), [1, K]);

  const x3 = g.op('Unsqueeze', [x, g.constant([1], [1], 'int64')]); // [n, 1, d]
  const variance = g.op('Add', [g.op('Mul', [g.op('Mul', [alpha, alpha]), v]), sigma2]); // [n, K, d]
  const diff = g.op('Sub', [x3, g.op('Mul', [alpha, mu])]);
  const quad = g.op('Add', [g.op('Div', [g.op('Mul', [diff, diff]), variance]), g.op('Log', [variance])]);
  const axis2 = g.constant([2], [1], 'int64');
  const logN = g.op('Add', [g.op('Mul', [g.op('ReduceSum', [quad, axis2], { keepdims: 0 }), g.scalar(-0.5)]), logW]); // [n, K]
  const r = g.op('Unsqueeze', [g.op('Softmax', [logN], { axis: 1 }), axis2]); // [n, K, 1]
  const perComponent = g.op('Neg', [g.op('Div', [diff, variance])]);
  const score = g.op('ReduceSum', [g.op('Mul', [r, perComponent]), g.constant([1], [1], 'int64')], { keepdims: 0 }); // [n, d]
  if ((o.output ?? 'score') === 'score') {
    g.output(score, 'score', ['n', d]);
  } else {
    const sigma = g.op('Unsqueeze', [g.op('Sqrt', [sigma2N]), g.constant([1], [1], 'int64')]);
    g.output(g.op('Neg', [g.op('Mul', [sigma, score])]), 'eps', ['n', d]);
  }
  return g.toBytes();
}
