import { describe, expect, it } from 'vitest';
import { buildAndRunNative, kernelObjects, nativeToolsAvailable } from './helpers/native-objects.js';

/*
 * An exception inside an OpenMP region would call std::terminate and kill the Node process;
 * native/core/parallel_failure.h carries it out of the region. test/native/parallel_failure.cc checks
 * the guard itself, the sampler's prior draw and the batched target evaluation and marginal draws
 * with a prior and a target that throw, built against the CPU build's objects. Skipped where g++ or those objects are missing.
 */
describe.skipIf(!nativeToolsAvailable('g++'))('exceptions in parallel regions', () => {
  it('reach the caller instead of terminating the process', () => {
    const flags = ['-std=c++17', '-O1', '-fopenmp', '-Inative', '-I/usr/include/eigen3'];
    const printed = buildAndRunNative('test/native/parallel_failure.cc', flags, kernelObjects());
    expect(printed).not.toMatch(/FAIL/);
    expect(printed.match(/^ok:/gm)?.length).toBe(7);
  }, 120_000);
});
