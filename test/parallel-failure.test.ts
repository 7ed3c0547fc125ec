import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernelObjects, nativeToolsAvailable } from './helpers/native-objects.js';

/*
 * An exception inside an OpenMP region would call std::terminate and kill the Node process;
 * native/core/parallel_failure.h carries it out of the region. test/native/parallel_failure.cc checks
 * the guard itself, the sampler's prior draw and the batched target evaluation and marginal draws
 * with a prior and a target that throw, built against the CPU
 * build's objects. Skipped where g++ or those objects are missing.
 */
describe.skipIf(!nativeToolsAvailable('g++'))('exceptions in parallel regions', () => {
  it('reach the caller instead of terminating the process', () => {
    const out = join(tmpdir(), `dw2-parallel-failure-${process.pid}`);
    const flags = ['-std=c++17', '-O1', '-fopenmp', '-Inative', '-I/usr/include/eigen3'];
    execFileSync('g++', [...flags, 'test/native/parallel_failure.cc', ...kernelObjects(), '-o', out], { stdio: 'pipe', timeout: 120_000 });
    let printed: string;
    try {
      printed = execFileSync(out, { encoding: 'utf8' });
    } finally {
      rmSync(out, { force: true });
    }
    expect(printed).not.toMatch(/FAIL/);
    expect(printed.match(/^ok:/gm)?.length).toBe(7);
  }, 120_000);
});
