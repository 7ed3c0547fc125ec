/**
 * Sampler options in the exact analysis: the error table and the steps-to-accuracy search run each
 * sampler with the options gaussianRecursion takes (one shared reader, lib/sampler-params.ts).
 * A table row must equal the W2 computed here from gaussianRecursion's output moments with the
 * same options (to round-off); the `continuous` column of the η samplers is checked against the
 * fine-step limit of the schemes themselves.
 */
import { describe, expect, it } from 'vitest';
import {
  analyzeGaussian,
  analyzeGaussianSync,
  continuousFlow,
  gaussianRecursion,
  InvalidArgumentError,
  stepsToAccuracySync,
  timeGrid,
  type SamplerName,
  type SamplerOptions,
} from '../lib/index.js';

const process = { name: 'vp' as const, betaMin: 0.1, betaMax: 20, T: 1 };
const eigenvalues = [0.003, 0.05, 0.4, 1, 2.5];
const mean = [0.3, -0.2, 0, 1, -0.5];
const tEnd = 1e-3;

/** W2 of per-direction Gaussians (the eigenbasis) to the data N(mean, diag(eigenvalues)). */
function w2(out: { mean: ArrayLike<number>; variance: ArrayLike<number> }): number {
  return Math.sqrt(eigenvalues.reduce((acc, l, i) => acc + (out.mean[i]! - mean[i]!) ** 2 + (Math.sqrt(out.variance[i]!) - Math.sqrt(l)) ** 2, 0));
}

/** Each sampler with options that move it away from its defaults. */
const cases: [SamplerName, SamplerOptions][] = [
  ['edm', { sChurn: 20, sTmin: 0.05, sTmax: 10, sNoise: 1.003 }],
  ['euler-ancestral', { eta: 0.6, sNoise: 0.9 }],
  ['dpmpp-2s-ancestral', { eta: 0.5 }],
  ['dpmpp-2m-sde', { eta: 0.7, sNoise: 1.1 }],
  ['dpmpp-3m-sde', { eta: 0.4 }],
  ['unipc', { order: 3, variant: 'bh1', corrector: false }],
  ['lms', { order: 2 }],
  ['dpm-adaptive', { order: 2 }],
  ['ddim', { eta: 0.5 }],
  ['local-linearization', { stabilize: 0 }],
];

describe('error table rows with sampler options', () => {
  const grid = timeGrid(process, { kind: 'logsnr', steps: 12, tEnd });
  const table = (samplers: SamplerName[] | { name: SamplerName }[], extra: SamplerOptions = {}) =>
    analyzeGaussianSync({ eigenvalues, mean, process, samplers: samplers as never, grid, prior: ['exact', 'normal'], ...extra });

  it.each(cases)('%s: discrete and total equal gaussianRecursion with the same options', (sampler, options) => {
    const rows = table([{ name: sampler, ...options }]).rows;
    const fromT = gaussianRecursion({ eigenvalues, mean, process, sampler, grid, start: 'exact', ...options });
    const fromPrior = gaussianRecursion({ eigenvalues, mean, process, sampler, grid, start: 'normal', ...options });
    const [exact, normal] = rows;
    expect(exact!.prior).toBe('exact');
    expect(exact!.options).toEqual(options);
    expect(exact!.nfe).toBe(fromT.nfe);
    expect(Math.abs(exact!.discrete - w2(fromT))).toBeLessThan(1e-12 * (1 + w2(fromT)));
    expect(Math.abs(normal!.total - w2(fromPrior))).toBeLessThan(1e-12 * (1 + w2(fromPrior)));
    // The options matter: the defaults give another row.
    const plain = table([sampler]).rows[0]!;
    expect(plain.options).toBeUndefined();
    expect(Math.abs(plain.discrete - exact!.discrete)).toBeGreaterThan(1e-6 * exact!.discrete);
  });

  it('shared options go to the samplers they apply to; entries can repeat a sampler with other options', async () => {
    const shared = analyzeGaussianSync({ eigenvalues, mean, process, samplers: ['edm', 'unipc', 'euler'], grid, prior: 'exact', sChurn: 20, order: 3 });
    const alone = (sampler: SamplerName, options: SamplerOptions) => w2(gaussianRecursion({ eigenvalues, mean, process, sampler, grid, start: 'exact', ...options }));
    expect(shared.rows.map((r) => r.options)).toEqual([{ sChurn: 20 }, { order: 3 }, undefined]);
    expect(shared.rows[0]!.discrete).toBeCloseTo(alone('edm', { sChurn: 20 }), 12);
    expect(shared.rows[1]!.discrete).toBeCloseTo(alone('unipc', { order: 3 }), 12);
    expect(shared.rows[2]!.discrete).toBeCloseTo(alone('euler', {}), 12);
    // An entry's own value wins over the shared one; the async table agrees with the sync one.
    const both = await analyzeGaussian({
      eigenvalues, mean, process, grid, prior: 'exact', sChurn: 5,
      samplers: ['edm', { name: 'edm', sChurn: 40 }],
    });
    expect(both.rows.map((r) => r.options)).toEqual([{ sChurn: 5 }, { sChurn: 40 }]);
    expect(both.rows[0]!.discrete).toBeCloseTo(alone('edm', { sChurn: 5 }), 12);
    expect(both.rows[1]!.discrete).toBeCloseTo(alone('edm', { sChurn: 40 }), 12);
  });

  it('with steps lists and several priors, each block of rows carries its own options', () => {
    const r = analyzeGaussianSync({
      eigenvalues, mean, process, steps: [4, 8], tEnd, prior: ['exact', 'normal'],
      samplers: [{ name: 'lms', order: 2 }, 'lms'],
    });
    expect(r.rows.map((x) => x.options?.order)).toEqual([2, 2, 2, 2, undefined, undefined, undefined, undefined]);
  });

  it('rejects options no listed sampler takes, unknown entry keys and bad values, before any work', () => {
    const base = { eigenvalues, process, steps: 10 };
    expect(() => analyzeGaussianSync({ ...base, samplers: ['euler', 'heun'], sChurn: 1 })).toThrow(InvalidArgumentError);
    expect(() => analyzeGaussianSync({ ...base, samplers: ['euler', 'heun'], sChurn: 1 })).toThrow(/sChurn does not apply.*edm/);
    expect(() => analyzeGaussianSync({ ...base, sampler: 'unipc', order: 5 })).toThrow(/order must be an integer in \[1, 3\]/);
    expect(() => analyzeGaussianSync({ ...base, samplers: [{ name: 'edm', sChrun: 3 } as never] })).toThrow(/sChrun is not a sampler option/);
    expect(() => analyzeGaussianSync({ ...base, samplers: [{ name: 'euler', eta: 0.5 }] })).toThrow(/eta applies to/);
    expect(() => analyzeGaussianSync({ ...base, sampler: 'edm', sChurn: -1 })).toThrow(/sChurn must be >= 0/);
    expect(() => analyzeGaussianSync({ ...base, sampler: 'heun', stabilize: 0.5 })).toThrow(/stabilize/);
    // ddim's η stays accepted (and ignored) by samplers without one, as before.
    expect(analyzeGaussianSync({ ...base, samplers: ['euler'], eta: 0.5 }).rows).toHaveLength(1);
  });
});

describe('steps to accuracy with sampler options', () => {
  it('searches each sampler with its options: the answer meets ε there and the step before does not', () => {
    const eps = 3e-3;
    const samplers = [{ name: 'unipc' as const, order: 3, variant: 'bh1' as const }, { name: 'edm' as const, sChurn: 10 }, 'unipc' as const];
    const r = stepsToAccuracySync({ eigenvalues, mean, process, samplers, tolerance: eps, grid: 'logsnr', tEnd, maxNfe: 400 });
    expect(r.rows.map((x) => x.options)).toEqual([{ order: 3, variant: 'bh1' }, { sChurn: 10 }, undefined]);
    for (const row of r.rows) {
      expect(row.reached).toBe(true);
      expect(row.check).not.toBe('unverified');
      const name = row.sampler;
      const at = (steps: number) => analyzeGaussianSync({ eigenvalues, mean, process, samplers: [{ name, ...row.options }], steps, grid: 'logsnr', tEnd, prior: 'exact' }).rows[0]!;
      expect(at(row.steps).discretization).toBe(row.error);
      expect(row.error).toBeLessThanOrEqual(eps);
      expect(at(row.steps - 1).discretization).toBeGreaterThan(eps);
    }
    // unipc's options change its answer.
    expect(r.rows[0]!.steps).not.toBe(r.rows[2]!.steps);
  });

  it('shared options apply to the default list of every sampler', () => {
    const r = stepsToAccuracySync({ eigenvalues, process, tolerance: 1e-2, maxNfe: 64, sChurn: 10 });
    const edm = r.rows.find((x) => x.sampler === 'edm')!;
    expect(edm.options).toEqual({ sChurn: 10 });
    expect(r.rows.filter((x) => x.options !== undefined)).toHaveLength(1);
  });
});

describe('continuous column of the η samplers', () => {
  const start = { mean: [1, 0.5, -0.3, 0.2, 0], variance: [0.7, 1.2, 2, 0.5, 1] };
  const flow = (eta: number) => continuousFlow({ eigenvalues, mean, process, eta, tEnd, start });
  const gap = (a: { mean: ArrayLike<number>; variance: ArrayLike<number> }, b: { mean: ArrayLike<number>; variance: ArrayLike<number> }) => {
    let g = 0;
    for (let i = 0; i < a.mean.length; i++) g = Math.max(g, Math.abs(a.mean[i]! - b.mean[i]!), Math.abs(a.variance[i]! - b.variance[i]!));
    return g;
  };

  // Noise per step: euler-ancestral σ_up² ≈ η² g² h (the η member); dpmpp-2m-sde σ²(1 − e^{−2ηh}) ≈ η g² h (the √η member).
  it.each([
    ['euler-ancestral', 0.5, 0.5],
    ['dpmpp-2m-sde', 0.5, Math.SQRT1_2],
  ] as const)('%s(η = %s) converges to the flow member %s, which the table reports', (sampler, eta, member) => {
    const run = (steps: number) => gaussianRecursion({ eigenvalues, mean, process, sampler, eta, steps, grid: 'logsnr', tEnd, start });
    const target = flow(member);
    const fine = gap(run(3000), target);
    expect(fine / gap(run(750), target)).toBeLessThan(0.35); // at least first order towards this member
    // The nearest other candidate (the reverse SDE, or the η member for √η) is 10× farther.
    expect(fine).toBeLessThan(0.15 * gap(flow(eta === member ? 1 : eta), target));
    expect(fine).toBeLessThan(0.02 * gap(flow(0), target));
    const row = analyzeGaussianSync({ eigenvalues, mean, process, sampler, eta, steps: 20, tEnd, prior: 'normal' }).rows[0]!;
    expect(row.continuous).toBeCloseTo(w2(continuousFlow({ eigenvalues, mean, process, eta: member, tEnd, start: 'normal' })), 12);
  });
});

describe('study configs with sampler options', () => {
  it('runs { name, ...options } entries with their options, labelled by them', async () => {
    const { study } = await import('../lib/study/run.js');
    const r = await study({
      target: { type: 'gaussian', eigenvalues, mean },
      process,
      grid: 'logsnr',
      tEnd,
      samplers: ['edm', { name: 'edm', sChurn: 20, sTmax: 10 }, { name: 'unipc', order: 3, corrector: false }],
      steps: [6, 12],
    });
    const labels = [...new Set(r.rows.map((x) => x.label))];
    expect(labels).toEqual(['edm', 'edm(sChurn=20, sTmax=10)', 'unipc(order=3, corrector=false)']);
    const api = (sampler: SamplerName, options: SamplerOptions) =>
      analyzeGaussianSync({ eigenvalues, mean, process, samplers: [{ name: sampler, ...options }], steps: [6, 12], grid: 'logsnr', tEnd }).rows.map((x) => x.total);
    const totals = (label: string) => r.rows.filter((x) => x.label === label).map((x) => (x as { total: number }).total);
    expect(totals('edm(sChurn=20, sTmax=10)')).toEqual(api('edm', { sChurn: 20, sTmax: 10 }));
    expect(totals('unipc(order=3, corrector=false)')).toEqual(api('unipc', { order: 3, corrector: false }));
    expect(totals('edm')).not.toEqual(totals('edm(sChurn=20, sTmax=10)'));
  });

  it('rejects unknown or misplaced options, naming the entry', async () => {
    const { resolveStudy } = await import('../lib/study/config.js');
    const base = { target: { type: 'gaussian' as const, eigenvalues: [1, 2] }, steps: [4] };
    expect(() => resolveStudy({ ...base, samplers: [{ name: 'edm', sChrun: 1 } as never] })).toThrow(/samplers\[0\]\.sChrun: is not a sampler option/);
    expect(() => resolveStudy({ ...base, samplers: ['euler', { name: 'heun', order: 2 }] })).toThrow(/samplers\[1\]: order applies to/);
    expect(() => resolveStudy({ ...base, samplers: [{ name: 'edm', sChurn: -1 }] })).toThrow(/samplers\[0\]: sChurn must be >= 0/);
  });
});
