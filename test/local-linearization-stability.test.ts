/**
 * Local linearization on targets that are not log-concave: runs that blow up are detected and
 * reported (`diverged`), studies do not treat them as measurements, and the stabilized variant
 * (every matrix function sees min(μ, κ/h), an extension of spec §6) keeps the runs finite while
 * staying second order (exact Gaussian analysis) and sampling the law its recursion predicts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { continuousFlow, gaussianRecursion, gaussianTarget, gmmTarget, sampleSync } from '../lib/index.js';
import { ringMixture } from '../lib/study/presets.js';
import { study } from '../lib/study/run.js';

const ring = gmmTarget(ringMixture());

describe('divergence detection', () => {
  it('local-linearization on the demo mixture at 4 steps: particles diverge, and the report says how many and where', () => {
    const r = sampleSync({ target: ring, process: 'vp', sampler: 'local-linearization', steps: 4, n: 400, seed: 0 });
    expect(r.diverged).not.toBeNull();
    expect(r.diverged!.particles).toBeGreaterThan(0);
    expect(r.diverged!.particles).toBeLessThanOrEqual(400);
    expect(r.diverged!.firstStep).toBeGreaterThanOrEqual(1);
    expect(r.diverged!.firstStep).toBeLessThanOrEqual(4);
    // The count is a per-particle decision: the same on any split of the particles.
    const a = sampleSync({ target: ring, process: 'vp', sampler: 'local-linearization', steps: 4, n: 200, seed: 0 });
    const b = sampleSync({ target: ring, process: 'vp', sampler: 'local-linearization', steps: 4, n: 200, seed: 0, firstParticle: 200 });
    expect((a.diverged?.particles ?? 0) + (b.diverged?.particles ?? 0)).toBe(r.diverged!.particles);
  });

  it('healthy runs report null', () => {
    for (const sampler of ['euler-maruyama', 'heun', 'local-linearization'] as const) {
      const r = sampleSync({ target: ring, process: 'vp', sampler, steps: 64, n: 200, seed: 1 });
      expect(r.diverged, sampler).toBeNull();
    }
  });

  it('stabilize: true keeps every demo-mixture run finite down to 4 steps', () => {
    for (const steps of [4, 6, 8, 12]) {
      const r = sampleSync({ target: ring, process: 'vp', sampler: 'local-linearization', steps, n: 400, seed: 0, stabilize: true });
      expect(r.diverged, `${steps} steps`).toBeNull();
      for (const v of r.samples.data) expect(Number.isFinite(v)).toBe(true);
    }
  });

  it('dw2 sample --json reports diverged (and --stabilize removes it)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw2-ll-'));
    const file = join(dir, 'ring.json');
    const m = ringMixture();
    writeFileSync(file, JSON.stringify({ type: 'gmm', weights: m.weights, means: m.means, covs: m.variances.map((v) => [[v[0], 0], [0, v[1]]]) }));
    const run = (extra: string[]) =>
      JSON.parse(
        execFileSync(process.execPath, ['--import', 'tsx', 'lib/cli.ts', 'sample', '--target', file, '--sampler', 'local-linearization', '--steps', '4', '--n', '300', '--out', join(dir, 'x.npy'), '--json', ...extra], {
          encoding: 'utf8',
        }),
      );
    const plain = run([]);
    expect(plain.diverged.particles).toBeGreaterThan(0);
    expect(plain.diverged.firstStep).toBeGreaterThanOrEqual(1);
    expect(run(['--stabilize', '0.5']).diverged).toBeNull();
  });

  it('studies: a diverged run is not a measurement (no W2, left out of the summary statistics and the fit)', async () => {
    const r = await study({ target: ringMixture(), process: { name: 'vp' }, samplers: ['local-linearization'], steps: [4, 64], seeds: [0, 1], n: 150 });
    const bad = r.rows.filter((x) => x.kind === 'monte-carlo' && x.steps === 4);
    expect(bad.some((x) => x.kind === 'monte-carlo' && x.diverged)).toBe(true);
    const cell = r.summary.find((x) => x.steps === 4)!;
    expect(cell.diverged).toBeGreaterThan(0);
    expect(Number.isNaN(cell.mean)).toBe(true);
    const good = r.summary.find((x) => x.steps === 64)!;
    expect(good.diverged).toBe(0);
    expect(Number.isFinite(good.mean)).toBe(true);
  });

  it('studies: a stabilized local linearization next to the plain one (Monte Carlo only)', async () => {
    const r = await study({ target: ringMixture(), process: { name: 'vp' }, samplers: ['local-linearization', { name: 'local-linearization', stabilize: true }], steps: [4], seeds: [0, 1], n: 150 });
    const plain = r.summary.find((x) => x.label === 'local-linearization')!;
    const stable = r.summary.find((x) => x.label === 'local-linearization(κ=0.5)')!;
    expect(plain.diverged).toBeGreaterThan(0);
    expect(stable.diverged).toBe(0);
    expect(Number.isFinite(stable.mean)).toBe(true);
    await expect(study({ target: { type: 'gaussian', eigenvalues: [1, 2] }, samplers: [{ name: 'local-linearization', stabilize: 0.5 }], steps: [4] })).rejects.toThrow(/Monte Carlo/);
    await expect(study({ target: ringMixture(), samplers: [{ name: 'heun', stabilize: 0.5 }], steps: [4] })).rejects.toThrow(/local-linearization/);
  });
});

describe('stabilized variant: exact Gaussian analysis', () => {
  const eigenvalues = [0.01, 0.1, 1, 4, 16]; // λ ≥ 4: L = β/2 − β/ℓ > 0 on part of vp's path
  const mean = [0.3, -0.5, 1, 2, -1];
  const error = (steps: number, stabilize?: number) => {
    const o = { eigenvalues, mean, process: 'vp' as const, tEnd: 1e-3 };
    const ex = continuousFlow({ ...o, ode: false, start: 'exact' });
    const r = gaussianRecursion({ ...o, sampler: 'local-linearization', steps, grid: 'karras', stabilize });
    let e = 0;
    for (let i = 0; i < eigenvalues.length; i++) e += (r.mean[i]! - ex.mean[i]!) ** 2 + (Math.sqrt(r.variance[i]!) - Math.sqrt(ex.variance[i]!)) ** 2;
    return Math.sqrt(e);
  };

  it('where L ≤ 0 (eigenvalues ≤ 1 on vp) the variant is the plain scheme, bit for bit', () => {
    const o = { eigenvalues: [0.01, 0.3, 1], process: 'vp' as const, sampler: 'local-linearization' as const, steps: 6, tEnd: 1e-3 };
    const plain = gaussianRecursion(o);
    const capped = gaussianRecursion({ ...o, stabilize: 0 });
    expect(Array.from(capped.variance)).toEqual(Array.from(plain.variance));
    expect(Array.from(capped.mean)).toEqual(Array.from(plain.mean));
  });

  it('κ = 0.5 stays second order where L > 0; κ = 0 would fall to first order', () => {
    const steps = [160, 320, 640];
    const e05 = steps.map((n) => error(n, 0.5));
    const e0 = steps.map((n) => error(n, 0));
    for (let i = 1; i < steps.length; i++) {
      expect(Math.log2(e05[i - 1]! / e05[i]!)).toBeGreaterThan(1.9);
      expect(Math.log2(e0[i - 1]! / e0[i]!)).toBeLessThan(1.1);
    }
  });

  it('the native sampler with the cap active matches the capped recursion (Monte Carlo, |z| < 5)', () => {
    // d = 1, λ = 16 on vp with 5 uniform steps: hL reaches ≈ 0.4 > κ = 0.1.
    const n = 40000;
    const target = gaussianTarget({ mean: [1], variances: [16] });
    const r = sampleSync({ target, process: 'vp', sampler: 'local-linearization', steps: 5, n, seed: 3, prior: 'exact', stabilize: 0.1 });
    const ref = gaussianRecursion({ eigenvalues: [16], mean: [1], process: 'vp', sampler: 'local-linearization', steps: 5, stabilize: 0.1 });
    const plain = gaussianRecursion({ eigenvalues: [16], mean: [1], process: 'vp', sampler: 'local-linearization', steps: 5 });
    expect(Math.abs(plain.variance[0]! - ref.variance[0]!)).toBeGreaterThan(0.1 * ref.variance[0]!); // the cap acts here (20 s.e. apart)
    const x = r.samples.data;
    let m = 0;
    for (const v of x) m += v;
    m /= n;
    let v = 0;
    for (const y of x) v += (y - m) ** 2;
    v /= n - 1;
    expect(Math.abs(m - ref.mean[0]!) / Math.sqrt(ref.variance[0]! / n)).toBeLessThan(5);
    expect(Math.abs(v - ref.variance[0]!) / (ref.variance[0]! * Math.sqrt(2 / n))).toBeLessThan(5);
  });
});
