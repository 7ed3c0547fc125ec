/**
 * Evaluations to accuracy (lib/accuracy.ts): the search's answer is checked against a brute-force
 * table over every step count, on error curves that are monotone and on curves that are not
 * (small-step overshoots, biases crossing zero, ddpm undefined at small N).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { captureLog } from './helpers/cli-capture.js';
import { run } from '../lib/cli/gaussian.js';
import {
  AbortError,
  analyzeGaussianSync,
  InvalidArgumentError,
  ndarray,
  readNpy,
  schemes,
  stepsToAccuracy,
  stepsToAccuracySync,
  writeNpy,
  type SamplerName,
} from '../lib/index.js';
import { runStudyToDir } from '../lib/cli/study.js';
import { resolveStudy } from '../lib/study/config.js';
import { accuracySpec } from '../lib/study/to-accuracy.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cifarPath = resolve(repoRoot, '..', 'shared', 'data', 'cifar10-eigenvalues.npy');
const haveCifar = existsSync(cifarPath);
const dir = mkdtempSync(join(tmpdir(), 'dw2-accuracy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The smallest step count in 1..N whose discretization error is ≤ ε (0 if none), from one table. */
function bruteForce(errors: number[], eps: number): number {
  return errors.findIndex((e) => e <= eps) + 1;
}

describe('stepsToAccuracy', () => {
  const tolerances = [0.3, 0.12, 0.05, 1e-2, 3e-3, 1e-3];
  const N = 160;
  const steps = Array.from({ length: N }, (_, i) => i + 1);

  it('finds the smallest step count within ε, as a scan of every count does, on monotone and non-monotone curves', () => {
    const checks = new Set<string>();
    // One direction with a non-zero mean: its bias crosses zero, so these curves dip and rebound.
    for (const sampler of ['euler-maruyama', 'heun', 'rk4', 'exponential', 'ddpm'] as SamplerName[])
      for (const eigenvalues of [[0.01], [4], [0.01, 4, 0.3]])
        for (const grid of ['uniform', 'logsnr'] as const) {
          const base = { eigenvalues, mean: eigenvalues.map(() => 0.7), process: 'vp' as const, sampler, grid, tEnd: 1e-3 };
          const errors = analyzeGaussianSync({ ...base, steps, prior: 'exact' }).rows.map((r) => r.discretization);
          const nfePerStep = sampler === 'heun' ? 2 : sampler === 'rk4' ? 4 : 1;
          const r = stepsToAccuracySync({ ...base, tolerance: tolerances, maxNfe: N * nfePerStep });
          r.rows.forEach((row, k) => {
            const truth = bruteForce(errors, tolerances[k]!);
            checks.add(row.check);
            expect(row.reached ? row.steps : 0, `${sampler} ${eigenvalues} ${grid} ε=${tolerances[k]}`).toBe(truth);
            if (row.reached) {
              expect(row.error).toBe(errors[row.steps - 1]);
              expect(row.nfe).toBe(row.steps * nfePerStep);
            } else expect(row.steps).toBe(N);
          });
        }
    // Both branches of the search ran: plain narrowing and the fallback scan.
    expect(checks).toEqual(new Set(['monotone', 'scanned']));
  });

  it('components discrete and total follow their own columns; tolerances share one cache', () => {
    const base = { eigenvalues: [0.5, 1, 2], mean: [0.3, 0, -0.2], process: 'vp' as const, sampler: 'heun' as const, grid: 'logsnr' as const, tEnd: 1e-3 };
    const table = analyzeGaussianSync({ ...base, steps, prior: 'normal' }).rows;
    for (const component of ['discrete', 'total'] as const) {
      const r = stepsToAccuracySync({ ...base, prior: 'normal', component, tolerance: [0.05, 0.02], maxNfe: 2 * N });
      r.rows.forEach((row, k) => {
        expect(row.steps).toBe(bruteForce(table.map((t) => t[component]), [0.05, 0.02][k]!));
        expect(row.error).toBe(table[row.steps - 1]![component]);
      });
      expect(r.rows[1]!.evaluations).toBeGreaterThanOrEqual(r.rows[0]!.evaluations);
    }
  });

  it('not reached: the budget is the largest step count tried; an invalid last row says why', () => {
    const data = { eigenvalues: [0.2], mean: [0.5], process: 'vp' as const };
    const r = stepsToAccuracySync({ ...data, samplers: ['euler', 'ddpm'], tolerance: 1e-6, maxNfe: 8 });
    expect(r.rows.map((x) => [x.reached, x.steps])).toEqual([
      [false, 8],
      [false, 8],
    ]);
    expect(r.rows[0]!.invalid).toBeUndefined();
    expect(r.rows[0]!.error).toBe(analyzeGaussianSync({ ...data, sampler: 'euler', steps: 8, prior: 'exact' }).rows[0]!.discretization);
    // ddpm with 8 uniform steps on vp: h·β(T) = 0.999/8 · 20 > 1.
    expect(r.rows[1]!.invalid).toMatch(/h·g/);
    expect(Number.isNaN(r.rows[1]!.error)).toBe(true);
    // A budget below one step of rk4 (4 evaluations) buys nothing.
    const tiny = stepsToAccuracySync({ ...data, sampler: 'rk4', tolerance: 0.1, maxNfe: 3 }).rows[0]!;
    expect([tiny.reached, tiny.steps, tiny.nfe]).toEqual([false, 0, 0]);
    expect(tiny.invalid).toMatch(/less than one step/);
  });

  it('defaults to every sampler of the process; validates its options', () => {
    const r = stepsToAccuracySync({ eigenvalues: [1, 2], process: 've', tolerance: 0.5, maxNfe: 16 });
    expect(r.rows.map((x) => x.sampler)).not.toContain('ddpm');
    expect(r.rows.map((x) => x.sampler)).toEqual(schemes().filter((s) => !s.vpOnly).map((s) => s.name));
    expect(() => stepsToAccuracySync({ eigenvalues: [1], tolerance: 0 })).toThrow(InvalidArgumentError);
    expect(() => stepsToAccuracySync({ eigenvalues: [1], tolerance: [] })).toThrow(/tolerance/);
    expect(() => stepsToAccuracySync({ eigenvalues: [1], tolerance: 0.1, steps: 5 } as never)).toThrow(/steps/);
    expect(() => stepsToAccuracySync({ eigenvalues: [1], tolerance: 0.1, grid: [1, 0.5, 0.001] as never })).toThrow(/grid/);
    expect(() => stepsToAccuracySync({ eigenvalues: [1], tolerance: 0.1, component: 'score' as never })).toThrow(/component/);
    expect(() => stepsToAccuracySync({ eigenvalues: [1], tolerance: 0.1, maxNfe: 0 })).toThrow(/maxNfe/);
  });

  it('async form: same rows (but wall-clock), monotone progress, abortable', async () => {
    const o = { eigenvalues: [0.01, 1, 4], process: 'vp' as const, samplers: ['heun', 'euler'] as SamplerName[], tolerance: [0.1, 0.01], maxNfe: 512 };
    const sync = stepsToAccuracySync(o);
    const seen: number[] = [];
    const r = await stepsToAccuracy({ ...o, onProgress: (f) => seen.push(f) });
    const strip = (rows: typeof r.rows) => rows.map(({ seconds: _s, ...x }) => x);
    expect(strip(r.rows)).toEqual(strip(sync.rows));
    for (let k = 1; k < seen.length; k++) expect(seen[k]!).toBeGreaterThanOrEqual(seen[k - 1]!);
    const controller = new AbortController();
    controller.abort();
    await expect(stepsToAccuracy({ ...o, signal: controller.signal })).rejects.toThrow(AbortError);
  });

  it('the plot has one line per sampler through its reached tolerances', () => {
    const r = stepsToAccuracySync({ eigenvalues: [0.5, 2], process: 'vp', samplers: ['heun', 'rk4', 'euler'], tolerance: [0.1, 0.01, 1e-3], maxNfe: 64 });
    const spec = accuracySpec(r.rows, 'discretization') as { layer: { data: { values: { sampler: string; nfe: number; w2: number }[] } }[] };
    const points = spec.layer[0]!.data.values;
    expect(points.length).toBe(r.rows.filter((x) => x.reached).length);
    for (const p of points) expect(r.rows.find((x) => x.sampler === p.sampler && x.tolerance === p.w2)!.nfe).toBe(p.nfe);
  });

  it('study configs take toAccuracy, validated', () => {
    const target = { type: 'gaussian' as const, eigenvalues: [1, 2] };
    const s = resolveStudy({ target, samplers: ['heun'], steps: [10], toAccuracy: { tolerances: [0.1], maxNfe: 100 } });
    expect(s.toAccuracy).toEqual({ tolerances: [0.1], component: 'discretization', maxNfe: 100 });
    expect(() => resolveStudy({ target, samplers: ['heun'], steps: [10], toAccuracy: { tolerances: [-1] } })).toThrow(/toAccuracy.tolerances/);
    expect(() => resolveStudy({ target, samplers: ['heun'], steps: [10], toAccuracy: { eps: 1 } as never })).toThrow(/unknown key/);
  });

  it('dw2 study runs a config\'s toAccuracy beside the study files, per sampler label', async () => {
    const out = join(dir, 'study');
    const config = {
      target: { type: 'gaussian' as const, eigenvalues: [0.05, 1, 3] },
      samplers: ['heun' as const, { name: 'ddim' as const, eta: 0.5 }],
      steps: [10, 20],
      grid: 'logsnr' as const,
      toAccuracy: { tolerances: [0.1, 0.01], maxNfe: 256 },
    };
    const spy = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await runStudyToDir(config, out, { baseDir: '.', resume: false, json: true });
    } finally {
      spy.mockRestore();
    }
    const saved = JSON.parse(readFileSync(join(out, 'to-accuracy.json'), 'utf8')) as { rows: { label: string; tolerance: number; steps: number }[] };
    expect(saved.rows.map((r) => [r.label, r.tolerance])).toEqual([
      ['heun', 0.1],
      ['heun', 0.01],
      ['ddim(η=0.5)', 0.1],
      ['ddim(η=0.5)', 0.01],
    ]);
    const ddim = stepsToAccuracySync({ eigenvalues: [0.05, 1, 3], sampler: 'ddim', eta: 0.5, grid: 'logsnr', prior: 'normal', tolerance: [0.1, 0.01], maxNfe: 256 });
    expect(saved.rows.slice(2).map((r) => r.steps)).toEqual(ddim.rows.map((r) => r.steps));
    expect(readFileSync(join(out, 'to-accuracy.svg'), 'utf8')).toMatch(/^<svg/);
  });
});

describe('dw2 gaussian --to-accuracy', () => {
  const eig = join(dir, 'eig.npy');
  writeNpy(eig, ndarray(Float64Array.from([0.01, 1, 4]), [3]));

  it('--json equals the API; the table, CSV and SVG are written', async () => {
    const argv = ['--eigenvalues', eig, '--sampler', 'heun,euler', '--grid', 'logsnr', '--to-accuracy', '0.1,0.01', '--max-nfe', '256'];
    const parsed = JSON.parse(await captureLog(run, [...argv, '--json'])) as { results: Record<string, unknown>[]; component: string };
    const api = stepsToAccuracySync({ eigenvalues: [0.01, 1, 4], samplers: ['heun', 'euler'], grid: 'logsnr', tolerance: [0.1, 0.01], maxNfe: 256 });
    expect(parsed.component).toBe('discretization');
    expect(parsed.results.map((r) => [r.sampler, r.tolerance, r.steps, r.nfe, r.error])).toEqual(api.rows.map((r) => [r.sampler, r.tolerance, r.steps, r.nfe, r.error]));
    const csv = join(dir, 'acc.csv');
    const svg = join(dir, 'acc.svg');
    const table = await captureLog(run, [...argv, '--csv', csv, '--svg', svg]);
    // Several tolerances: a sampler × ε matrix of "NFE (steps)"; one tolerance: a detailed table.
    const heun = api.rows.filter((r) => r.sampler === 'heun');
    expect(table).toMatch(/Score evaluations \(steps\) needed for W2 discretization ≤ ε \(search budget 256 NFE\)/);
    expect(table).toMatch(new RegExp(`^heun\\s+${heun[0]!.nfe} \\(${heun[0]!.steps}\\)\\s+${heun[1]!.nfe} \\(${heun[1]!.steps}\\)$`, 'm'));
    const single = await captureLog(run, ['--eigenvalues', eig, '--sampler', 'heun', '--grid', 'logsnr', '--to-accuracy', '0.01', '--max-nfe', '256']);
    expect(single).toMatch(/W2 discretization ≤ 0\.01 \(search budget 256 NFE\)/);
    expect(single).toMatch(new RegExp(`^heun\\s+${heun[1]!.steps}\\s+${heun[1]!.nfe}\\s+\\S+\\s+monotone`, 'm'));
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toMatch(/^sampler,label,tolerance,component,reached,steps,nfe,error/);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/);
  });

  it('rejects --steps and the search flags without --to-accuracy', async () => {
    await expect(run(['--eigenvalues', eig, '--to-accuracy', '0.1', '--steps', '10'])).rejects.toThrow(/steps/);
    await expect(run(['--eigenvalues', eig, '--max-nfe', '10'])).rejects.toThrow(/--to-accuracy/);
  });
});

describe('CIFAR-10 spectrum (vp, log-SNR grid, t_end = 1e-3, from p_T)', () => {
  it.skipIf(!haveCifar)('discretization W2 ≤ 1e-2: rk4 17 steps (68 NFE), heun 203 (406); first-order samplers need more than 2048', () => {
    const eigenvalues = readNpy(cifarPath);
    const samplers: SamplerName[] = ['rk4', 'heun', 'euler-maruyama', 'exponential', 'euler', 'ddim', 'exponential-ode'];
    const r = stepsToAccuracySync({ eigenvalues, process: 'vp', grid: 'logsnr', tEnd: 1e-3, samplers, tolerance: 1e-2, maxNfe: 2048 });
    const by = Object.fromEntries(r.rows.map((x) => [x.sampler, x]));
    expect([by.rk4!.steps, by.rk4!.nfe]).toEqual([17, 68]);
    expect([by.heun!.steps, by.heun!.nfe]).toEqual([203, 406]);
    for (const s of samplers.slice(2)) expect(by[s]!.reached, s).toBe(false);
  });
});
