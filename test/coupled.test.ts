/**
 * Coupled (pathwise) errors: the RMS distance between a sampler and a fine-grid reference run from
 * the same x_T and Brownian path falls at the declared pathwise order; bad input is refused
 * before any work; studies fit orders on it and keep diverged runs out.
 */
import { describe, expect, it } from 'vitest';
import {
  coupledDistance,
  coupledError,
  defaultReference,
  fitOrder,
  gaussianTarget,
  gmmTarget,
  InvalidArgumentError,
  ndarray,
  pathwiseOrder,
  resolveStudy,
  study,
  summarize,
  type MonteCarloStudyRow,
} from '../lib/index.js';
import { ringMixture } from '../lib/study/presets.js';

describe('coupledDistance', () => {
  it('is the root mean square of the paired distances, inside its interval', () => {
    // distances² per pair: 25, 0, 4, 1 → mean 7.5
    const a = ndarray(Float64Array.from([3, 4, 0, 0, 2, 0, 0, 1]), [4, 2]);
    const b = ndarray(new Float64Array(8), [4, 2]);
    const c = coupledDistance(a, b);
    expect(c.rms).toBeCloseTo(Math.sqrt(7.5), 14);
    expect(c.interval[0]).toBeLessThanOrEqual(c.rms);
    expect(c.interval[1]).toBeGreaterThan(c.rms);
    // sample variance of (25, 0, 4, 1) = 133/ 3 … the t interval of the mean square, t_{3}(0.975) = 3.182446
    const half = 3.182446305284263 * Math.sqrt(((25 - 7.5) ** 2 + 7.5 ** 2 + 3.5 ** 2 + 6.5 ** 2) / 3 / 4);
    expect(c.interval[1]).toBeCloseTo(Math.sqrt(7.5 + half), 5);
    expect(() => coupledDistance(ndarray(new Float64Array(2), [1, 2]), ndarray(new Float64Array(2), [1, 2]))).toThrow(InvalidArgumentError);
  });
});

describe('coupledError orders on a Gaussian target (vp)', () => {
  const target = gaussianTarget({ mean: [1, -2], variances: [0.5, 0.3] });
  // Least-squares slopes over 3 step counts, n = 300 particles: stated tolerance 0.25 around the
  // declared pathwise order (the measured values sit within 0.1 of it; the rest is sampling noise).
  it.each([
    ['euler-maruyama', [16, 32, 64], 2048],
    ['exponential', [16, 32, 64], 2048],
    ['randomized-midpoint', [16, 32, 64], 2048],
    ['heun', [16, 32, 64], 1024],
    ['rk4', [16, 32, 64], 2048],
  ] as const)('%s falls at its declared pathwise order', async (sampler, steps, refSteps) => {
    const rms: number[] = [];
    for (const N of steps) rms.push((await coupledError({ target, sampler, steps: N, n: 300, seed: 11, reference: { steps: refSteps } })).rms);
    const fit = fitOrder([...steps], rms);
    expect(Math.abs(fit.order - pathwiseOrder(sampler))).toBeLessThan(0.25);
  });

  it('names the default reference', async () => {
    const r = await coupledError({ target, sampler: 'euler-maruyama', steps: 64, n: 400, seed: 11, reference: { steps: 1024 } });
    expect(r.rms).toBeLessThan(0.15);
    expect(r.reference).toEqual({ sampler: 'euler-maruyama', steps: 1024, nfe: 1024, pathwiseOrder: 1 });
  });
});

describe('default references nest the sampler grids', () => {
  const oddPart = (n: number) => (n % 2 === 0 ? oddPart(n / 2) : n);
  it('a multiple of every step count’s odd part, at least the plain floor and at most 4× it', () => {
    // Plain floors: Euler–Maruyama max(1024, 64N), rk4 max(256, 16N), the SDE local linearization max(1024, 16N).
    expect(defaultReference('euler-maruyama', 0, [5, 10, 20, 40]).steps).toBe(2560); // 5·2⁹ = 64·40
    expect(defaultReference('euler-maruyama', 0, 10).steps).toBe(1280); // 5·2⁸ ≥ 1024
    expect(defaultReference('heun', 0, [4, 8, 16]).steps).toBe(256);
    expect(defaultReference('heun', 0, [3, 6, 12]).steps).toBe(384); // 3·2⁷ ≥ 16·12 = 192, ≥ 256
    expect(defaultReference('local-linearization', 0, [6, 12]).steps).toBe(1536); // 3·2⁹ ≥ 1024
    // Odd parts whose multiple would cost more than 4× the floor: the floor itself.
    expect(defaultReference('euler-maruyama', 0, [7, 11, 13, 17]).steps).toBe(1088);
    // A common odd part beyond what a tree is laid out for (4096): the floor. lcm(63, 65) = 4095 nests
    // (4095·2 ≥ 64·65); lcm(65, 67) = 4355 would fit 4× the floor 64·67 but not a tree.
    expect(defaultReference('euler-maruyama', 0, [63, 65]).steps).toBe(8190);
    expect(defaultReference('euler-maruyama', 0, [65, 67]).steps).toBe(64 * 67);
    let seed = 3;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 200; trial++) {
      const steps = Array.from({ length: 1 + Math.floor(4 * next()) }, () => 1 + Math.floor(200 * next()));
      const floor = Math.max(256, 16 * Math.max(...steps));
      const r = defaultReference('rk4', 0, steps).steps;
      expect(r).toBeGreaterThanOrEqual(floor);
      if (r !== floor) expect(r).toBeLessThanOrEqual(4 * floor);
      // Above the floor only to nest every grid.
      if (r > floor) expect(steps.every((N) => oddPart(r) % oddPart(N) === 0)).toBe(true);
      expect(r === floor || oddPart(r) <= 4096).toBe(true);
    }
  });
  it('refuses step counts that are not positive integers', () => {
    expect(() => defaultReference('euler', 0, [4, 0])).toThrow(InvalidArgumentError);
    expect(() => defaultReference('euler', 0, 2.5)).toThrow(InvalidArgumentError);
  });
});

describe('typed errors before any work', () => {
  const target = gaussianTarget({ mean: [0], variances: [1] });
  it.each([
    [{ steps: 64, reference: { steps: 32 } }, /must be larger/],
    [{ steps: 64, reference: { steps: 64 } }, /must be larger/],
    [{ steps: 8, reference: { process: 've' as const } }, /same equation/],
    [{ steps: 8, n: 0 }, /n must be/],
    [{ steps: 8, reference: { sampler: 'rk4' as const } }, /different equations/],
  ])('%o', async (extra, message) => {
    await expect(coupledError({ target, sampler: 'euler-maruyama', n: 10, ...extra })).rejects.toThrow(InvalidArgumentError);
    await expect(coupledError({ target, sampler: 'euler-maruyama', n: 10, ...extra })).rejects.toThrow(message);
  });
  it('studies check the references against every sampler', () => {
    const base = { target: ringMixture(4, 1.5, 0.5), samplers: ['euler-maruyama' as const], steps: [8, 16] };
    expect(() => resolveStudy({ ...base, coupled: { sde: { steps: 16 } } })).toThrow(/coupled.sde/);
    expect(() => resolveStudy({ ...base, coupled: true, noise: 'step' })).toThrow(/noise/);
    expect(() => resolveStudy({ ...base, coupled: { sde: { sampler: 'heun' } } })).toThrow(/different equations/);
    expect(resolveStudy({ ...base, coupled: true }).coupled).toEqual({ ode: { sampler: 'rk4', steps: 256 }, sde: { sampler: 'euler-maruyama', steps: 1024 } });
  });
});

describe('coupled studies', () => {
  it('fit orders on the coupled RMS and report the reference’s own W2', async () => {
    const config = {
      target: ringMixture(4, 1.5, 0.5),
      samplers: ['euler-maruyama' as const, 'heun' as const],
      steps: [8, 16, 32],
      seeds: [0, 1],
      n: 300,
      coupled: true,
    };
    const r = await study(config);
    const rows = r.rows as MonteCarloStudyRow[];
    expect(rows.every((x) => x.coupled !== undefined && x.coupled > 0 && Number.isFinite(x.w2))).toBe(true);
    expect(r.references!.map((x) => `${x.family}:${x.sampler}:${x.steps}:${x.seed}`).sort()).toEqual(['ode:rk4:512:0', 'ode:rk4:512:1', 'sde:euler-maruyama:2048:0', 'sde:euler-maruyama:2048:1']);
    expect(r.references!.every((x) => x.w2 > 0 && x.w2 < 1)).toBe(true);
    for (const o of r.orders) {
      expect(o.metric).toBe('coupled RMS');
      expect(o.theoreticalOrder).toBe(pathwiseOrder(o.sampler as 'heun'));
      expect(Math.abs(o.vsNfe!.order - o.theoreticalOrder)).toBeLessThan(0.35);
    }
    // Pooled summary = root of the mean of the seeds' mean squares.
    const s = r.summary.find((x) => x.label === 'heun' && x.steps === 16)!;
    const two = rows.filter((x) => x.label === 'heun' && x.steps === 16);
    expect(s.coupled).toBeCloseTo(Math.sqrt((two[0]!.coupled! ** 2 + two[1]!.coupled! ** 2) / 2), 12);
  });

  it('keep diverged runs out of means, coupled values and fits', () => {
    const s = resolveStudy({ target: ringMixture(4, 1.5, 0.5), samplers: ['heun'], steps: [8, 16, 32], seeds: [0, 1], n: 100, coupled: true });
    const row = (steps: number, seed: number, coupled: number, diverged = false): MonteCarloStudyRow => ({
      kind: 'monte-carlo', label: 'heun', sampler: 'heun', steps, seed, nfe: 2 * steps, seconds: 0, w2: diverged ? NaN : 0.2, w2sq: diverged ? NaN : 0.04, gap: 0,
      ...(diverged ? { diverged: { particles: 7, firstStep: 3 } } : { coupled, coupledMeanSq: coupled ** 2, coupledVarSq: 0 }),
    });
    const rows = [row(8, 0, 4e-2), row(8, 1, 0, true), row(16, 0, 1e-2), row(16, 1, 1e-2), row(32, 0, 2.5e-3), row(32, 1, 2.5e-3)];
    const { summary, orders } = summarize(s, rows, null);
    const at8 = summary.find((x) => x.steps === 8)!;
    expect(at8.diverged).toBe(1);
    // The diverged run's values never enter: the cell holds the other seed's value or none at all.
    expect(at8.coupled === undefined || Math.abs(at8.coupled - 4e-2) < 1e-14).toBe(true);
    expect(orders[0]!.vsNfe!.order).toBeCloseTo(2, 10);
  });
});

describe('mixture targets', () => {
  it('Heun on an overlapping mixture: coupled RMS falls at order 2', async () => {
    const target = gmmTarget(ringMixture(8, 2.5, 0.25));
    const rms: number[] = [];
    for (const N of [16, 32, 64]) rms.push((await coupledError({ target, sampler: 'heun', steps: N, n: 400, seed: 2, reference: { steps: 1024 } })).rms);
    expect(Math.abs(fitOrder([16, 32, 64], rms).order - 2)).toBeLessThan(0.25);
  });
});
