import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { nativeToolsAvailable } from './helpers/native-objects.js';

/*
 * Bit-identity across SIMD dispatch paths: test/simd-paths/run.sh fingerprints the noise and
 * sampler runs (diagonal and full-covariance mixtures, empirical target, float64 and float32) on
 * this CPU's path and under valgrind, which emulates a CPU without AVX-512 (so the AVX2 clones
 * run). Skipped where valgrind, g++ or the CPU build's objects are missing.
 */
describe.skipIf(!nativeToolsAvailable('valgrind', 'g++'))('SIMD paths', () => {
  it('the AVX2 clones give the same bits as the native path (noise, mixture and empirical samplers)', () => {
    const out = execFileSync('bash', ['test/simd-paths/run.sh'], { encoding: 'utf8', timeout: 120_000 });
    expect(out).toMatch(/OK: identical fingerprints/);
  }, 120_000);
});
