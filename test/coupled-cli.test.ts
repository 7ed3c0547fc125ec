import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { coupledError, gaussianTarget, readNpy, sampleSync } from '../lib/index.js';

const dw2 = (args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', 'lib/cli.ts', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const fails = (args: string[]) => {
  try {
    dw2(args);
  } catch (e) {
    return String((e as { stderr?: string }).stderr);
  }
  throw new Error('expected the command to fail');
};

describe('dw2 coupled and dw2 sample --noise path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw2-coupled-'));
  const file = join(dir, 'target.json');
  writeFileSync(file, JSON.stringify({ type: 'gaussian', mean: [1, -2], cov: [[0.5, 0], [0, 0.3]] }));
  const target = gaussianTarget({ mean: [1, -2], variances: [0.5, 0.3] });

  it('prints the same RMS as coupledError, with slopes between step counts', async () => {
    const out = JSON.parse(dw2(['coupled', '--target', file, '--sampler', 'heun', '--steps', '8,16', '--n', '200', '--seed', '4', '--reference-steps', '256', '--json']));
    expect(out.pathwiseOrder).toBe(2);
    expect(out.reference).toMatchObject({ sampler: 'rk4', steps: 256 });
    const api = await coupledError({ target, sampler: 'heun', steps: 16, n: 200, seed: 4, reference: { steps: 256 } });
    expect(out.rows[1].rms).toBeCloseTo(api.rms, 12);
    expect(out.rows[1].slope).toBeCloseTo(Math.log2(out.rows[0].rms / out.rows[1].rms), 12);
  });

  it('refuses a reference coarser than the largest step count before any work', () => {
    expect(fails(['coupled', '--target', file, '--sampler', 'euler-maruyama', '--steps', '8,64', '--n', '10', '--reference-steps', '32'])).toMatch(/INVALID_ARGUMENT.*finer/);
  });

  it('dw2 sample --noise path equals the API run', () => {
    const out = join(dir, 'x.npy');
    dw2(['sample', '--target', file, '--sampler', 'euler-maruyama', '--steps', '16', '--n', '20', '--seed', '2', '--noise', 'path', '--out', out, '--json']);
    const api = sampleSync({ target, sampler: 'euler-maruyama', steps: 16, n: 20, seed: 2, noise: 'path' });
    expect(Array.from(readNpy(out).data)).toEqual(Array.from(api.samples.data));
  });
});
