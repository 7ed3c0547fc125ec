import { describe, expect, it } from 'vitest';
import { AbortError, InvalidArgumentError, normals, normalsSync, philox4x32, setThreads, TooLargeError } from '../lib/index.js';
import { correlation, ksCritical, ksStatistic, mean, normalCdf, variance, zCritical } from './helpers/stats.js';

const hex = (xs: number[]) => xs.map((x) => x.toString(16).padStart(8, '0'));

describe('Philox4x32-10 known-answer vectors (Random123)', () => {
  it('matches the published outputs', () => {
    expect(hex(philox4x32([0, 0, 0, 0], [0, 0]))).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    const f = 0xffffffff;
    expect(hex(philox4x32([f, f, f, f], [f, f]))).toEqual(['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']);
    expect(hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]))).toEqual([
      'd16cfe09',
      '94fdcceb',
      '5001e420',
      '24126ea1',
    ]);
  });
});

describe('invariances, bit for bit', () => {
  const opts = { seed: 12345, n: 3001, d: 7, step: 3, stage: 1 };

  it('is the same for 1 and 2 threads', () => {
    setThreads(1);
    const one = normalsSync(opts).data;
    setThreads(2);
    const two = normalsSync(opts).data;
    setThreads(0);
    expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
  });

  it('is the same for one call and for a split batch', () => {
    const all = normalsSync(opts).data;
    const half = Math.floor(opts.n / 2);
    const a = normalsSync({ ...opts, n: half }).data;
    const b = normalsSync({ ...opts, n: opts.n - half, firstParticle: half }).data;
    const joined = new Float64Array(all.length);
    joined.set(a, 0);
    joined.set(b, a.length);
    expect(Buffer.from(joined.buffer).equals(Buffer.from(all.buffer))).toBe(true);
  });

  it('float32 is float64 rounded', () => {
    const f64 = normalsSync(opts).data;
    const f32 = normalsSync({ ...opts, dtype: 'float32' }).data;
    expect(f32).toBeInstanceOf(Float32Array);
    expect(Buffer.from(f32.buffer).equals(Buffer.from(Float32Array.from(f64).buffer))).toBe(true);
  });

  it('a coordinate does not depend on the dimension requested (prefix property)', () => {
    const wide = normalsSync({ ...opts, n: 5, d: 9 }).data;
    const narrow = normalsSync({ ...opts, n: 5, d: 4 }).data;
    for (let i = 0; i < 5; i++) for (let j = 0; j < 4; j++) expect(narrow[i * 4 + j]).toBe(wide[i * 9 + j]);
  });

  it('the same seed gives the same numbers; other keys give other numbers', () => {
    const a = normalsSync({ seed: 1, n: 4, d: 4 }).data;
    expect(normalsSync({ seed: 1, n: 4, d: 4 }).data).toEqual(a);
    expect(normalsSync({ seed: 2, n: 4, d: 4 }).data).not.toEqual(a);
    expect(normalsSync({ seed: 1, n: 4, d: 4, step: 1 }).data).not.toEqual(a);
    expect(normalsSync({ seed: 1, n: 4, d: 4, stage: 1 }).data).not.toEqual(a);
    expect(normalsSync({ seed: 2n ** 40n + 1n, n: 4, d: 4 }).data).not.toEqual(a);
  });

  it('the vectorized block path (16 particles × up to 8 coordinate pairs at once) equals the one-row scalar path', () => {
    // n = 48 rows go through the SIMD blocks; a one-row call takes the scalar per-pair path.
    // d = 13 (odd, one batch) and d = 37 (19 pairs: batches of 8, 8 and 3) cover partial batches.
    for (const d of [13, 37]) {
      const key = { seed: 99, step: 4, stage: 2 };
      const block = normalsSync({ ...key, n: 48, d, firstParticle: 21 }).data;
      for (let i = 0; i < 48; i++) {
        const row = normalsSync({ ...key, n: 1, d, firstParticle: 21 + i }).data;
        expect(Buffer.from(block.buffer, i * d * 8, d * 8).equals(Buffer.from(row.buffer))).toBe(true);
      }
    }
  });
});

describe('statistics (each test at significance 1e-4 or stricter)', () => {
  const alpha = 1e-4;
  const n = 200_000;
  const z = normalsSync({ seed: 2024, n: n / 4, d: 4 }).data;

  it('mean 0 and variance 1', () => {
    const zc = zCritical(alpha);
    expect(Math.abs(mean(z))).toBeLessThan(zc / Math.sqrt(z.length));
    // Var of the sample variance of N(0,1) is 2/(n-1).
    expect(Math.abs(variance(z) - 1)).toBeLessThan(zc * Math.sqrt(2 / (z.length - 1)));
  });

  it('passes Kolmogorov–Smirnov against N(0, 1)', () => {
    const d = ksStatistic(z, normalCdf);
    expect(Math.sqrt(z.length) * d).toBeLessThan(ksCritical(alpha));
  });

  it('shows no correlation between neighbouring streams', () => {
    const zc = zCritical(alpha);
    const m = 50_000;
    const base = normalsSync({ seed: 9, n: m, d: 2 }).data;
    const col = (a: Float64Array, j: number, d: number) => a.filter((_, k) => k % d === j);
    // Box–Muller partners (coordinates 0 and 1 of one Philox block).
    expect(Math.abs(correlation(col(base, 0, 2), col(base, 1, 2)))).toBeLessThan(zc / Math.sqrt(m));
    // Neighbouring particles.
    const x0 = col(base, 0, 2);
    expect(Math.abs(correlation(x0.subarray(0, m - 1), x0.subarray(1)))).toBeLessThan(zc / Math.sqrt(m));
    // Neighbouring steps, stages and seeds.
    for (const other of [{ step: 1 }, { stage: 1 }, { seed: 10 }]) {
      const b = normalsSync({ seed: 9, n: m, d: 2, ...other }).data;
      expect(Math.abs(correlation(col(base, 0, 2), col(b, 0, 2)))).toBeLessThan(zc / Math.sqrt(m));
    }
  });

  it('has Gaussian tails: P(|Z| > 3) within 4.5 standard errors of 0.0027', () => {
    const p = 2 * (1 - normalCdf(3));
    let k = 0;
    for (const x of z) if (Math.abs(x) > 3) k++;
    expect(Math.abs(k / z.length - p)).toBeLessThan(4.5 * Math.sqrt((p * (1 - p)) / z.length));
  });
});

describe('async form', () => {
  it('does not block the event loop, reports progress, and equals the sync result', async () => {
    const opts = { seed: 5, n: 400_000, d: 16 };
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const fractions: number[] = [];
    const t0 = performance.now();
    const z = await normals({ ...opts, onProgress: (f) => fractions.push(f) });
    const elapsed = performance.now() - t0;
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(elapsed > 20 ? 1 : 0);
    expect(fractions.at(-1)).toBe(1);
    expect(Buffer.from(z.data.buffer).equals(Buffer.from(normalsSync(opts).data.buffer))).toBe(true);
  });

  it('stops on an AbortSignal with AbortError', async () => {
    const controller = new AbortController();
    const p = normals({ seed: 1, n: 4_000_000, d: 64, signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    await expect(p).rejects.toBeInstanceOf(AbortError);
    await expect(p).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('rejects at once when the signal is already aborted', async () => {
    await expect(normals({ seed: 1, n: 10, d: 2, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
  });
});

describe('bad input', () => {
  it('gives typed errors', () => {
    expect(() => normalsSync({ seed: -1, n: 1, d: 1 })).toThrow(InvalidArgumentError);
    expect(() => normalsSync({ seed: 1.5, n: 1, d: 1 })).toThrow(/seed/);
    expect(() => normalsSync({ seed: 1, n: -2, d: 1 })).toThrow(InvalidArgumentError);
    expect(() => normalsSync({ seed: 1, n: 1, d: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => normalsSync({ seed: 1, n: 1, d: 1, dtype: 'int8' as never })).toThrow(/dtype/);
    expect(() => normalsSync({ seed: 1, n: 2 ** 31, d: 2 ** 20 })).toThrow(TooLargeError);
    expect(() => philox4x32([0, 0, 0, -1], [0, 0])).toThrow(/c3/);
  });
});
