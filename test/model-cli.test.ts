// The committed models and the CLI around them: dw2 sample --model equals the API; a model that fails
// (NaN output) leaves no file behind; dw2 score-error prints and writes its table; the trained
// Gaussian denoiser's affine-fit analysis stands beside its measured error.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasOnnxRuntime } from './helpers/onnx-runtime.js';
import { GraphBuilder } from '../scripts/models/onnx-graph.js';
import { affineScoreAnalysis, gaussianMoments, loadOnnxModel, readNpy, sample, targetFromJson, type GaussianTargetSpec } from '../lib/index.js';

const cli = (args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', 'lib/cli.ts', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe.skipIf(!hasOnnxRuntime)('committed models and the CLI', () => {
  it('dw2 sample --model writes what sample({ model }) returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw2-model-'));
    const out = join(dir, 'x.npy');
    const args = ['--model', 'models/gmm4-denoiser.onnx', '--time-input', 'logsnr', '--sampler', 'heun', '--steps', '6', '--n', '40', '--seed', '2'];
    const summary = JSON.parse(cli(['sample', ...args, '--out', out, '--json']));
    expect(summary).toMatchObject({ sampler: 'heun', nfe: 12, n: 40, d: 2 });
    const model = await loadOnnxModel({ model: 'models/gmm4-denoiser.onnx', timeInput: 'logsnr' });
    const api = await sample({ model, sampler: 'heun', steps: 6, n: 40, seed: 2 });
    expect(Array.from(readNpy(out).data)).toEqual(Array.from(api.samples.data));
  });

  it('a model that returns NaN fails with a typed error and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw2-model-'));
    const g = new GraphBuilder('double');
    const x = g.input('x', ['n', 2]);
    g.input('t', ['n']);
    g.output(g.op('Sqrt', [g.op('Neg', [g.op('Mul', [x, x])])]), 'y', ['n', 2]);
    writeFileSync(join(dir, 'nan.onnx'), g.toBytes());
    const out = join(dir, 'x.npy');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli.ts', 'sample', '--model', join(dir, 'nan.onnx'), '--steps', '3', '--n', '5', '--out', out], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/CALLBACK_FAILED/);
    expect(existsSync(out)).toBe(false);
  });

  it('dw2 score-error: the paired distance falls to a positive floor (the score error) and files are written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw2-score-error-'));
    const text = cli(['score-error', '--target', 'models/gmm4-target.json', '--model', 'models/gmm4-denoiser.onnx', '--time-input', 'logsnr', '--steps', '4,32', '--n', '400', '--out', dir, '--json']);
    const r = JSON.parse(text);
    expect(r.rows).toHaveLength(2);
    for (const row of r.rows) expect(row.coupled.rms).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'score-error.csv'), 'utf8').split('\n')[0]).toMatch(/^steps,nfe,coupled_rms/);
    expect(readFileSync(join(dir, 'score-error.svg'), 'utf8')).toMatch(/<svg/);
  });

  it("the trained Gaussian denoiser: its affine fit's exact W2 beside the measured moments of its samples", async () => {
    const target = targetFromJson(JSON.parse(readFileSync('models/gaussian2d-target.json', 'utf8'))) as GaussianTargetSpec;
    const model = await loadOnnxModel({ model: 'models/gaussian-denoiser.onnx', timeInput: 'logsnr' });
    const score = (t: number, x: Float64Array, m: number, out: Float64Array) => model.score({ name: 'vp' }, t, x, m, out);
    const predicted = await affineScoreAnalysis({ target, score, sampler: 'heun', steps: 20, fitSamples: 2048 });
    const run = await sample({ model, sampler: 'heun', steps: 20, n: 20000, seed: 1 });
    const measured = gaussianMoments(run.samples);
    // The network is nearly affine on this target: the affine-fit law's moments match the samples'
    // to Monte Carlo error (standard error of a mean ≈ √(1.5/20000) ≈ 0.009; stated tolerance 5σ).
    for (let i = 0; i < 2; i++) expect(Math.abs(predicted.mean[i] - measured.mean[i])).toBeLessThan(0.05);
    expect(predicted.w2).toBeGreaterThan(0);
  });
});

describe.skipIf(!hasOnnxRuntime)('studies with a score network', () => {
  it('run the samplers on the network and measure W2 against the analytic target', async () => {
    const { study } = await import('../lib/study/run.js');
    const base = { name: 'learned', target: { type: 'gmm' as const, ...JSON.parse(readFileSync('models/gmm4-target.json', 'utf8')) }, process: { name: 'vp' as const }, samplers: ['heun' as const], steps: [8, 16], seeds: [0], n: 300 };
    const learned = await study({ ...base, model: { file: 'models/gmm4-denoiser.onnx', timeInput: 'logsnr' } });
    const exact = await study(base);
    const w = (r: typeof exact) => r.rows.map((x) => (x as { w2: number }).w2);
    // Same seeds, same x_T and noise: only the score differs, and the learned one is measurably worse.
    expect(w(learned).every(Number.isFinite)).toBe(true);
    expect(w(learned)).not.toEqual(w(exact));
    await expect(study({ ...base, model: { file: 'models/missing.onnx' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(study({ ...base, prior: 'exact', model: { file: 'models/gmm4-denoiser.onnx' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
