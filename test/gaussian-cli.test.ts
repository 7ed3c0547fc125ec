/** `dw2 gaussian`: JSON, CSV and table output from .npy inputs. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureLog } from './helpers/cli-capture.js';
import { run } from '../lib/cli/gaussian.js';
import { analyzeGaussianSync, InvalidArgumentError, ndarray, writeNpy } from '../lib/index.js';

const dir = mkdtempSync(join(tmpdir(), 'dw2-gaussian-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


describe('dw2 gaussian', () => {
  const eig = join(dir, 'eig.npy');
  const mean = join(dir, 'mean.npy');
  const cov = join(dir, 'cov.npy');
  writeNpy(eig, ndarray(Float64Array.from([0.2, 1, 3]), [3]));
  writeNpy(mean, ndarray(Float64Array.from([0.5, 0, -1]), [3]));
  writeNpy(cov, ndarray(Float64Array.from([0.2, 0, 0, 0, 1, 0, 0, 0, 3]), [3, 3]));

  it('--json prints {"results": [...]} equal to the API', async () => {
    const out = await captureLog(run, ['--eigenvalues', eig, '--mean', mean, '--process', 'ou', '--beta', '2', '--T', '5', '--sampler', 'heun,euler-maruyama', '--steps', '10,20', '--t-end', '0.01', '--prior', 'exact', '--json']);
    const parsed = JSON.parse(out) as { results: Record<string, unknown>[] };
    const api = analyzeGaussianSync({ eigenvalues: [0.2, 1, 3], mean: [0.5, 0, -1], process: { name: 'ou', beta: 2, T: 5 }, samplers: ['heun', 'euler-maruyama'], steps: [10, 20], tEnd: 0.01, prior: 'exact' });
    expect(parsed.results.length).toBe(4);
    parsed.results.forEach((r, k) => {
      for (const key of ['sampler', 'steps', 'nfe', 'truncation', 'continuous', 'discrete', 'total', 'discretization'] as const)
        expect(r[key]).toEqual(api.rows[k]![key]);
    });
  });

  it('--covariance with --csv writes a plot-ready CSV and prints an aligned table', async () => {
    const csv = join(dir, 'table.csv');
    const out = await captureLog(run, ['--covariance', cov, '--sampler', 'ddim', '--eta', '0.5', '--steps', '5,50', '--prior', 'normal,exact', '--csv', csv]);
    expect(out).toMatch(/^sampler\s+t_end\s+prior\s+steps\s+nfe\s+truncation\s+continuous\s+discrete\s+total\s+discretization/);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    // ddim's η is a sampler option: the rows name it in an options column.
    expect(lines[0]).toBe('sampler,options,steps,nfe,tEnd,prior,truncation,continuous,discrete,total,discretization,momentMatched');
    expect(lines.length).toBe(5);
    expect(lines[1]!.split(',').slice(0, 2)).toEqual(['ddim', 'eta=0.5']);
    expect(lines[1]!.split(',').length).toBe(12);
  });

  it('rejects missing or doubled inputs', async () => {
    await expect(run(['--sampler', 'euler'])).rejects.toThrow(InvalidArgumentError);
    await expect(run(['--eigenvalues', eig, '--covariance', cov])).rejects.toThrow(/exactly one/);
  });
});
