import { describe, expect, it } from 'vitest';
import { buildAndRunNative, nativeToolsAvailable } from './helpers/native-objects.js';

/*
 * The normals and the mixture softmax evaluate log, sincos and exp several values at a time,
 * statement by statement (native/random/deterministic_math.h, philox_normal.h normalPairsFromWords),
 * for speed; the results must be the bits of the scalar definitions that the CUDA build and the
 * one-row paths use. test/native/interleaved_math.cc compares them value by value on edge inputs
 * (ends of (0, 1), the √2 and quarter-turn switch points, exp's overflow and underflow limits, ±0,
 * ±∞, NaN) and random ones, for each SIMD path this CPU runs, built with the addon's flags.
 */
describe.skipIf(!nativeToolsAvailable('g++'))('interleaved elementary functions', () => {
  it('give the scalar definitions’ bits on every SIMD path', () => {
    const flags = ['-std=c++17', '-O3', '-fno-math-errno', '-ffp-contract=off', '-Inative'];
    const printed = buildAndRunNative('test/native/interleaved_math.cc', flags);
    expect(printed).not.toMatch(/FAIL/);
    // The baseline path always runs; AVX-512 (two group sizes) and AVX2 where the CPU has them.
    expect(printed).toMatch(/^ok: baseline G = 4$/m);
    const lines = printed.trim().split('\n');
    expect(lines.every((l) => l.startsWith('ok:') || l.startsWith('skipped:'))).toBe(true);
  }, 120_000);
});
