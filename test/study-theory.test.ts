/**
 * Theory beside measurement (lib/study/theory.ts, docs/theory.md). The second algorithm is the
 * exact Gaussian analysis: per-direction closed-form flows (continuousFlow), the schemes' exact
 * recursions (gaussianRecursion) and the error table (analyzeGaussianSync).
 */
import { describe, expect, it } from 'vitest';
import { analyzeGaussianSync, continuousFlow, gaussianRecursion } from '../lib/gaussian.js';
import { processCoefficients, type ProcessSpec } from '../lib/process.js';
import { resolveStudy } from '../lib/study/config.js';
import { fitOrder } from '../lib/study/order-fit.js';
import { convergenceSpec, renderSvg } from '../lib/study/plots.js';
import { formatStudy, studyCsv } from '../lib/study/report.js';
import { study } from '../lib/study/run.js';
import { requiredC1, reverseContraction, theoryBounds, theoryTarget } from '../lib/study/theory.js';

const spectrum = (d: number, lo: number, hi: number) => Array.from({ length: d }, (_, i) => lo * (hi / lo) ** (i / Math.max(1, d - 1)));

/** W2 between diagonal Gaussians given per direction. */
function w2Diag(m1: ArrayLike<number>, v1: ArrayLike<number>, m2: ArrayLike<number>, v2: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < m1.length; i++) s += (m1[i]! - m2[i]!) ** 2 + (Math.sqrt(v1[i]!) - Math.sqrt(v2[i]!)) ** 2;
  return Math.sqrt(s);
}

/** p_t per direction: N(α_t μ_i, α_t² λ_i + σ_t²). */
function marginal(process: ProcessSpec, t: number, eigenvalues: number[], mean: number[]) {
  const c = processCoefficients(process, [t]);
  const a = c.alpha[0]!;
  const s2 = c.sigma[0]! ** 2;
  return { mean: mean.map((m) => a * m), variance: eigenvalues.map((l) => a * a * l + s2) };
}

// Spectra on both sides of the thresholds m0 = 1/2 (contraction of the reverse SDE at s = 0) and
// m0 = 1 (p₀ more or less concentrated than N(0, I)), with and without a mean, short and long horizons.
const cases: { name: string; eigenvalues: number[]; mean: number[]; process: ProcessSpec; tEnd: number }[] = [
  { name: 'd=16, λ∈[0.5,2], ou defaults', eigenvalues: spectrum(16, 0.5, 2), mean: new Array(16).fill(0), process: { name: 'ou' }, tEnd: 1e-3 },
  { name: 'd=8, λ∈[0.2,5], mean, T=2', eigenvalues: spectrum(8, 0.2, 5), mean: [1, -0.5, 0.3, 0, 2, 0, -1, 0.1], process: { name: 'ou', T: 2 }, tEnd: 1e-3 },
  { name: 'd=6, λ∈[0.05,0.3], β=2, T=1.5', eigenvalues: spectrum(6, 0.05, 0.3), mean: [0.5, 0, 0, 0, 0, -0.5], process: { name: 'ou', beta: 2, T: 1.5 }, tEnd: 0.01 },
  { name: 'd=4, λ∈[1,9], β=0.5, T=6, t_end=0', eigenvalues: spectrum(4, 1, 9), mean: [0, 1, 0, 0], process: { name: 'ou', beta: 0.5, T: 6 }, tEnd: 0 },
];

describe('target constants', () => {
  it('a Gaussian spectrum gives m0 = 1/λmax, L0 = 1/λmin, E|X0|² = |μ|² + tr Σ and the exact W2 to N(0, I)', () => {
    const t = theoryTarget({ eigenvalues: [0.5, 2, 1], mean: [1, 0, -2] });
    expect(t.m0).toBe(0.5);
    expect(t.L0).toBe(2);
    expect(t.d).toBe(3);
    expect(t.secondMoment).toBeCloseTo(5 + 3.5, 14);
    expect(t.w2ToNormal).toBeCloseTo(Math.sqrt(5 + (Math.sqrt(0.5) - 1) ** 2 + (Math.sqrt(2) - 1) ** 2), 14);
    const singular = theoryTarget({ eigenvalues: [0, 1] });
    expect(singular.L0).toBe(Infinity);
    const general = theoryTarget({ m0: 0.5, L0: 2, d: 3, secondMoment: 8.5 });
    expect(general.w2ToNormal).toBeCloseTo(Math.sqrt(8.5 + 3), 14);
    expect(general.w2ToNormalExact).toBe(false);
    expect(() => theoryTarget({ eigenvalues: [1], m0: 1 })).toThrow(/not both/);
    expect(() => theoryTarget({ m0: 2, L0: 1, d: 1, secondMoment: 1 })).toThrow(/L0/);
  });
});

describe('initialization and truncation terms against the exact analysis', () => {
  for (const c of cases)
    it(`${c.name}: K is the largest exact transfer factor, init ≥ exact init error, truncation = exact`, () => {
      const t = theoryBounds({ eigenvalues: c.eigenvalues, mean: c.mean, process: c.process, tEnd: c.tEnd, sampler: 'euler-maruyama', steps: [10] });
      // The reverse SDE's exact per-direction transfer factor from T to t_end (closed-form flow).
      const flow = continuousFlow({ eigenvalues: c.eigenvalues, mean: c.mean, process: c.process, ode: false, tEnd: c.tEnd, start: 'normal' });
      const kMax = Math.max(...flow.gain);
      expect(t.contraction).toBeCloseTo(kMax, 12);
      expect(reverseContraction(theoryTarget({ eigenvalues: c.eigenvalues }).m0, t.S, t.delta)).toBe(t.contraction);
      // Exact initialization error: the exact reverse SDE from N(0, I) against p_{t_end}.
      const p = marginal(c.process, c.tEnd, c.eigenvalues, c.mean);
      const exactInit = w2Diag(flow.mean, flow.variance, p.mean, p.variance);
      const row = t.rows[0]!;
      expect(row.initTerm).toBeGreaterThanOrEqual(exactInit * (1 - 1e-12));
      // Truncation: the exact W2(p_{t_end}, p₀) of the error table.
      const table = analyzeGaussianSync({ eigenvalues: c.eigenvalues, mean: c.mean, process: c.process, tEnd: c.tEnd, sampler: 'euler-maruyama', steps: 10 });
      expect(row.truncationTerm).toBeCloseTo(table.rows[0]!.truncation, 12);
      // init + truncation bounds the exact continuous error (the reverse SDE from the prior, against p₀).
      expect(row.initTerm + row.truncationTerm).toBeGreaterThanOrEqual(table.rows[0]!.continuous * (1 - 1e-12));
      // The general-target path (constants only) is a bound too.
      const tg = theoryTarget({ eigenvalues: c.eigenvalues, mean: c.mean });
      const general = theoryBounds({ m0: tg.m0, L0: tg.L0, d: tg.d, secondMoment: tg.secondMoment, process: c.process, tEnd: c.tEnd, sampler: 'euler-maruyama', steps: [10] }).rows[0]!;
      expect(general.truncationTerm).toBeGreaterThanOrEqual(row.truncationTerm * (1 - 1e-12));
      expect(general.initTerm).toBeGreaterThanOrEqual(row.initTerm * (1 - 1e-12));
    });

  it('Σ = I with a mean: the init term is the exact contracted W2 and init + truncation = the continuous column', () => {
    const d = 5;
    const eigenvalues = new Array(d).fill(1);
    const mean = [2, -1, 0.5, 0, 3];
    for (const process of [{ name: 'ou', T: 2 } as ProcessSpec, { name: 'ou', beta: 3, T: 1 } as ProcessSpec])
      for (const tEnd of [0, 1e-3, 0.05]) {
        const t = theoryBounds({ eigenvalues, mean, process, tEnd, sampler: 'exponential', steps: [20] });
        const flow = continuousFlow({ eigenvalues, mean, process, ode: false, tEnd, start: 'normal' });
        const p = marginal(process, tEnd, eigenvalues, mean);
        const exactInit = w2Diag(flow.mean, flow.variance, p.mean, p.variance);
        // Closed form: K e^{−S} |μ| with K = e^{−(S−δ)} when m0 = 1.
        const mu = Math.hypot(...mean);
        expect(t.rows[0]!.initTerm).toBeCloseTo(Math.exp(-(t.S - t.delta)) * Math.exp(-t.S) * mu, 13);
        expect(t.rows[0]!.initTerm).toBeCloseTo(exactInit, 12);
        const table = analyzeGaussianSync({ eigenvalues, mean, process, tEnd, sampler: 'exponential', steps: 20 });
        expect(t.rows[0]!.initTerm + t.rows[0]!.truncationTerm).toBeCloseTo(table.rows[0]!.continuous, 12);
      }
  });
});

describe('bound ≥ exact total, rates', () => {
  const steps = [10, 20, 40, 80, 160, 320, 640, 1280];
  for (const c of cases)
    for (const sampler of ['euler-maruyama', 'exponential', 'local-linearization'] as const)
      it(`${c.name}, ${sampler}: with a valid C1 the bound covers the exact total; the measured error decays at least at the theorem's rate`, () => {
        const base = theoryBounds({ eigenvalues: c.eigenvalues, mean: c.mean, process: c.process, tEnd: c.tEnd, sampler, steps });
        // The discretization discrepancy C1 must cover: W2(scheme from N(0, I), exact reverse SDE from N(0, I)) at t_end.
        const flow = continuousFlow({ eigenvalues: c.eigenvalues, mean: c.mean, process: c.process, ode: false, tEnd: c.tEnd, start: 'normal' });
        const D = steps.map((N) => {
          const r = gaussianRecursion({ eigenvalues: c.eigenvalues, mean: c.mean, process: c.process, tEnd: c.tEnd, sampler, steps: N, start: 'normal' });
          return w2Diag(r.mean, r.variance, flow.mean, flow.variance);
        });
        const ratios = D.map((x, i) => x / base.rows[i]!.rate);
        const C1 = Math.max(...ratios);
        const t = theoryBounds({ eigenvalues: c.eigenvalues, mean: c.mean, process: c.process, tEnd: c.tEnd, sampler, steps, C1 });
        const table = analyzeGaussianSync({ eigenvalues: c.eigenvalues, mean: c.mean, process: c.process, tEnd: c.tEnd, sampler, steps });
        t.rows.forEach((row, i) => {
          expect(row.assumptions.holds).toBe(true);
          expect(row.bound).toBeDefined();
          expect(row.bound!).toBeGreaterThanOrEqual(table.rows[i]!.total * (1 - 1e-12));
        });
        // requiredC1 from the totals never exceeds a valid C1.
        expect(requiredC1(t.rows, table.rows.map((r) => r.total))).toBeLessThanOrEqual(C1 * (1 + 1e-12));
        // The theorem's rate is not beaten: D/rate does not grow as h → 0 (over the last 4 halvings).
        for (let i = steps.length - 4; i < steps.length - 1; i++) expect(ratios[i + 1]!).toBeLessThanOrEqual(ratios[i]! * (1 + 1e-9));
        // Rates: the bound's discretization term has slope order (0.5 or 1) in log h; the measured error at least that.
        const h = t.rows.map((r) => r.h);
        const order = sampler === 'local-linearization' ? 1 : 0.5;
        expect(t.rows[0]!.order).toBe(order);
        expect(fitOrder(h, t.rows.map((r) => r.bound! - r.initTerm - r.truncationTerm), { direction: 'increasing' }).order).toBeCloseTo(order, 10);
        expect(fitOrder(h.slice(-4), D.slice(-4), { direction: 'increasing' }).order).toBeGreaterThan(order);
      });

  it('randomized schemes are covered with the √(dh) rate; their totals (moment-matched) stay below a bound whose C1 ≥ requiredC1', () => {
    const eigenvalues = spectrum(8, 0.5, 2);
    const steps = [10, 40, 160];
    for (const sampler of ['randomized-midpoint', 'randomized-exponential'] as const) {
      const t0 = theoryBounds({ eigenvalues, process: 'ou', sampler, steps });
      const table = analyzeGaussianSync({ eigenvalues, process: 'ou', sampler, steps });
      const c = requiredC1(t0.rows, table.rows.map((r) => r.total));
      const t = theoryBounds({ eigenvalues, process: 'ou', sampler, steps, C1: c });
      t.rows.forEach((r, i) => {
        expect(r.order).toBe(0.5);
        expect(r.rate).toBeCloseTo(Math.sqrt(8 * r.hStd), 14);
        expect(r.bound!).toBeGreaterThanOrEqual(table.rows[i]!.total * (1 - 1e-12));
      });
    }
  });
});

describe('assumptions and scope', () => {
  it('the OU time change: ĥ = βh/2, S = βT/2, δ = β t_end/2', () => {
    const t = theoryBounds({ eigenvalues: [1, 2], process: { name: 'ou', beta: 4, T: 3 }, tEnd: 0.01, sampler: 'euler-maruyama', steps: [10] });
    expect(t.S).toBeCloseTo(6, 14);
    expect(t.delta).toBeCloseTo(0.02, 14);
    expect(t.rows[0]!.h).toBeCloseTo(0.299, 14);
    expect(t.rows[0]!.hStd).toBeCloseTo(0.598, 14);
  });

  it('no C1, no bound; out-of-scope inputs are flagged with the reason', () => {
    const eigenvalues = [0.5, 1, 2];
    const noC1 = theoryBounds({ eigenvalues, sampler: 'euler-maruyama', steps: [10] }).rows[0]!;
    expect(noC1.applicable).toBe(true);
    expect(noC1.bound).toBeUndefined();
    expect(noC1.assumptions.stepSize).toBeNull();
    const singular = theoryBounds({ eigenvalues: [0, 1], sampler: 'euler-maruyama', steps: [10], C1: 1 }).rows[0]!;
    expect(singular.assumptions.smooth).toBe(false);
    expect(singular.bound).toBeUndefined();
    expect(singular.reason).toMatch(/not smooth/);
    const vp = theoryBounds({ eigenvalues, process: 'vp', sampler: 'euler-maruyama', steps: [10], C1: 1 }).rows[0]!;
    expect(vp.applicable).toBe(false);
    expect(vp.reason).toMatch(/ou process/);
    const karras = theoryBounds({ eigenvalues, grid: 'karras', sampler: 'euler-maruyama', steps: [10], C1: 1 }).rows[0]!;
    expect(karras.bound).toBeUndefined();
    const heun = theoryBounds({ eigenvalues, sampler: 'heun', steps: [10], C1: 1 }).rows[0]!;
    expect(heun.applicable).toBe(false);
    expect(heun.reason).toMatch(/no theorem/);
    const steps = theoryBounds({ eigenvalues, sampler: 'local-linearization', steps: [10, 100], C1: 1, maxStep: { 'local-linearization': 0.1 } }).rows;
    expect(steps[0]!.assumptions.stepSize).toBe(false);
    expect(steps[0]!.bound).toBeUndefined();
    expect(steps[1]!.assumptions.stepSize).toBe(true);
    expect(steps[1]!.bound).toBeDefined();
    expect(() => theoryBounds({ eigenvalues, sampler: 'euler-maruyama', steps: [10], C1: -1 })).toThrow(/C1/);
  });
});

describe('study wiring', () => {
  it('Gaussian spectrum on ou: covered rows gain theoryFixed/theoryBound, results gain a theory section, the report prints the bound', async () => {
    const config = {
      name: 'theory',
      target: { type: 'gaussian' as const, eigenvalues: spectrum(4, 0.5, 2) },
      process: { name: 'ou' as const },
      samplers: ['euler-maruyama' as const, 'heun' as const, 'local-linearization' as const],
      steps: [20, 80, 320],
      theory: { C1: { 'euler-maruyama': 0.5 } },
    };
    const r = await study(config);
    const em = r.rows.filter((x) => x.kind === 'gaussian' && x.label === 'euler-maruyama');
    const ll = r.rows.filter((x) => x.kind === 'gaussian' && x.label === 'local-linearization');
    const heun = r.rows.filter((x) => x.kind === 'gaussian' && x.label === 'heun');
    for (const x of em) if (x.kind === 'gaussian') expect(x.theoryBound! - x.theoryFixed!).toBeGreaterThan(0);
    for (const x of ll) if (x.kind === 'gaussian') expect(x.theoryBound).toBeUndefined();
    for (const x of ll) if (x.kind === 'gaussian') expect(x.theoryFixed).toBeGreaterThan(0);
    for (const x of heun) if (x.kind === 'gaussian') expect(x.theoryFixed).toBeUndefined();
    expect(r.theory?.samplers.map((s) => s.label)).toEqual(['euler-maruyama', 'local-linearization']);
    expect(r.theory!.samplers[0]!.C1).toBe(0.5);
    expect(r.theory!.samplers[1]!.requiredC1).toBeGreaterThan(0);
    const text = formatStudy(r);
    expect(text).toContain('bound/total');
    expect(text).toContain('required C1');
    expect(text).toContain('arxiv.org/abs/2502.04849');
    expect(studyCsv(r).split('\n')[0]).toMatch(/,theoryBound$/);
    // vp: no theory section.
    const vp = await study({ ...config, process: { name: 'vp' as const }, samplers: ['euler-maruyama' as const], steps: [20] });
    expect(vp.theory).toBeUndefined();
  });

  it('config validation names the field', () => {
    const base = { target: { type: 'gaussian' as const, eigenvalues: [1] }, process: 'ou' as const, samplers: ['euler-maruyama' as const], steps: [10] };
    expect(() => resolveStudy({ ...base, theory: { C1: { heun: 1 } as never } })).toThrow(/theory\.C1\.heun/);
    expect(() => resolveStudy({ ...base, theory: { C1: 0 } })).toThrow(/theory\.C1/);
    expect(() => resolveStudy({ ...base, theory: { c1: 1 } as never })).toThrow(/unknown key/);
  });

  it('the convergence plot draws the bounds as extra dashed series', async () => {
    const points = ['a', 'b'].flatMap((sampler) => [10, 100].map((nfe) => ({ sampler, nfe, w2: 1 / nfe })));
    const bounds = points.map((p) => ({ ...p, w2: 10 / Math.sqrt(p.nfe) }));
    const svg = await renderSvg(convergenceSpec(points, { referenceOrders: [], bounds }));
    expect((svg.match(/aria-roledescription="line mark"/g) ?? []).length).toBe(4);
    expect(svg).toContain('stroke-dasharray="6,3"');
  });
});

describe("Yu & Yu's constants as defaults", () => {
  it('the paper constants, transcribed: m_min = min(1, m0), L_max = 1 + L0, in the paper time h′ = βh', () => {
    // λ ∈ {0.8, 1.25}: m0 = 0.8, L0 = 1.25, so m_min = 0.8, L_max = 2.25, d = 2; β = 2 doubles the step.
    const o = { eigenvalues: [0.8, 1.25], process: { name: 'ou' as const, beta: 2, T: 5 }, tEnd: 0.01, steps: [40] };
    const h = (5 - 0.01) / 40;
    const hp = 2 * h;
    const g = 0.8 - 0.5;
    const expected: Record<string, { C1: number; rate: number }> = {
      'euler-maruyama': { C1: 2.75 / g, rate: Math.sqrt(2 * hp) },
      exponential: { C1: 2.25 / g, rate: Math.sqrt(2 * hp) },
      'randomized-midpoint': { C1: (Math.sqrt(2 / 3) * 2.25 + 1 / (2 * Math.sqrt(3))) / g, rate: Math.sqrt(hp) },
      'randomized-exponential': { C1: (Math.sqrt(2 / 3) * 2.25) / g, rate: Math.sqrt(hp) },
      'local-linearization': { C1: (Math.exp(1.75 * hp) * Math.sqrt(2) * 2.25 ** 1.5) / g, rate: hp },
    };
    for (const [sampler, e] of Object.entries(expected)) {
      const r = theoryBounds({ ...o, sampler }).rows[0]!;
      expect(r.paper, sampler).toBeDefined();
      expect(r.paper!.C1).toBeCloseTo(e.C1, 12);
      expect(r.paper!.rate).toBeCloseTo(e.rate, 14);
      expect(r.boundSource).toBe('paper');
      const init = Math.exp(-0.8 * 2 * (5 - 0.01)) * Math.sqrt(0.8 + 1.25);
      expect(r.bound).toBeCloseTo(init + r.truncationTerm + e.C1 * e.rate, 12);
      expect(r.paper!.note).toMatch(/taken as 1/);
    }
    // A user C1 still overrides; m0 ≤ 1/2 has no paper bound; a general target needs L_F for local linearization.
    expect(theoryBounds({ ...o, sampler: 'exponential', C1: 3 }).rows[0]!.boundSource).toBe('user');
    expect(theoryBounds({ eigenvalues: [1, 2.5], sampler: 'exponential', steps: [10] }).rows[0]!.bound).toBeUndefined();
    const general = { m0: 0.9, L0: 2, d: 3, secondMoment: 3 };
    expect(theoryBounds({ ...general, sampler: 'local-linearization', steps: [20] }).rows[0]!.paper).toBeUndefined();
    expect(theoryBounds({ ...general, sampler: 'local-linearization', steps: [20], LF: 0.5 }).rows[0]!.paper!.C1).toBeCloseTo(
      (Math.exp(2.5 * ((10 - 1e-3) / 20)) * Math.sqrt(3) * (3 ** 1.5 + (Math.SQRT2 * 0.5) / 4)) / 0.4,
      10,
    );
  });

  it('study on ou, strongly log-concave Gaussian (d = 16, λ ∈ [0.5, 1.5]): the bound sits above the exact total at every step count', async () => {
    const eigenvalues = spectrum(16, 0.5, 1.5);
    const samplers = ['euler-maruyama', 'exponential', 'randomized-midpoint', 'randomized-exponential', 'local-linearization'] as const;
    const r = await study({ target: { type: 'gaussian', eigenvalues }, process: { name: 'ou' }, samplers: [...samplers], steps: [10, 20, 40, 80, 160, 320, 640, 1280] });
    const lines: string[] = [];
    for (const sampler of samplers) {
      const rows = r.rows.filter((x) => x.kind === 'gaussian' && x.label === sampler);
      expect(rows).toHaveLength(8);
      const ratios = rows.map((x) => (x.kind === 'gaussian' ? x.theoryBound! / x.total : NaN));
      for (const q of ratios) expect(q, sampler).toBeGreaterThanOrEqual(1);
      lines.push(`${sampler.padEnd(24)} bound/exact: ${ratios.map((q) => q.toPrecision(3)).join(' ')}`);
      expect(r.theory!.samplers.find((x) => x.label === sampler)!.boundSource).toBe('paper');
    }
    console.log(`paper constants ("≲" as 1), ou, steps 10…1280:\n${lines.join('\n')}`);
    expect(formatStudy(r)).toContain('(paper, ≲ as 1)');
  });
});
