import { describe, expect, it } from 'vitest';
import { processTraits } from '../lib/process.js';
import {
  InvalidArgumentError,
  phiFunctions,
  processCoefficients,
  processIntegral,
  stepPlan,
  timeGrid,
  timeOfNoiseLevel,
  type ProcessSpec,
} from '../lib/index.js';

const processes: ProcessSpec[] = [
  { name: 'vp' },
  { name: 'vp', betaMin: 0.5, betaMax: 5, T: 2 },
  { name: 'ou' },
  { name: 'ou', beta: 2.5, T: 3 },
  { name: 've' },
  { name: 'heat' },
];

const at = (p: ProcessSpec, t: number) => {
  const c = processCoefficients(p, [t]);
  return { alpha: c.alpha[0]!, sigma: c.sigma[0]!, f: c.f[0]!, g2: c.g2[0]!, varsigma: c.varsigma[0]!, lambda: c.lambda[0]! };
};

describe('processes (spec §1) satisfy their defining equations', () => {
  for (const p of processes) {
    const T = processCoefficients(p, [0]).T;
    const times = [0.013, 0.2, 0.5, 0.9].map((x) => x * T);

    it(`${JSON.stringify(p)}: α′ = fα and (σ²)′ = 2fσ² + g² (central differences)`, () => {
      for (const t of times) {
        const e = 1e-5 * T;
        const lo = at(p, t - e);
        const hi = at(p, t + e);
        const mid = at(p, t);
        const dAlpha = (hi.alpha - lo.alpha) / (2 * e);
        const dSigma2 = (hi.sigma ** 2 - lo.sigma ** 2) / (2 * e);
        expect(dAlpha).toBeCloseTo(mid.f * mid.alpha, 6);
        expect(Math.abs(dSigma2 - (2 * mid.f * mid.sigma ** 2 + mid.g2))).toBeLessThan(1e-6 * Math.max(1, Math.abs(dSigma2)));
        expect(mid.varsigma).toBeCloseTo(mid.sigma / mid.alpha, 10);
        expect(mid.lambda).toBeCloseTo(mid.varsigma ** 2, 8);
      }
    });

    it(`${JSON.stringify(p)}: I(a, b) equals Simpson quadrature of g²/α`, () => {
      const a = times[0]!;
      const b = times[3]!;
      const m = 2000;
      const h = (b - a) / m;
      let s = 0;
      for (let k = 0; k <= m; k++) {
        const c = at(p, a + k * h);
        const w = k === 0 || k === m ? 1 : k % 2 ? 4 : 2;
        s += (w * c.g2) / c.alpha;
      }
      const simpson = (s * h) / 3;
      expect(Math.abs(processIntegral(p, a, b) - simpson)).toBeLessThan(1e-9 * Math.max(1, Math.abs(simpson)));
    });

    it(`${JSON.stringify(p)}: ς⁻¹ inverts ς`, () => {
      for (const t of times) expect(timeOfNoiseLevel(p, at(p, t).varsigma)).toBeCloseTo(t, 10);
    });
  }

  it('vp defaults are dx = −β̃x dt + √(2β̃) dw with β̃(t) = 0.05 + 9.95t', () => {
    for (const t of [0, 0.1, 0.5, 1]) {
      const c = at({ name: 'vp' }, t);
      const b = 0.05 + 9.95 * t;
      expect(c.f).toBeCloseTo(-b, 12);
      expect(c.g2).toBeCloseTo(2 * b, 12);
    }
  });

  it('vp: α² + σ² = 1 (variance preserving); ou is vp with constant β', () => {
    for (const t of [1e-4, 0.3, 1]) {
      const c = at({ name: 'vp' }, t);
      expect(c.alpha ** 2 + c.sigma ** 2).toBeCloseTo(1, 14);
      const ou = at({ name: 'ou', beta: 3 }, t);
      const vp = at({ name: 'vp', betaMin: 3, betaMax: 3 }, t);
      expect(ou.alpha).toBeCloseTo(vp.alpha, 14);
      expect(ou.alpha).toBeCloseTo(Math.exp(-1.5 * t), 14);
    }
  });

  it('processTraits: the defaults of spec §1, and variance preserving exactly when α² + σ² = 1', () => {
    expect(processTraits('vp')).toEqual({ name: 'vp', T: 1, tEnd: 1e-3, variancePreserving: true, betaMin: 0.1, betaMax: 20 });
    expect(processTraits({ name: 'ou', beta: 2.5 })).toEqual({ name: 'ou', T: 10, tEnd: 1e-3, variancePreserving: true, betaMin: 2.5, betaMax: 2.5 });
    expect(processTraits('ve')).toEqual({ name: 've', T: 80, tEnd: 0.002, variancePreserving: false });
    expect(processTraits({ name: 'heat', T: 7 })).toEqual({ name: 'heat', T: 7, tEnd: 1e-3, variancePreserving: false });
    for (const p of processes) {
      const c = at(p, 0.5);
      expect(Math.abs(c.alpha ** 2 + c.sigma ** 2 - 1) < 1e-12).toBe(processTraits(p).variancePreserving);
    }
  });

  it('rejects bad processes', () => {
    expect(() => processCoefficients({ name: 'vq' as never }, [0])).toThrow(InvalidArgumentError);
    expect(() => processCoefficients({ name: 'vp', betaMin: -1 }, [0])).toThrow(/betaMin/);
    expect(() => processCoefficients({ name: 've', beta: 2 }, [0])).toThrow(/beta/);
    expect(() => processCoefficients({ name: 'vp' }, [Number.NaN])).toThrow(/non-finite/);
  });
});

describe('time grids (spec §3)', () => {
  it('uniform: equal spacing from T to t_end', () => {
    const t = timeGrid('vp', { kind: 'uniform', steps: 10, tEnd: 1e-3 });
    expect(t.length).toBe(11);
    expect(t[0]).toBe(1);
    expect(t[10]).toBe(1e-3);
    for (let k = 1; k <= 10; k++) expect(t[k - 1]! - t[k]!).toBeCloseTo((1 - 1e-3) / 10, 12);
  });

  it('karras: ς_k^(1/ρ) is affine in k', () => {
    for (const name of ['vp', 've', 'heat'] as const) {
      const t = timeGrid(name, { kind: 'karras', steps: 8, rho: 7 });
      const s = processCoefficients(name, t).varsigma.map((x) => x ** (1 / 7));
      for (let k = 1; k < 8; k++) expect(s[k + 1]! - s[k]!).toBeCloseTo(s[k]! - s[k - 1]!, 8);
    }
  });

  it('logsnr: log ς_k is affine in k', () => {
    const t = timeGrid('ou', { kind: 'logsnr', steps: 6, tEnd: 0.01 });
    const l = processCoefficients('ou', t).varsigma.map(Math.log);
    for (let k = 1; k < 6; k++) expect(l[k + 1]! - l[k]!).toBeCloseTo(l[k]! - l[k - 1]!, 9);
  });

  it('rejects bad grids with the parameter named', () => {
    expect(() => timeGrid('vp', { kind: 'uniform', steps: 0 })).toThrow(/steps/);
    expect(() => timeGrid('vp', { kind: 'uniform', steps: 3, tEnd: 2 })).toThrow(/tEnd/);
    expect(() => timeGrid('vp', { kind: 'logsnr', steps: 3, tEnd: 0 })).toThrow(/logsnr/);
    expect(() => timeGrid('vp', [1, 0.5, 0.5])).toThrow(/strictly decreasing/);
    expect(() => timeGrid('vp', [1])).toThrow(/at least 2/);
    expect(() => timeGrid('vp', [1, Number.NaN])).toThrow(/non-finite/);
    expect(() => timeGrid('vp', { kind: 'cosine' as never, steps: 3 })).toThrow(/grid.kind/);
  });
});

describe('scheme plans (spec §5)', () => {
  it('ve: euler and ddim(η = 0) are the same step', () => {
    for (const [t0, t1] of [
      [80, 40],
      [1, 0.5],
      [0.01, 0.002],
    ] as const) {
      const e = stepPlan('euler', 've', t0, t1);
      const d = stepPlan('ddim', 've', t0, t1, { eta: 0 });
      expect(d.output.reg[0]).toBeCloseTo(e.output.reg[0]!, 14);
      expect(d.output.score[0]! / e.output.score[0]!).toBeCloseTo(1, 12);
    }
  });

  it('ddim(η = 1) on vp has the DDPM posterior variance β̃ = (1 − ᾱ₁)/(1 − ᾱ₀)·(1 − ᾱ₀/ᾱ₁)', () => {
    const [t0, t1] = [0.6, 0.55];
    const d = stepPlan('ddim', 'vp', t0, t1, { eta: 1 });
    const c = processCoefficients('vp', [t0, t1]);
    const abar0 = c.alpha[0]! ** 2;
    const abar1 = c.alpha[1]! ** 2;
    const posterior = ((1 - abar1) / (1 - abar0)) * (1 - abar0 / abar1);
    expect(d.output.noise[0]! ** 2).toBeCloseTo(posterior, 14);
  });

  it('NFE per step: heun 2, rk4 4, randomized 2; two-stage schemes fall back to euler at t = 0 when asked', () => {
    expect(stepPlan('heun', 'vp', 0.5, 0.4).stages).toBe(2);
    expect(stepPlan('rk4', 'vp', 0.5, 0.4).stages).toBe(4);
    expect(stepPlan('randomized-midpoint', 'vp', 0.5, 0.4, { u: 0.3 }).stages).toBe(2);
    const fb = stepPlan('heun', 've', 0.5, 0, { scoreDefinedAtZero: false });
    expect(fb.fellBack).toBe(true);
    expect(fb.stages).toBe(1);
  });

  it('ddpm rejects h·g² ≥ 1', () => {
    expect(() => stepPlan('ddpm', 'vp', 1, 0.9)).toThrow(/h·g/);
  });

  it('local-linearization schemes are not linear-stage plans', () => {
    expect(() => stepPlan('local-linearization', 'ou', 1, 0.9)).toThrow(/linear-stage/);
  });
});

describe('φ functions', () => {
  it('match their definitions away from 0 and their series near 0', () => {
    for (const z of [-30, -2.5, -1.0001, -0.9999, -0.3, 0.4, 0.9999, 1.0001, 3]) {
      const [p1, p2] = phiFunctions(z);
      expect(p1).toBeCloseTo(Math.expm1(z) / z, 13);
      // Reference for φ₂: the definition where it has no cancellation (|z| > 1.5), else a 40-term series.
      let s = 0;
      let term = 0.5;
      for (let k = 0; k < 40; k++) {
        s += term;
        term *= z / (k + 3);
      }
      if (Math.abs(z) > 1.5) s = (Math.expm1(z) - z) / (z * z);
      expect(Math.abs(p2 - s)).toBeLessThan(4e-15 * Math.abs(s));
    }
    expect(phiFunctions(0)).toEqual([1, 0.5]);
  });
});
