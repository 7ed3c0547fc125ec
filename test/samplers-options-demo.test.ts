/**
 * The "samplers people use" table of the demo (lib/study/demo-samplers.ts, called by `dw2 demo`):
 * it reads the CIFAR-10 spectrum from ../shared/data beside the package, skips politely without it,
 * and every cell is the exact table's total W2 at that step count.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeGaussianSync, readNpy } from '../lib/index.js';
import { packageRoot } from '../lib/native.js';
import { defaultCifarEigenvaluesPath, printSamplersDemo, samplersPeopleUse } from '../lib/study/demo-samplers.js';

describe('the samplers demo', () => {
  it('looks for the spectrum beside the package and skips with a message when it is absent', () => {
    expect(defaultCifarEigenvaluesPath()).toBe(join(packageRoot, '..', 'shared', 'data', 'cifar10-eigenvalues.npy'));
    const lines: string[] = [];
    expect(printSamplersDemo(join(packageRoot, 'no-such-dir', 'x.npy'), (l) => lines.push(l))).toBeNull();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/skipped.*not found/);
  });

  it.skipIf(!existsSync(defaultCifarEigenvaluesPath()))('prints exact W2 at NFE 5–50 for every sampler, equal to the error table', () => {
    const lines: string[] = [];
    const rows = printSamplersDemo(undefined, (l) => lines.push(l))!;
    expect(rows).toHaveLength(samplersPeopleUse.length * 4);
    for (const s of samplersPeopleUse) expect(lines.join('\n')).toContain(s);
    const unipc = rows.find((r) => r.sampler === 'unipc' && r.nfe === 20)!;
    const eigenvalues = readNpy(defaultCifarEigenvaluesPath());
    const table = analyzeGaussianSync({ eigenvalues, process: 'vp', sampler: 'unipc', steps: 20, grid: 'karras', tEnd: 1e-3, prior: 'normal' });
    expect(unipc.total).toBe(table.rows[0]!.total);
  });
});
