/**
 * The exact Gaussian recursions against an independent per-direction recursion written in
 * test/helpers/gaussian-reference.ts from the spec's formulas (§1, §5, §6), for every
 * non-randomized scheme on every process; and the error table's structural identities.
 */
import { describe, expect, it } from 'vitest';
import { analyzeGaussianSync, continuousFlow, gaussianRecursion, type SamplerName } from '../lib/index.js';
import { refProcess, refRun, uniformGrid } from './helpers/gaussian-reference.js';

const lambdas = [0, 0.01, 0.5, 1, 3.7];
const means = [0.3, -1, 0.2, 2, 0];

// The schemes the independent reference of this file transcribes (not the catalogue: randomized
// and multistep schemes: gaussian-randomized.test.ts, samplers-transcription.test.ts).
const nonRandomized: SamplerName[] = ['euler-maruyama', 'ddpm', 'exponential', 'euler', 'heun', 'rk4', 'ddim', 'exponential-ode', 'local-linearization', 'local-linearization-ode'];

const configs = [
  { name: 'vp' as const, tEnd: 1e-3, steps: 37 },
  { name: 'ou' as const, tEnd: 1e-2, steps: 41 },
  { name: 've' as const, tEnd: 0.002, steps: 53 },
  { name: 'heat' as const, tEnd: 1e-3, steps: 29 },
];

function close(actual: number, expected: number, rel = 1e-9, abs = 1e-12): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(abs + rel * Math.abs(expected));
}

describe('per-direction recursions match the spec §5–6 formulas run independently', () => {
  for (const c of configs) {
    const p = refProcess(c.name);
    const times = uniformGrid(p.T, c.tEnd, c.steps);
    // A start that is neither p_T nor a prior, so gain, offset and noise all matter.
    const m0 = lambdas.map((_, i) => 0.1 * (i - 2));
    const v0 = lambdas.map((l) => 0.7 * (p.alpha(p.T) ** 2 * l + p.sigma2(p.T)) + 0.05);
    for (const sampler of nonRandomized) {
      if (sampler === 'ddpm' && (c.name === 've' || c.name === 'heat')) continue;
      for (const eta of sampler === 'ddim' ? [0, 0.5, 1] : [0]) {
        it(`${c.name} ${sampler}${sampler === 'ddim' ? ` η=${eta}` : ''}`, () => {
          const r = gaussianRecursion({
            eigenvalues: lambdas,
            mean: means,
            process: c.name,
            sampler,
            grid: times,
            eta,
            start: { mean: m0, variance: v0 },
          });
          expect(r.nfe).toBe(c.steps * (sampler === 'heun' ? 2 : sampler === 'rk4' ? 4 : 1));
          for (let i = 0; i < lambdas.length; i++) {
            const ref = refRun(sampler, p, times, lambdas[i]!, means[i]!, m0[i]!, v0[i]!, eta);
            close(r.mean[i]!, ref.m);
            close(r.variance[i]!, ref.v);
          }
        });
      }
    }
  }

  it('karras and logsnr grids too (vp, heun and exponential)', () => {
    for (const grid of ['karras', 'logsnr'] as const)
      for (const sampler of ['heun', 'exponential'] as const) {
        const r = gaussianRecursion({ eigenvalues: lambdas, mean: means, process: 'vp', sampler, grid, steps: 25, tEnd: 1e-3, start: 'exact' });
        const p = refProcess('vp');
        for (let i = 0; i < lambdas.length; i++) {
          const ell = p.alpha(1) ** 2 * lambdas[i]! + p.sigma2(1);
          const ref = refRun(sampler, p, Array.from(r.times), lambdas[i]!, means[i]!, p.alpha(1) * means[i]!, ell);
          close(r.mean[i]!, ref.m);
          close(r.variance[i]!, ref.v);
        }
      }
  });

  it('priors follow spec §2: normal is N(0, I) for vp/ou and N(0, σ_T²I) for ve/heat', () => {
    for (const c of configs) {
      const p = refProcess(c.name);
      const sT2 = p.sigma2(p.T);
      const vNormal = c.name === 'vp' || c.name === 'ou' ? 1 : sT2;
      for (const [prior, v] of [
        ['normal', vNormal],
        ['marginal-noise', sT2],
      ] as const) {
        const r = gaussianRecursion({ eigenvalues: lambdas, mean: means, process: c.name, sampler: 'euler', steps: 10, tEnd: c.tEnd, start: prior });
        for (let i = 0; i < lambdas.length; i++) {
          close(r.mean[i]!, r.offset[i]!);
          close(r.variance[i]!, r.gain[i]! ** 2 * v + r.noiseVariance[i]!);
        }
      }
    }
  });
});

describe('error table identities', () => {
  const base = { eigenvalues: lambdas, mean: means, steps: [20, 80], tEnd: [1e-3, 0.05] };

  it('exact and ot-gaussian priors reproduce the discrete column exactly; exact-prior continuous equals truncation', () => {
    const r = analyzeGaussianSync({ ...base, process: 'vp', samplers: ['euler-maruyama', 'heun', 'ddim', 'local-linearization'], prior: ['exact', 'ot-gaussian', 'normal'] });
    expect(r.rows.length).toBe(4 * 2 * 3 * 2);
    for (const row of r.rows) {
      if (row.prior === 'normal') continue;
      expect(row.total).toBe(row.discrete);
      expect(row.continuous).toBeCloseTo(row.truncation, 12);
    }
  });

  it('truncation is the closed form Σ (α−1)²μ² + (√ℓ − √λ)²', () => {
    for (const name of ['vp', 'ou', 've', 'heat'] as const) {
      const p = refProcess(name);
      const tEnd = name === 've' ? 0.01 : 0.02;
      const r = analyzeGaussianSync({ eigenvalues: lambdas, mean: means, process: name, sampler: 'euler', steps: 5, tEnd });
      let s = 0;
      for (let i = 0; i < lambdas.length; i++) {
        const a = p.alpha(tEnd);
        s += ((a - 1) * means[i]!) ** 2 + (Math.sqrt(a * a * lambdas[i]! + p.sigma2(tEnd)) - Math.sqrt(lambdas[i]!)) ** 2;
      }
      close(r.rows[0]!.truncation, Math.sqrt(s), 1e-12);
    }
  });

  it('the table columns are the W2 of the recursion outputs', () => {
    const p = refProcess('ou');
    const r = analyzeGaussianSync({ eigenvalues: lambdas, mean: means, process: 'ou', sampler: 'rk4', steps: 12, tEnd: 0.05, prior: 'normal' });
    const row = r.rows[0]!;
    const rec = gaussianRecursion({ eigenvalues: lambdas, mean: means, process: 'ou', sampler: 'rk4', steps: 12, tEnd: 0.05, start: 'normal' });
    const flow = continuousFlow({ eigenvalues: lambdas, mean: means, process: 'ou', tEnd: 0.05, ode: true, start: 'normal' });
    const w2 = (m: ArrayLike<number>, v: ArrayLike<number>) =>
      Math.sqrt(lambdas.reduce((s, l, i) => s + (m[i]! - means[i]!) ** 2 + (Math.sqrt(v[i]!) - Math.sqrt(l)) ** 2, 0));
    close(row.total, w2(rec.mean, rec.variance), 1e-12);
    close(row.continuous, w2(flow.mean, flow.variance), 1e-12);
    expect(row.nfe).toBe(48);
    expect(p.T).toBe(10);
  });

  it('t_end = 0 with a singular covariance: two-stage schemes fall back to Euler on the last step, and say so', () => {
    const r = analyzeGaussianSync({ eigenvalues: lambdas, process: 'vp', samplers: ['heun', 'rk4', 'euler'], steps: 20, tEnd: 0 });
    expect(r.rows.map((row) => row.fellBack)).toEqual([true, true, false]);
    expect(r.rows[0]!.nfe).toBe(2 * 19 + 1);
    expect(r.rows[1]!.nfe).toBe(4 * 19 + 1);
    expect(r.warnings.join('\n')).toMatch(/heun.*fell back/);
    // Non-singular: the score is defined at 0 and the last step is a full Heun step.
    const full = analyzeGaussianSync({ eigenvalues: [0.5, 1], process: 'vp', sampler: 'heun', steps: 20, tEnd: 0 });
    expect(full.rows[0]!.fellBack).toBe(false);
    expect(full.rows[0]!.nfe).toBe(40);
  });

  it('ve: euler and ddim(η = 0) give the same table', () => {
    const a = analyzeGaussianSync({ eigenvalues: lambdas, process: 've', sampler: 'euler', steps: [10, 40] });
    const b = analyzeGaussianSync({ eigenvalues: lambdas, process: 've', sampler: 'ddim', steps: [10, 40] });
    a.rows.forEach((row, k) => close(b.rows[k]!.total, row.total, 1e-10));
  });

  it('a full covariance, eigenvalues with eigenvectors, and eigenvalues with a rotated mean agree', () => {
    const th = 0.7;
    const U = [
      [Math.cos(th), -Math.sin(th), 0],
      [Math.sin(th), Math.cos(th), 0],
      [0, 0, 1],
    ];
    const lam = [0.4, 2, 0];
    const mu = [0.5, -0.2, 1];
    const cov = U.map((ri) => U.map((rj) => ri.reduce((s, u, k) => s + u * lam[k]! * rj[k]!, 0)));
    const muTilde = [0, 1, 2].map((k) => U.reduce((s, r, i) => s + r[k]! * mu[i]!, 0));
    const common = { process: 'vp' as const, samplers: ['heun', 'euler-maruyama'] as SamplerName[], steps: [15], prior: ['normal', 'exact'] as const };
    const a = analyzeGaussianSync({ ...common, covariance: cov, mean: mu });
    const b = analyzeGaussianSync({ ...common, eigenvalues: lam, eigenvectors: U, mean: mu });
    const c = analyzeGaussianSync({ ...common, eigenvalues: lam, mean: muTilde });
    for (let k = 0; k < a.rows.length; k++)
      for (const col of ['truncation', 'continuous', 'discrete', 'total', 'discretization'] as const) {
        close(a.rows[k]![col], c.rows[k]![col], 1e-9, 1e-12);
        close(b.rows[k]![col], c.rows[k]![col], 1e-9, 1e-12);
      }
  });
});
