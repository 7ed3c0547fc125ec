/**
 * Costs that would overflow (or underflow) float64 when squared: every W2 method either
 * answers correctly in rescaled coordinates (W2 is homogeneous: W2(s a, s b) = |s| W2(a, b),
 * exact for s a power of two) or refuses with NON_FINITE; none crashes or certifies a
 * wrong value (regression for a heap overflow in the auction and certified zeros).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCertificate, ndarray, NonFiniteError, w2Sync, writeNpy, type NDArray } from '../lib/index.js';
import { randomCloud, relErr } from './helpers/ot.js';

const exactSolvers = ['auto', 'auction', 'shortest-path', 'network-simplex'] as const;
const scaled = (a: NDArray, s: number) => ndarray(Float64Array.from(a.data, (x) => x * s), a.shape);

describe('squared distances beyond float64', () => {
  const a = ndarray(Float64Array.of(0, 1, 2), [3, 1]);
  const b = ndarray(Float64Array.of(-1e155, 1, 2), [3, 1]); // W2² = 1e310 / 3: not a float64

  it('every exact solver, 1d and sliced refuse with NON_FINITE instead of crashing or answering 0', () => {
    for (const solver of exactSolvers) expect(() => w2Sync(a, b, { solver }), solver).toThrow(NonFiniteError);
    expect(() => w2Sync(a, b, { method: '1d' })).toThrow(NonFiniteError);
    expect(() => w2Sync(a, b, { method: 'sliced' })).toThrow(NonFiniteError);
    expect(() => w2Sync(a, b, { method: 'gaussian' })).toThrow(NonFiniteError);
  });

  it('far-apart points with a representable W2 are solved in rescaled coordinates', () => {
    const x = randomCloud(1, 40, 3);
    const y = randomCloud(2, 40, 3);
    const reference = w2Sync(x, y, { solver: 'shortest-path' }).w2sq;
    const big = 2 ** 500; // costs ~2^1000 (about 1e301): beyond the safe range, W2² representable
    for (const solver of exactSolvers) {
      const r = w2Sync(scaled(x, big), scaled(y, big), { solver });
      expect(relErr(r.w2sq / big ** 2, reference), solver).toBeLessThan(1e-12);
      expect(r.certificate!.certified).toBe(true);
      expect(r.stats!.costExponent).toBeGreaterThan(0);
      expect(checkCertificate(scaled(x, big), scaled(y, big), r).ok).toBe(true);
    }
    const x1 = ndarray(x.data.slice(0, 40), [40, 1]);
    const y1 = ndarray(y.data.slice(0, 40), [40, 1]);
    const one = w2Sync(x1, y1, { method: '1d' }).w2sq;
    expect(relErr(w2Sync(scaled(x1, big), scaled(y1, big), { method: '1d' }).w2sq / big ** 2, one)).toBeLessThan(1e-12);
    const sl = w2Sync(x, y, { method: 'sliced', projections: 16 }).w2sq;
    expect(relErr(w2Sync(scaled(x, big), scaled(y, big), { method: 'sliced', projections: 16 }).w2sq / big ** 2, sl)).toBeLessThan(1e-12);
  });

  it('tiny spreads (squares near the subnormal range) keep their precision', () => {
    const x = randomCloud(3, 30, 2);
    const y = randomCloud(4, 30, 2);
    const tiny = 2 ** -500;
    const reference = w2Sync(x, y, { solver: 'shortest-path' }).w2sq;
    for (const solver of exactSolvers) {
      const r = w2Sync(scaled(x, tiny), scaled(y, tiny), { solver });
      expect(relErr(r.w2sq / tiny ** 2, reference), solver).toBeLessThan(1e-12);
      expect(r.certificate!.certified).toBe(true);
    }
  });

  it('dw2 w2 prints one NON_FINITE line and exits with code 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw2-overflow-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    writeNpy(join(dir, 'a.npy'), a);
    writeNpy(join(dir, 'b.npy'), b);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli.ts', 'w2', join(dir, 'a.npy'), join(dir, 'b.npy')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.signal).toBeNull();
    expect(r.stderr).toMatch(/NON_FINITE: W2\^2 exceeds the float64 range/);
  });
});
