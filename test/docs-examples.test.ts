/**
 * The examples run as a user's app would run them: they import 'diffusion-w2' (resolved here through
 * the package's own exports, to dist/) and take their data paths as arguments.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltDist } from './helpers/built-dist.js';

const root = resolve(import.meta.dirname, '..');
const cifar = resolve(root, '..', 'shared', 'data', 'cifar10-eigenvalues.npy');
const run = promisify(execFile);
const node = (script: string, args: string[], cwd: string) =>
  run(process.execPath, [join(root, 'examples', script, 'run.mjs'), ...args], { cwd, encoding: 'utf8', timeout: 120_000 });

describe('examples', () => {
  beforeAll(ensureBuiltDist, 120_000);
  it('import the package by name, never a build folder or the project data folder', () => {
    const scripts = readdirSync(join(root, 'examples')).filter((d) => existsSync(join(root, 'examples', d, 'run.mjs')));
    expect(scripts.length).toBeGreaterThanOrEqual(3);
    for (const d of scripts) {
      const text = readFileSync(join(root, 'examples', d, 'run.mjs'), 'utf8');
      expect(text, d).toMatch(/from 'diffusion-w2'/);
      expect(text, d).not.toMatch(/dist\/index\.js|shared\/data/);
    }
  });

  it('js-score-callback and prior-error --quick run from any folder; outputs go where asked', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dw2-examples-'));
    try {
      const [callback, prior] = await Promise.all([node('js-score-callback', [], cwd), node('prior-error', ['--quick', join(cwd, 'out')], cwd)]);
      expect(callback.stdout).toMatch(/max \|difference\| = \S+e-1\d/);
      expect(prior.stdout).toMatch(/OT prior: m = 300/);
      for (const f of ['prior.json', 'prior.points.npy', 'prior.weights.npy', 'results-quick.json']) expect(existsSync(join(cwd, 'out', f)), f).toBe(true);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 120_000);

  it('cifar10-table needs its eigenvalue file as an argument', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dw2-examples-'));
    try {
      await expect(node('cifar10-table', [], cwd)).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/usage: node run.mjs EIGENVALUES.npy/) });
      if (!existsSync(cifar)) return; // the data are not shipped: the run itself needs ../shared/data
      const r = await node('cifar10-table', [cifar, join(cwd, 't.csv')], cwd);
      expect(r.stdout).toMatch(/120 rows \(d = 3072\)/);
      expect(readFileSync(join(cwd, 't.csv'), 'utf8').split('\n')[0]).toBe('sampler,steps,nfe,tEnd,prior,truncation,continuous,discrete,total,discretization');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 120_000);
});
