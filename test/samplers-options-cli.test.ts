/**
 * The sampler-option flags of `dw2 sample` and `dw2 gaussian` (lib/cli/sampler-flags.ts, one table
 * for both): each command's result equals the API's with the same options.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureLog } from './helpers/cli-capture.js';
import { run as gaussianCli, usage as gaussianUsage } from '../lib/cli/gaussian.js';
import { run as sampleCli, usage as sampleUsage } from '../lib/cli/sample.js';
import { samplerFlags, samplerOptionsFromFlags } from '../lib/cli/sampler-flags.js';
import { analyzeGaussianSync, gaussianTarget, InvalidArgumentError, ndarray, readNpy, sampleSync, stepsToAccuracySync, writeNpy } from '../lib/index.js';
import { samplerOptionKeys } from '../lib/sampler-params.js';

const dir = mkdtempSync(join(tmpdir(), 'dw2-sampler-flags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


describe('the flag table', () => {
  it('has one flag per sampler option, listed in both usage texts, and maps back to the options', () => {
    for (const key of samplerOptionKeys) {
      const flag = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      expect(samplerFlags[flag], flag).toBeDefined();
      expect(sampleUsage).toContain(`--${flag}`);
      expect(gaussianUsage).toContain(`--${flag}`);
    }
    expect(
      samplerOptionsFromFlags({ 's-churn': '10', 's-tmin': '0.05', 's-tmax': 'inf', 's-noise': '1.003', order: '3', variant: 'bh1', 'no-corrector': true, rtol: '0.01', stabilize: '0.5' }),
    ).toEqual({ sChurn: 10, sTmin: 0.05, sTmax: Infinity, sNoise: 1.003, order: 3, variant: 'bh1', corrector: false, rtol: 0.01, stabilize: 0.5 });
    expect(samplerOptionsFromFlags({ corrector: true })).toEqual({ corrector: true });
    expect(() => samplerOptionsFromFlags({ corrector: true, 'no-corrector': true })).toThrow(/not both/);
    expect(() => samplerOptionsFromFlags({ order: '2.5' })).toThrow(/--order must be an integer/);
    expect(() => samplerOptionsFromFlags({ 's-churn': 'lots' })).toThrow(/--s-churn must be a number/);
  });
});

describe('dw2 gaussian with sampler options', () => {
  const eig = join(dir, 'eig.npy');
  writeNpy(eig, ndarray(Float64Array.from([0.01, 0.3, 1, 2]), [4]));
  const eigenvalues = [0.01, 0.3, 1, 2];
  const common = ['--eigenvalues', eig, '--process', 'vp', '--grid', 'logsnr', '--t-end', '0.001', '--prior', 'exact,normal'];

  it('--json rows equal analyzeGaussian with the same options (each applied where it fits)', async () => {
    const argv = [...common, '--sampler', 'edm,unipc,dpmpp-2m-sde,heun', '--steps', '6,12', '--s-churn', '20', '--s-tmin', '0.05', '--s-tmax', '10', '--order', '3', '--variant', 'bh1', '--no-corrector', '--eta', '0.4', '--s-noise', '1.05', '--json'];
    const parsed = JSON.parse(await captureLog(gaussianCli, argv)) as { results: Record<string, unknown>[] };
    const api = analyzeGaussianSync({
      eigenvalues, process: { name: 'vp' }, grid: 'logsnr', tEnd: 0.001, prior: ['exact', 'normal'], steps: [6, 12],
      samplers: ['edm', 'unipc', 'dpmpp-2m-sde', 'heun'], sChurn: 20, sTmin: 0.05, sTmax: 10, order: 3, variant: 'bh1', corrector: false, eta: 0.4, sNoise: 1.05,
    });
    expect(parsed.results).toHaveLength(api.rows.length);
    parsed.results.forEach((r, k) => {
      for (const key of ['sampler', 'options', 'steps', 'nfe', 'truncation', 'continuous', 'discrete', 'total', 'discretization'] as const) expect(r[key]).toEqual(api.rows[k]![key]);
    });
    expect(parsed.results[0]!.options).toEqual({ sChurn: 20, sTmin: 0.05, sTmax: 10, sNoise: 1.05 });
    expect(parsed.results[4]!.options).toEqual({ order: 3, variant: 'bh1', corrector: false });
    expect(parsed.results[12]!.options).toBeUndefined();
  });

  it('the table labels rows with their options and the CSV has an options column', async () => {
    const csv = join(dir, 'rows.csv');
    const table = await captureLog(gaussianCli, [...common, '--sampler', 'lms,euler', '--steps', '8', '--order', '2', '--csv', csv]);
    expect(table).toContain('lms(order=2)');
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]!.startsWith('sampler,options,steps')).toBe(true);
    expect(lines[1]!.startsWith('lms,order=2,8,')).toBe(true);
    expect(lines.at(-1)!.startsWith('euler,,8,')).toBe(true);
  });

  it('--to-accuracy searches with the options', async () => {
    const argv = [...common.slice(0, -2), '--sampler', 'edm,unipc', '--to-accuracy', '0.01', '--s-churn', '10', '--order', '3', '--max-nfe', '300', '--json'];
    const parsed = JSON.parse(await captureLog(gaussianCli, argv)) as { results: Record<string, unknown>[] };
    const api = stepsToAccuracySync({ eigenvalues, process: { name: 'vp' }, grid: 'logsnr', tEnd: 0.001, samplers: ['edm', 'unipc'], sChurn: 10, order: 3, tolerance: 0.01, maxNfe: 300 });
    parsed.results.forEach((r, k) => {
      for (const key of ['sampler', 'options', 'steps', 'nfe', 'error', 'reached'] as const) expect(r[key]).toEqual(api.rows[k]![key]);
    });
    const text = await captureLog(gaussianCli, argv.slice(0, -1));
    expect(text).toContain('edm(sChurn=10)');
  });

  it('an option no listed sampler takes is a typed error', async () => {
    await expect(gaussianCli([...common, '--sampler', 'euler', '--s-churn', '3'])).rejects.toThrow(InvalidArgumentError);
    await expect(gaussianCli([...common, '--sampler', 'euler', '--s-churn', '3'])).rejects.toThrow(/sChurn does not apply to 'euler'/);
  });
});

describe('dw2 sample with sampler options', () => {
  const target = join(dir, 'target.json');
  writeFileSync(target, JSON.stringify({ type: 'gaussian', mean: [1, -1], cov: [[1, 0.3], [0.3, 0.5]] }));
  const api = (sampler: 'edm' | 'unipc', options: object) =>
    sampleSync({ target: gaussianTarget({ mean: [1, -1], covariance: [[1, 0.3], [0.3, 0.5]] }), process: 'vp', sampler, steps: 9, n: 40, seed: 5, ...options });

  it.each([
    ['edm', ['--s-churn', '30', '--s-tmin', '0.1', '--s-tmax', 'inf', '--s-noise', '1.007'], { sChurn: 30, sTmin: 0.1, sTmax: Infinity, sNoise: 1.007 }],
    ['unipc', ['--order', '3', '--variant', 'bh1', '--no-corrector'], { order: 3, variant: 'bh1', corrector: false }],
  ] as const)('%s: the samples equal the API run with the same options', async (sampler, flags, options) => {
    const out = join(dir, `${sampler}.npy`);
    await captureLog(sampleCli, ['--target', target, '--sampler', sampler, '--steps', '9', '--n', '40', '--seed', '5', ...flags, '--out', out, '--json']);
    const x = readNpy(out);
    expect(Array.from(x.data)).toEqual(Array.from(api(sampler, options).samples.data));
    // The options matter.
    expect(Array.from(x.data)).not.toEqual(Array.from(api(sampler, {}).samples.data));
  });

  it('rejects an option the sampler does not take', async () => {
    await expect(sampleCli(['--target', target, '--sampler', 'heun', '--steps', '4', '--n', '2', '--order', '2', '--out', join(dir, 'x.npy')])).rejects.toThrow(/order applies to/);
  });
});
