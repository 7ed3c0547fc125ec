/** The benchmark mixture shared by the CPU and GPU sampler benches: K = 8 diagonal Gaussians in d dimensions. */
export const mixtureComponents = 8;

export function benchMixture(d: number) {
  const K = mixtureComponents;
  const means: number[][] = [];
  const variances: number[][] = [];
  for (let k = 0; k < K; k++) {
    means.push(Array.from({ length: d }, (_, j) => Math.sin(7 * k + j)));
    variances.push(Array.from({ length: d }, (_, j) => 0.1 + 0.05 * ((k + j) % 5)));
  }
  return { weights: new Array(K).fill(1 / K) as number[], means, variances };
}

/**
 * The same means and weights with correlated full covariances Σ_k = A_k A_kᵀ·0.3/d + diag(v_k)
 * (A_k a fixed sinusoidal pattern, v_k the diagonal fixture's variances): the full-covariance case.
 */
export function benchFullMixture(d: number) {
  const { weights, means, variances } = benchMixture(d);
  const covariances = variances.map((v, k) => {
    const A = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => Math.sin(3 * k + 5 * i + 7 * j)));
    return A.map((ai, i) => A.map((aj, j) => (ai.reduce((s, a, l) => s + a * aj[l]!, 0) * 0.3) / d + (i === j ? v[i]! : 0)));
  });
  return { weights, means, covariances };
}

/** The empirical-target fixture: m points in d dimensions on a few sinusoidal clusters (deterministic). */
export function benchEmpiricalPoints(m: number, d: number): Float64Array {
  const out = new Float64Array(m * d);
  for (let k = 0; k < m; k++) for (let j = 0; j < d; j++) out[k * d + j] = Math.sin(1.3 * (k % 10) + 0.7 * j) + 0.3 * Math.sin(12.9898 * k + 78.233 * j);
  return out;
}
