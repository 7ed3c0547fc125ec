/**
 * Local linearization with per-step noise (`noise: 'step'`, the default): η = √Q(hL) z with one
 * standard normal vector z per step (the stage-0 key, z_W's), instead of the path form
 * c_W W + c_H H + √v ξ that `noise: 'path'` needs (native/schemes/local_linearization_step_noise.h).
 * - The closed-form √Q against the path form's own variance c_W² h + c_H² h/12 + v (a quadrature)
 *   and an independent composite-Simpson transcription of ∫₀ʰ e^{2μ(h−r)} g²(r) dr, including g²
 *   vanishing at either end of the step and |2hμ| up to 10⁴ (where a h φ₁ + b h² φ₂ cancels).
 * - Exact, through a deterministic z: one step from a fixed x0 on a diagonal Gaussian (L diagonal,
 *   known eigenvalues) with two seeds; the deterministic part cancels in the difference, which must be
 *   √Q(hμ_j) (z₁ − z₂)_j with z the stage-0 normals of the seeds (normalsSync) — on the dense route,
 *   the Krylov route with cached products (Gaussian: full ∇s), the SIMD lanes (diagonal mixture) and
 *   the callback route; plain and stabilized (κ caps μ inside Q too).
 * - The same law as path noise: means and variances of a 4-D mixture after 16 steps, step against path,
 *   within 5 standard errors.
 * - Per-step LL stays coupled to Euler–Maruyama of the same seed (same z), not to another seed's.
 * - Bitwise reproducible across threads and batch splits on every route.
 */
import { describe, expect, it } from 'vitest';
import {
  gaussianTarget,
  gmmTarget,
  localLinearizationNoise,
  ndarray,
  normalsSync,
  sampleSync,
  targetHessianVectorProduct,
  targetScore,
  type FloatArray,
} from '../lib/index.js';
import { simpson } from './helpers/quadrature.js';
import { expectThreadAndSplitInvariant } from './helpers/reproducibility.js';

describe('per-step noise √Q(hμ): closed form', () => {
  it('equals c_W² h + c_H² h/12 + v (1e-12) and an independent quadrature of its integral (1e-8); never negative', () => {
    // [a, b] = g² at the start of the step and its slope in reverse time; h.
    const steps: [number, number, number][] = [
      [1, 0, 0.1], [1, 2, 0.05], [19.9, -19.9, 0.2], [0.004, -2, 0.002] /* g² = 0 at the end */, [0, 2, 0.3] /* at the start */,
      [0.3, -4, 0.05], [2, -1.999, 1],
    ];
    const zs = [-1e4, -2000, -100, -9, -3, -1, -0.999, -0.3, -1e-7, 0, 1e-9, 0.5, 0.999, 1.001, 4, 20];
    for (const [a, b, h] of steps)
      for (const z of zs) {
        const mu = z / (2 * h);
        const n = localLinearizationNoise(h, mu, a, b);
        const at = `a ${a} b ${b} h ${h} 2hμ ${z}`;
        const q = n.stepStd ** 2;
        expect(q, at).toBeGreaterThanOrEqual(0);
        const pathForm = n.cW * n.cW * h + (n.cH * n.cH * h) / 12 + n.remainder;
        expect(Math.abs(q - pathForm), at).toBeLessThanOrEqual(1e-12 * pathForm);
        const ref = simpson((r) => Math.exp(2 * mu * (h - r)) * Math.max(0, a + b * r), h);
        expect(Math.abs(q - ref), at).toBeLessThanOrEqual(1e-8 * ref);
      }
  });
});

// vp with its defaults (spec §1), written out here: β(t) = 0.1 + 19.9 t, f = −β/2, g² = β,
// α² = exp(−∫₀ᵗ β), σ² = 1 − α².
const beta = (t: number) => 0.1 + 19.9 * t;
const alpha2 = (t: number) => Math.exp(-(0.1 * t + (19.9 * t * t) / 2));

/** √Q of a step from t0 of length h in a direction with L-eigenvalue mu, g² = β(t0 − r) (affine: exact). */
function stepStd(t0: number, h: number, mu: number): number {
  return Math.sqrt(simpson((r) => Math.exp(2 * mu * (h - r)) * beta(t0 - r), h));
}

describe('per-step noise through a deterministic z: x′(seed 1) − x′(seed 2) = √Q(hL)(z₁ − z₂)', () => {
  const d = 8;
  const lambda = Array.from({ length: d }, (_, j) => 0.01 * 1000 ** (j / (d - 1))); // 0.01 … 10
  const mean = Array.from({ length: d }, (_, j) => Math.cos(j));
  const gauss = gaussianTarget({ mean, variances: lambda });
  const single = gmmTarget({ weights: [1], means: [mean], variances: [lambda] });
  const callback = {
    score: (t: number | Float64Array, x: FloatArray, n: number, _d: number, out: FloatArray) => {
      out.set(targetScore(single, 'vp', t as number, ndarray(Float64Array.from(x), [n, d])).data);
    },
    hvp: (t: number, x: FloatArray, v: FloatArray, n: number, _d: number, out: FloatArray) => {
      out.set(targetHessianVectorProduct(single, 'vp', t, ndarray(Float64Array.from(x), [n, d]), ndarray(Float64Array.from(v), [n, d])).data);
    },
  };
  const routes = [
    ['dense (Gaussian)', { target: gauss, hessian: 'dense' as const }, 1e-12],
    ['dense (one-component mixture)', { target: single, hessian: 'dense' as const }, 1e-12],
    ['Krylov, cached ∇s (Gaussian)', { target: gauss, hessian: 'krylov' as const, krylovTolerance: 1e-13 }, 1e-11],
    ['Krylov, SIMD lanes (mixture)', { target: single, hessian: 'krylov' as const, krylovTolerance: 1e-13 }, 1e-11],
    ['Krylov, callback', { score: callback.score, hvp: callback.hvp, d, hessian: 'krylov' as const, krylovDim: d }, 1e-11],
  ] as const;
  // Tolerances relative to the largest |√Q Δz| (measured: ≤ 7e-15 on every route).
  const n = 11; // one full group of eight lanes and a partial one
  const x0 = new Float64Array(n * d).map((_, i) => 0.8 * Math.sin(1.3 * i + 0.4));

  for (const stabilize of [false, 0.02]) {
    // T = 0.3: at t0 = T the directions with λ ≳ 2 repel (μ = β(½ − 1/ℓ) > 0), so κ = 0.02 caps them.
    const T = 0.3;
    for (const [name, route, tol] of routes) {
      it(`${name}${stabilize ? `, stabilize κ = ${stabilize}` : ''}`, () => {
        const o = { ...route, process: { name: 'vp' as const, T }, sampler: 'local-linearization' as const, steps: 8, n, x0, trajectory: [1], stabilize };
        const r1 = sampleSync({ ...o, seed: 1 });
        const r2 = sampleSync({ ...o, seed: 2 });
        const t0 = r1.grid[0]!;
        const h = t0 - r1.grid[1]!;
        expect(t0).toBe(T);
        const z1 = normalsSync({ seed: 1, n, d, step: 0, stage: 0 }).data;
        const z2 = normalsSync({ seed: 2, n, d, step: 0, stage: 0 }).data;
        const a2 = alpha2(t0);
        const std = lambda.map((l) => {
          const mu = beta(t0) / 2 - beta(t0) / (a2 * l + 1 - a2); // L = −f + g² ∇s, ∇s = −1/ℓ
          return stepStd(t0, h, stabilize ? Math.min(mu, stabilize / h) : mu);
        });
        if (stabilize) expect(Math.max(...lambda.map((l) => h * (beta(t0) / 2 - beta(t0) / (a2 * l + 1 - a2))))).toBeGreaterThan(stabilize);
        const a = r1.trajectory[0]!.data;
        const b = r2.trajectory[0]!.data;
        let worst = 0;
        let scale = 0;
        for (let i = 0; i < n * d; i++) {
          const expected = std[i % d]! * (z1[i]! - z2[i]!);
          worst = Math.max(worst, Math.abs(a[i]! - b[i]! - expected));
          scale = Math.max(scale, Math.abs(expected));
        }
        expect(worst, name).toBeLessThanOrEqual(tol * scale);
      });
    }
  }
});

describe('per-step noise: the law of path noise, coupling to Euler–Maruyama, reproducibility', () => {
  const mixture = (d: number, K: number) =>
    gmmTarget({
      weights: Array.from({ length: K }, (_, k) => (2 * (k + 1)) / (K * (K + 1))),
      means: Array.from({ length: K }, (_, k) => Array.from({ length: d }, (_, j) => 1.5 * Math.sin(3 * k + j))),
      variances: Array.from({ length: K }, (_, k) => Array.from({ length: d }, (_, j) => 0.3 + 0.06 * ((k + 2 * j) % 5))),
    });

  it('step and path noise: means and variances of a 4-D mixture after 16 steps within 5 standard errors', () => {
    const d = 4;
    const n = 20_000;
    const o = { target: mixture(d, 3), process: 'vp' as const, sampler: 'local-linearization' as const, steps: 16, n, stabilize: true, tEnd: 1e-3 };
    const step = sampleSync({ ...o, seed: 11, noise: 'step' as const }).samples.data;
    const path = sampleSync({ ...o, seed: 12, noise: 'path' as const }).samples.data;
    const moments = (x: ArrayLike<number>, j: number) => {
      let m = 0;
      for (let i = 0; i < n; i++) m += x[i * d + j]!;
      m /= n;
      let v = 0;
      let m4 = 0;
      for (let i = 0; i < n; i++) {
        const e = (x[i * d + j]! - m) ** 2;
        v += e;
        m4 += e * e;
      }
      return { m, v: v / (n - 1), m4: m4 / n };
    };
    for (let j = 0; j < d; j++) {
      const s = moments(step, j);
      const p = moments(path, j);
      const seMean = Math.sqrt((s.v + p.v) / n);
      const seVar = Math.sqrt((s.m4 - s.v * s.v + p.m4 - p.v * p.v) / n);
      expect(Math.abs(s.m - p.m), `mean ${j}`).toBeLessThan(5 * seMean);
      expect(Math.abs(s.v - p.v), `variance ${j}`).toBeLessThan(5 * seVar);
    }
  });

  it('coupled to Euler–Maruyama of the same seed (the same z per step): RMS distance < ⅓ of another seed’s', () => {
    const d = 4;
    const o = { target: mixture(d, 3), process: 'vp' as const, steps: 64, n: 400, tEnd: 1e-3 };
    const ll = sampleSync({ ...o, sampler: 'local-linearization', seed: 3 }).samples.data;
    const same = sampleSync({ ...o, sampler: 'euler-maruyama', seed: 3 }).samples.data;
    const other = sampleSync({ ...o, sampler: 'euler-maruyama', seed: 4 }).samples.data;
    const rms = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
      return Math.sqrt(s / o.n);
    };
    expect(rms(ll, same)).toBeLessThan(rms(ll, other) / 3);
  });

  for (const [name, d, hessian] of [['dense', 6, 'dense'], ['SIMD lanes', 16, 'krylov']] as const)
    it(`bitwise identical for 1 and 2 threads and split batches (${name}, stabilized)`, () => {
      const o = { target: mixture(d, 4), process: 'vp' as const, sampler: 'local-linearization' as const, steps: 6, seed: 5, n: 60, hessian, stabilize: true };
      expectThreadAndSplitInvariant(o, 29);
    });
});
