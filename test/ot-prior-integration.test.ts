import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  ShapeMismatchError,
  fitOtPriorSync,
  gmmTarget,
  loadOtPrior,
  otPriorInitialState,
  otPriorTrainingData,
  priorErrorStudy,
  readNpy,
  readTargetFile,
  sample,
  sampleMarginalSync,
  sampleSync,
  saveOtPrior,
  type SeedStatistic,
} from '../lib/index.js';
import { resolveStudy } from '../lib/study/config.js';
import { study } from '../lib/study/run.js';

// A bimodal, skewed 2-D mixture with mean 0. At ou T = 1 (α² = 0.368, σ² = 0.632) p_T has modes
// 2.2 apart with standard deviation 0.81 along the first axis: visibly non-Gaussian, while the
// fit's validity rule holds (α²·E|x|²/d = 0.49 ≤ σ²).
const mixture = { weights: [0.75, 0.25], means: [[-0.9, 0], [2.7, 0]], variances: [[0.05, 0.2], [0.05, 0.2]] };
const target = gmmTarget(mixture);
const process = { name: 'ou' as const, T: 1 };
const quickFit = { process, tolerance: 0.5, maxIterations: 2000, allowNotConverged: true } as const;

const dir = mkdtempSync(join(tmpdir(), 'dw2-otprior-int-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sample({ prior: otPrior })', () => {
  const prior = fitOtPriorSync({ target, m: 40, seed: 3, ...quickFit });
  const run = { target, process, sampler: 'heun' as const, steps: 4, n: 25, seed: 11 };

  it('starts exactly at otPriorInitialState: the same samples as x0, bit for bit, sync and async, bare and wrapped', async () => {
    const x0 = otPriorInitialState(prior, 25, 11);
    const viaX0 = sampleSync({ ...run, x0 }).samples.data;
    const bare = sampleSync({ ...run, prior, trajectory: [0] });
    expect(Array.from(bare.trajectory[0]!.data)).toEqual(Array.from(x0));
    expect(Array.from(bare.samples.data)).toEqual(Array.from(viaX0));
    expect(Array.from((await sample({ ...run, prior })).samples.data)).toEqual(Array.from(viaX0));
    const wrapped = sampleSync({ ...run, prior: { kind: 'ot-semidiscrete', prior } }).samples.data;
    expect(Array.from(wrapped)).toEqual(Array.from(viaX0));
    // Soft map with its temperature, and a split batch (particles 7 … 31).
    const soft = otPriorInitialState(prior, 25, 11, 7, { soft: true, tau: 0.1 });
    const s = sampleSync({ ...run, firstParticle: 7, prior: { kind: 'ot-semidiscrete', prior, soft: true, tau: 0.1 }, trajectory: [0] });
    expect(Array.from(s.trajectory[0]!.data)).toEqual(Array.from(soft));
    expect(Array.from(s.samples.data)).toEqual(Array.from(sampleSync({ ...run, firstParticle: 7, x0: soft }).samples.data));
  });

  it('the native per-particle draw equals the batch map: 203 particles in row blocks smaller than the draw blocks (m = 300), hard and soft, float64 and float32', () => {
    const wide = fitOtPriorSync({ target, m: 300, seed: 5, ...quickFit });
    for (const soft of [false, true]) {
      const x0 = otPriorInitialState(wide, 203, 4, 9, soft ? { soft, tau: 0.05 } : undefined);
      const start = { kind: 'ot-semidiscrete' as const, prior: wide, ...(soft ? { soft, tau: 0.05 } : {}) };
      const o = { ...run, n: 203, seed: 4, firstParticle: 9, prior: start, trajectory: [0] };
      expect(Array.from(sampleSync(o).trajectory[0]!.data)).toEqual(Array.from(x0));
      expect(Array.from(sampleSync({ ...o, dtype: 'float32' }).trajectory[0]!.data)).toEqual(Array.from(Float32Array.from(x0)));
    }
  });

  it('is reproducible from the seed, and a score callback run starts from the same states', () => {
    const a = sampleSync({ ...run, prior }).samples.data;
    expect(Array.from(sampleSync({ ...run, prior }).samples.data)).toEqual(Array.from(a));
    expect(Array.from(sampleSync({ ...run, seed: 12, prior }).samples.data)).not.toEqual(Array.from(a));
    const cb = sampleSync({ score: (_t, _x, _n, _d, out) => out.fill(0), d: 2, process, sampler: 'euler', steps: 2, n: 25, seed: 11, prior, trajectory: [0] });
    expect(Array.from(cb.trajectory[0]!.data)).toEqual(Array.from(otPriorInitialState(prior, 25, 11)));
  });

  it('rejects a prior fitted for another dimension, process or T, and bad map options, naming prior', () => {
    const d3 = gmmTarget({ weights: [1], means: [[0, 0, 0]], variances: [[1, 1, 1]] });
    expect(() => sampleSync({ ...run, target: d3, prior })).toThrow(ShapeMismatchError);
    expect(() => sampleSync({ ...run, target: d3, prior })).toThrow(/prior was fitted in dimension 2/);
    expect(() => sampleSync({ ...run, process: { name: 'vp', T: 1 }, prior })).toThrow(/prior was fitted for ou at T = 1/);
    expect(() => sampleSync({ ...run, process: { name: 'ou', T: 2 }, prior })).toThrow(/prior was fitted for ou at T = 1.*starts from ou at T = 2/);
    expect(() => sampleSync({ ...run, process: { name: 'ou', beta: 2, T: 1 }, prior })).toThrow(InvalidArgumentError);
    // The horizon of an explicit grid is its first entry.
    expect(() => sampleSync({ ...run, steps: undefined, grid: [1.5, 0.5, 0.01], prior })).toThrow(/T = 1.5/);
    expect(sampleSync({ ...run, steps: undefined, grid: [1, 0.5, 0.01], prior }).samples.shape).toEqual([25, 2]);
    expect(() => sampleSync({ ...run, prior: { kind: 'ot-semidiscrete', prior, soft: true, tau: 0 } })).toThrow(/prior.tau must be > 0/);
    expect(() => sampleSync({ ...run, prior: { kind: 'ot-semidiscrete', prior, tau: 0.1 } })).toThrow(/prior.tau applies to the soft map/);
    expect(() => sampleSync({ ...run, prior: { kind: 'ot-semidiscrete' } as never })).toThrow(/prior.prior/);
    expect(() => sampleSync({ ...run, prior: 'ot-semidiscrete' as never })).toThrow(/needs the fitted prior/);
  });
});

describe('fitOtPrior({ target })', () => {
  it('draws its m training points from the target (the same fit as from those points as data)', () => {
    const fromTarget = fitOtPriorSync({ target, m: 30, seed: 4, ...quickFit });
    const data = sampleMarginalSync(target, process, 0, { n: 30, seed: 4 });
    expect(Array.from(otPriorTrainingData(target, process, 30, 4).data)).toEqual(Array.from(data.data));
    const fromData = fitOtPriorSync({ data, seed: 4, ...quickFit });
    expect(Array.from(fromTarget.points.data)).toEqual(Array.from(fromData.points.data));
    expect(Array.from(fromTarget.weights)).toEqual(Array.from(fromData.weights));
  });

  it('needs exactly one of data and target, and m with a target', () => {
    const data = sampleMarginalSync(target, process, 0, { n: 5, seed: 1 });
    expect(() => fitOtPriorSync({ target, data, m: 5, seed: 1, process })).toThrow(/exactly one of data/);
    expect(() => fitOtPriorSync({ seed: 1, process })).toThrow(/exactly one of data/);
    expect(() => fitOtPriorSync({ target, seed: 1, process })).toThrow(/m \(the number of training points/);
    expect(() => fitOtPriorSync({ target, m: 0, seed: 1, process })).toThrow(/\bm must be/);
    expect(() => fitOtPriorSync({ target, m: 10, seed: 1, process: { name: 'ou', T: 0.3 } })).toThrow(/T = 0.3 is too small/);
  });
});

/** Mean and standard error of the per-seed differences a − b (paired: both share the reference set). */
function paired(a: SeedStatistic, b: SeedStatistic): { mean: number; stderr: number } {
  const diff = a.values.map((v, i) => v - b.values[i]!);
  const mean = diff.reduce((s, v) => s + v, 0) / diff.length;
  const sd = Math.sqrt(diff.reduce((s, v) => s + (v - mean) ** 2, 0) / (diff.length - 1));
  return { mean, stderr: sd / Math.sqrt(diff.length) };
}

describe('measured prior error (priorErrorStudy, exact-OT W2, m = n = 300, d = 2, 3 seeds)', () => {
  it('the mapped prior is at the statistical floor and clearly below N(0, I)', async () => {
    const r = await priorErrorStudy({ target, process, m: 300, n: 300, seeds: [0, 1, 2], sampler: 'euler', steps: 3, fit: { tolerance: 0.3 } });
    expect(r.fits.every((f) => f.converged)).toBe(true);
    const { normal, otSemidiscrete: ot, floor } = r.prior;
    // Each seed compares every prior with the same fresh p_T set, so differences are paired.
    // At the floor: mean W2(mapped, p_T) − mean floor ≤ 3 standard errors of the paired difference
    // (with m = n the mapped samples are n draws from m diffused points, about √1.5 × the floor in
    // expectation when the floor is dominated by n-sample noise; the tolerance covers it here).
    const excess = paired(ot, floor);
    expect(excess.mean).toBeLessThanOrEqual(3 * excess.stderr + 1e-12);
    expect(ot.mean).toBeLessThanOrEqual(floor.mean + 3 * Math.hypot(ot.stderr, floor.stderr));
    // Clearly below the unmapped prior: for every seed, and by more than 3 paired standard errors.
    for (let i = 0; i < 3; i++) expect(ot.values[i]!).toBeLessThan(normal.values[i]!);
    const gain = paired(normal, ot);
    expect(gain.mean).toBeGreaterThan(3 * gain.stderr);
    // The hard map only outputs diffused training points; genuine p_T draws are not on them.
    expect(r.nearest.mappedToDiffused.values).toEqual([0, 0, 0]);
    expect(r.nearest.freshPTToDiffused.mean).toBeGreaterThan(0.05);
    expect(r.distinct.mapped.mean).toBeLessThan(300);
    for (const s of Object.values(r.endToEnd)) for (const v of s.values) expect(Number.isFinite(v) && v > 0).toBe(true);
  });
});

const cli = (args: string[]) =>
  execFileSync(globalThis.process.execPath, ['--import', 'tsx', 'lib/cli.ts', 'sample', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('dw2 sample --prior ot-semidiscrete --prior-file', () => {
  const prior = fitOtPriorSync({ target, m: 30, seed: 6, ...quickFit, tau: 0.05 });
  const prefix = join(dir, 'prior');
  saveOtPrior(prior, prefix);
  const targetFile = join(dir, 'target.json');
  writeFileSync(targetFile, JSON.stringify({ type: 'gmm', weights: mixture.weights, means: mixture.means, covs: mixture.variances.map(([a, b]) => [[a, 0], [0, b]]) }));
  const base = ['--target', targetFile, '--process', 'ou', '--T', '1', '--sampler', 'euler', '--steps', '5', '--n', '40', '--seed', '9'];

  it('matches the API bit for bit (hard and soft map)', () => {
    for (const soft of [false, true]) {
      const out = join(dir, `x-${soft}.npy`);
      const summary = JSON.parse(cli([...base, '--prior', 'ot-semidiscrete', '--prior-file', prefix, ...(soft ? ['--soft', '--tau', '0.2'] : []), '--out', out, '--json']));
      expect(summary).toMatchObject({ prior: 'ot-semidiscrete', n: 40, d: 2 });
      const api = sampleSync({
        target: readTargetFile(targetFile), // the CLI's target (full covariances: another score path than variances)
        process,
        sampler: 'euler',
        steps: 5,
        n: 40,
        seed: 9,
        prior: { kind: 'ot-semidiscrete', prior: loadOtPrior(prefix), soft, tau: soft ? 0.2 : undefined },
      });
      expect(Array.from(readNpy(out).data)).toEqual(Array.from(api.samples.data));
    }
  });

  it('surfaces bad input as typed errors', () => {
    const out = join(dir, 'bad.npy');
    expect(() => cli([...base, '--prior', 'ot-semidiscrete', '--out', out])).toThrow(/INVALID_ARGUMENT.*--prior-file/);
    expect(() => cli([...base, '--prior', 'normal', '--prior-file', prefix, '--out', out])).toThrow(/INVALID_ARGUMENT.*--prior-file applies/);
    expect(() => cli([...base, '--prior-file', prefix, '--tau', '0.1', '--out', out])).toThrow(/INVALID_ARGUMENT.*--soft/);
    expect(() => cli([...base, '--prior-file', prefix, '--soft', '--tau=0', '--out', out])).toThrow(/INVALID_ARGUMENT.*prior.tau must be > 0/);
    const wrongT = base.map((a) => (a === '1' ? '2' : a));
    expect(() => cli([...wrongT, '--prior-file', prefix, '--out', out])).toThrow(/INVALID_ARGUMENT.*prior was fitted for ou at T = 1/);
    expect(() => cli([...base, '--prior-file', join(dir, 'missing'), '--out', out])).toThrow(/INVALID_ARGUMENT.*cannot read the OT prior manifest/);
  });
});

describe('study config: "prior": { "kind": "ot-semidiscrete", "file": … }', () => {
  const prior = fitOtPriorSync({ target, m: 30, seed: 8, ...quickFit });
  saveOtPrior(prior, join(dir, 'study-prior'));
  const config = {
    target: { type: 'gmm' as const, weights: mixture.weights, means: mixture.means, variances: mixture.variances },
    process,
    prior: { kind: 'ot-semidiscrete' as const, file: 'study-prior' },
    samplers: ['heun' as const],
    steps: [3],
    seeds: [5],
    n: 30,
  };

  it('loads the prior relative to the config and samples from it (the same samples as the API)', async () => {
    let seen: Float64Array | undefined;
    const r = await study(config, { baseDir: dir, onSamples: (_l, _s, x) => (seen = Float64Array.from(x.data)) });
    expect(r.kind).toBe('monte-carlo');
    expect(r.rows).toHaveLength(1);
    const api = sampleSync({ target, process, sampler: 'heun', steps: 3, n: 30, seed: 5, prior });
    expect(Array.from(seen!)).toEqual(Array.from(api.samples.data));
  });

  it('runs a Gaussian study with an OT prior as Monte Carlo, and rejects mismatches naming prior', () => {
    const gauss = resolveStudy({ ...config, target: { type: 'gaussian', eigenvalues: [1, 0.5] } }, dir);
    expect(gauss.kind).toBe('monte-carlo');
    expect(gauss.target?.type).toBe('gaussian');
    expect(gauss.otPrior?.prior.m).toBe(30);
    expect(() => resolveStudy({ ...config, process: { name: 'ou', T: 3 } }, dir)).toThrow(/prior was fitted for ou at T = 1/);
    expect(() => resolveStudy({ ...config, target: { type: 'gaussian', eigenvalues: [1, 0.5, 0.2] } }, dir)).toThrow(/prior was fitted in dimension 2/);
    expect(() => resolveStudy({ ...config, prior: { ...config.prior, tau: 0.1 } }, dir)).toThrow(/prior.tau: applies to the soft map/);
    expect(() => resolveStudy({ ...config, prior: { ...config.prior, file: 'nope' } }, dir)).toThrow(/cannot read the OT prior manifest/);
    expect(() => resolveStudy({ ...config, prior: { kind: 'other', file: 'x' } as never }, dir)).toThrow(/prior.kind/);
  });
});
