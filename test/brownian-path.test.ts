/**
 * The Brownian path behind noise: 'path' (lib/noise.ts brownianIncrements, native/random/brownian_path):
 * its increments and space-time Lévy areas have the law of Brownian motion over any partition,
 * refinements are consistent, and the sampler's noise slots are exactly the path's increments.
 */
import { describe, expect, it } from 'vitest';
import { brownianIncrements, coupledError, gaussianTarget, sample, sampleSync, setThreads, timeGrid } from '../lib/index.js';
import { correlation, ksCritical, ksStatistic, mean, normalCdf, variance } from './helpers/stats.js';

// Two-sided tests at family level ~1e-3 over every statistic below: |z| < 4.5 per statistic.
const zMax = 4.5;
const n = 20000;
const span = 1.7;
const seed = 77;

function increments(times: number[], opts: { n?: number; d?: number; firstParticle?: number; seed?: number } = {}) {
  const out: { w: Float64Array; h: Float64Array; len: number }[] = [];
  for (let i = 0; i + 1 < times.length; i++) {
    const r = brownianIncrements({ seed: opts.seed ?? seed, span, a: times[i]!, b: times[i + 1]!, n: opts.n ?? n, d: opts.d ?? 1, firstParticle: opts.firstParticle });
    out.push({ w: r.w.data as Float64Array, h: r.h.data as Float64Array, len: times[i + 1]! - times[i]! });
  }
  return out;
}

// Each array standard normal: mean, variance (Var of the sample variance of N(0,1) is 2/(n−1)) and
// Kolmogorov–Smirnov, each at |z| < zMax.
function expectStandardNormals(scaled: Float64Array[]) {
  for (const z of scaled) {
    expect(Math.abs(mean(z)) * Math.sqrt(n)).toBeLessThan(zMax);
    expect(Math.abs(variance(z) - 1) / Math.sqrt(2 / n)).toBeLessThan(zMax);
    expect(Math.sqrt(n) * ksStatistic(z, normalCdf)).toBeLessThan(ksCritical(1e-3));
  }
}

// Every pair of arrays uncorrelated at |z| < zMax.
function expectPairwiseUncorrelated(scaled: Float64Array[]) {
  for (let i = 0; i < scaled.length; i++)
    for (let j = i + 1; j < scaled.length; j++) expect(Math.abs(correlation(scaled[i]!, scaled[j]!)) * Math.sqrt(n)).toBeLessThan(zMax);
}

// RMS of (the path's Lévy area over [a, b]) − (its definition H = (1/h)∫(W_u − W_a) du − W/2 by the
// trapezoid rule on 512 sub-increments), over 200 particles, in units of sd(H) = √(h/12). The
// quadrature error of a Brownian path is O(h/√m) in RMS: the tests check it at 5 %.
function areaQuadratureError(a: number, b: number, where: { span?: number; tree?: Parameters<typeof brownianIncrements>[0]['tree'] }) {
  const m = 512, k = 200, h = b - a;
  const draw = (lo: number, hi: number) => brownianIncrements({ seed, a: lo, b: hi, n: k, d: 1, ...where });
  const whole = draw(a, b);
  const times = Array.from({ length: m + 1 }, (_, i) => (i === m ? b : a + (h * i) / m));
  const parts = Array.from({ length: m }, (_, i) => ({ w: draw(times[i]!, times[i + 1]!).w.data, len: times[i + 1]! - times[i]! }));
  let err2 = 0;
  for (let p = 0; p < k; p++) {
    let w = 0, integral = 0;
    for (const f of parts) {
      integral += f.len * (w + 0.5 * f.w[p]!);
      w += f.w[p]!;
    }
    err2 += (integral / h - w / 2 - whole.h.data[p]!) ** 2;
  }
  return Math.sqrt(err2 / k) / Math.sqrt(h / 12);
}

// A non-dyadic partition with a short piece, a piece straddling the midpoint and one ending at span.
const partition = [0, 0.0137, 0.4, 0.851, 0.9, 1.31, span];

describe('increments over a partition', () => {
  const inc = increments(partition);
  const scaled = inc.flatMap(({ w, h, len }) => [Float64Array.from(w, (x) => x / Math.sqrt(len)), Float64Array.from(h, (x) => x / Math.sqrt(len / 12))]);

  it('are N(0, Δt) and the areas N(0, Δt/12): mean, variance, Kolmogorov–Smirnov', () => {
    expectStandardNormals(scaled);
  });

  it('are independent of each other and of the areas (all pairwise correlations)', () => {
    expectPairwiseUncorrelated(scaled);
  });

  it('Lévy area matches its definition on a fine sub-partition (Riemann sum of the path)', () => {
    expect(areaQuadratureError(0.4, 0.851, { span })).toBeLessThan(0.05);
  });
});

describe('refinement', () => {
  it('leaves every coarse increment equal to the sum of its fine ones, and the area to their join', () => {
    const coarse = [0, 0.3, 0.9999, span];
    const fine = [0, 0.1, 0.2000001, 0.3, 0.5, 0.85, 0.9999, 1.2, 1.6999, span];
    const k = 500;
    const c = increments(coarse, { n: k, d: 3 });
    const f = increments(fine, { n: k, d: 3 });
    const groups = [[0, 3], [3, 6], [6, 9]];
    groups.forEach(([lo, hi], ci) => {
      for (let q = 0; q < k * 3; q++) {
        // join: W = ΣW_i; ∫(W_u − W_a)du = Σ [len_i (H_i + W_i/2) + len_i · (W before piece i)]
        let w = 0, integral = 0, len = 0;
        for (let i = lo!; i < hi!; i++) {
          integral += f[i]!.len * (f[i]!.h[q]! + 0.5 * f[i]!.w[q]!) + f[i]!.len * w;
          w += f[i]!.w[q]!;
          len += f[i]!.len;
        }
        expect(Math.abs(w - c[ci]!.w[q]!)).toBeLessThan(1e-12);
        expect(Math.abs(integral / len - w / 2 - c[ci]!.h[q]!)).toBeLessThan(1e-11);
      }
    });
  });
});

describe('reproducibility', () => {
  it('is a pure function of (seed, particle, coordinate, interval): batch splits give the same bits', () => {
    const all = brownianIncrements({ seed, span, a: 0.2, b: 1.1, n: 300, d: 5 });
    const tail = brownianIncrements({ seed, span, a: 0.2, b: 1.1, n: 100, d: 5, firstParticle: 200 });
    expect(Buffer.from((all.w.data as Float64Array).buffer, 200 * 5 * 8).equals(Buffer.from((tail.w.data as Float64Array).buffer))).toBe(true);
    expect(Buffer.from((all.h.data as Float64Array).buffer, 200 * 5 * 8).equals(Buffer.from((tail.h.data as Float64Array).buffer))).toBe(true);
    const wide = brownianIncrements({ seed, span, a: 0.2, b: 1.1, n: 300, d: 7 });
    for (let p = 0; p < 300; p++) for (let j = 0; j < 5; j++) expect(wide.w.data[p * 7 + j]).toBe(all.w.data[p * 5 + j]);
    const other = brownianIncrements({ seed: seed + 1, span, a: 0.2, b: 1.1, n: 300, d: 5 });
    expect(Math.abs(correlation(all.w.data, other.w.data))).toBeLessThan(0.2);
  });

  it("sample(noise: 'path') is the same for 1 and 2 threads, split batches, and float32 to its precision", async () => {
    const base = { target: gaussianTarget({ mean: [0.5, -1, 2], variances: [1, 0.3, 2] }), process: 'vp' as const, steps: 13, n: 200, seed: 5, noise: 'path' as const };
    for (const sampler of ['euler-maruyama', 'randomized-midpoint', 'local-linearization'] as const) {
      setThreads(1);
      const one = (await sample({ ...base, sampler })).samples.data;
      setThreads(2);
      const two = (await sample({ ...base, sampler })).samples.data;
      const tail = (await sample({ ...base, sampler, n: 80, firstParticle: 120 })).samples.data;
      const f32 = (await sample({ ...base, sampler, dtype: 'float32' })).samples.data;
      setThreads(0);
      expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
      expect(Buffer.from(tail.buffer).equals(Buffer.from(one.buffer, 120 * 3 * 8))).toBe(true);
      // float32 stores the state between steps in float32 (arithmetic and noise stay float64).
      for (let i = 0; i < one.length; i++) expect(Math.abs(f32[i]! - one[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(one[i]!)));
      const step = (await sample({ ...base, sampler, noise: 'step' })).samples.data;
      expect(Buffer.from(step.buffer).equals(Buffer.from(one.buffer))).toBe(false);
    }
  });
});

describe('the sampler consumes the path', () => {
  // With a zero score on `ve` (f = 0), Euler–Maruyama and randomized midpoint both give
  // x_N = x_0 + Σ_k g(t_k) ΔW_k, ΔW_k the path's increment over σ ∈ [T − t_k, T − t_{k+1}].
  const d = 2, m = 50, steps = 7, T = 80;
  const x0 = new Float64Array(m * d).fill(0.25);
  const zero = (_t: number | Float64Array, _x: Float64Array | Float32Array, _n: number, _d: number, out: Float64Array | Float32Array) => out.fill(0);
  it.each([
    ['euler-maruyama', 'uniform'],
    ['randomized-midpoint', 'uniform'],
    ['euler-maruyama', 'karras'],
  ] as const)('%s on a %s grid: x_N − x_0 = Σ g(t_k) ΔW_k to round-off', (sampler, kind) => {
    const run = sampleSync({ score: zero, d, process: 've', sampler, grid: kind, steps, n: m, x0, seed: 9, noise: 'path' });
    const grid = run.grid;
    const span = T - grid[steps]!;
    const expected = new Float64Array(m * d).fill(0.25);
    for (let k = 0; k < steps; k++) {
      const g = Math.sqrt(2 * grid[k]!); // ve: σ(t)² = t², g² = 2t
      // A run's path is the tree of its grid kind laid out for its step count (odd part 7 here).
      const tree = { tree: { process: 've' as const, kind, steps } };
      const inc = brownianIncrements({ seed: 9, span, a: T - grid[k]!, b: T - grid[k + 1]!, n: m, d, ...tree });
      for (let q = 0; q < m * d; q++) expected[q] += g * inc.w.data[q]!;
    }
    for (let q = 0; q < m * d; q++) expect(Math.abs(run.samples.data[q]! - expected[q]!)).toBeLessThan(1e-9 * (1 + Math.abs(expected[q]!)));
  });
});

describe('the tree of a grid kind (karras, logsnr)', () => {
  // ve with T = 80: a karras grid's steps run from ~25 down to ~1e-3 in t (σ = T − t).
  const cases = [
    { process: 've' as const, kind: 'karras' as const },
    { process: 'vp' as const, kind: 'logsnr' as const },
  ];
  for (const tree of cases) {
    const fine = timeGrid(tree.process, { kind: tree.kind, steps: 64 });
    const T = fine[0]!;
    const sigma = (t: number) => T - t;
    const inc = (grid: ArrayLike<number>, k: number, m: number, d = 1) =>
      brownianIncrements({ seed, a: sigma(grid[k]!), b: sigma(grid[k + 1]!), n: m, d, tree });

    it(`${tree.process} ${tree.kind}: increments over a non-dyadic partition are N(0, Δt), areas N(0, Δt/12), all independent`, () => {
      const grid = timeGrid(tree.process, { kind: tree.kind, steps: 5 }); // 5 steps: every time bridged inside a leaf
      const scaled: Float64Array[] = [];
      for (let k = 0; k < 5; k++) {
        const len = grid[k]! - grid[k + 1]!;
        const r = inc(grid, k, n);
        scaled.push(Float64Array.from(r.w.data, (x) => x / Math.sqrt(len)), Float64Array.from(r.h.data, (x) => x / Math.sqrt(len / 12)));
      }
      expectStandardNormals(scaled);
      expectPairwiseUncorrelated(scaled);
    });

    it(`${tree.process} ${tree.kind}: the grid at N = 8 is nested in N = 64 — each coarse (W, H) is the join of its 8 fine ones`, () => {
      const coarse = timeGrid(tree.process, { kind: tree.kind, steps: 8 });
      const k = 300;
      for (let c = 0; c < 8; c++) {
        expect(Math.abs(coarse[c]! - fine[8 * c]!)).toBeLessThan(1e-12 * T);
        const C = inc(coarse, c, k);
        const pieces = Array.from({ length: 8 }, (_, i) => ({ r: inc(fine, 8 * c + i, k), len: fine[8 * c + i]! - fine[8 * c + i + 1]! }));
        const len = coarse[c]! - coarse[c + 1]!;
        for (let q = 0; q < k; q++) {
          let w = 0, integral = 0;
          for (const p of pieces) {
            integral += p.len * (p.r.h.data[q]! + 0.5 * p.r.w.data[q]!) + p.len * w;
            w += p.r.w.data[q]!;
          }
          const scale = Math.sqrt(len);
          expect(Math.abs(w - C.w.data[q]!)).toBeLessThan(1e-12 * (1 + scale));
          expect(Math.abs(integral / len - w / 2 - C.h.data[q]!)).toBeLessThan(1e-10 * (1 + scale));
        }
      }
    });

    it(`${tree.process} ${tree.kind}: the Lévy area matches its definition on a fine sub-partition`, () => {
      // Over one coarse step of the N = 8 grid, as on the uniform tree.
      const coarse = timeGrid(tree.process, { kind: tree.kind, steps: 8 });
      expect(areaQuadratureError(sigma(coarse[3]!), sigma(coarse[4]!), { tree })).toBeLessThan(0.05);
    });
  }

  it('refuses a bad tree with a typed error before any work', () => {
    const base = { seed, a: 0.1, b: 0.5, n: 4, d: 1 };
    expect(() => brownianIncrements({ ...base, span: 3, tree: { process: 'vp', kind: 'karras' } })).toThrow(/span must be T − tEnd/);
    expect(() => brownianIncrements({ ...base, tree: { process: 'vp', kind: 'bogus' as 'karras' } })).toThrow(/tree.kind/);
    expect(() => brownianIncrements({ ...base, tree: { process: 'vp', kind: 'karras', rho: -1 } })).toThrow(/rho/);
    expect(() => brownianIncrements({ ...base, tree: { process: 'vp', kind: 'logsnr', tEnd: 0 } })).toThrow(/tEnd > 0/);
    expect(() => brownianIncrements({ ...base })).toThrow(/span/);
  });

  it('coupled errors on a ve karras grid (references of 1024–2048 steps) run and fall with N', async () => {
    const target = gaussianTarget({ mean: [0.5, -1], variances: [1, 0.3] });
    const rms: number[] = [];
    for (const steps of [8, 16, 32]) rms.push((await coupledError({ target, process: 've', grid: 'karras', sampler: 'euler-maruyama', steps, n: 300, seed: 1 })).rms);
    expect(rms[1]!).toBeLessThan(0.7 * rms[0]!);
    expect(rms[2]!).toBeLessThan(0.7 * rms[1]!);
  });

  it('a ve karras grid of 4096 steps (steps far below 2^-20 of σ) runs with path noise', () => {
    const zero = (_t: number | Float64Array, _x: Float64Array | Float32Array, _n: number, _d: number, out: Float64Array | Float32Array) => out.fill(0);
    const run = sampleSync({ score: zero, d: 1, process: 've', sampler: 'euler-maruyama', grid: 'karras', steps: 4096, n: 16, x0: new Float64Array(16), seed: 3, noise: 'path' });
    expect(run.grid[4095]! - run.grid[4096]!).toBeLessThan(80 * 2 ** -20);
    expect(run.samples.data.every(Number.isFinite)).toBe(true);
  });
});

describe('a tree laid out for N = m·2^j steps (uniform N = 100: m = 25 pieces)', () => {
  const tree = { process: 'vp' as const, kind: 'uniform' as const, steps: 100 };
  const grid100 = timeGrid('vp', { kind: 'uniform', steps: 100 });
  const grid400 = timeGrid('vp', { kind: 'uniform', steps: 400 });
  const T = grid100[0]!;
  const inc = (grid: ArrayLike<number>, k: number, m: number) => brownianIncrements({ seed, a: T - grid[k]!, b: T - grid[k + 1]!, n: m, d: 1, tree });

  it('increments over its grid are N(0, Δt), areas N(0, Δt/12), all independent', () => {
    const scaled: Float64Array[] = [];
    for (const k of [0, 1, 3, 4, 37, 50, 63, 96, 99]) {
      const len = grid100[k]! - grid100[k + 1]!;
      const r = inc(grid100, k, n);
      scaled.push(Float64Array.from(r.w.data, (x) => x / Math.sqrt(len)), Float64Array.from(r.h.data, (x) => x / Math.sqrt(len / 12)));
    }
    expectStandardNormals(scaled);
    expectPairwiseUncorrelated(scaled);
  });

  it('N = 100 is nested in N = 400 (same odd part): each (W, H) is the join of its 4 fine ones', () => {
    const k = 200;
    for (const c of [0, 24, 25, 61, 99]) {
      const C = inc(grid100, c, k);
      const len = grid100[c]! - grid100[c + 1]!;
      let w = new Float64Array(k), integral = new Float64Array(k);
      for (let i = 0; i < 4; i++) {
        const f = inc(grid400, 4 * c + i, k), fl = grid400[4 * c + i]! - grid400[4 * c + i + 1]!;
        for (let q = 0; q < k; q++) {
          integral[q] += fl * (f.h.data[q]! + 0.5 * f.w.data[q]!) + fl * w[q]!;
          w[q] += f.w.data[q]!;
        }
      }
      for (let q = 0; q < k; q++) {
        expect(Math.abs(w[q]! - C.w.data[q]!)).toBeLessThan(1e-12);
        expect(Math.abs(integral[q]! / len - w[q]! / 2 - C.h.data[q]!)).toBeLessThan(1e-10);
      }
    }
  });

  it('the Lévy area of a step matches its definition on a fine sub-partition', () => {
    expect(areaQuadratureError(T - grid100[40]!, T - grid100[41]!, { tree })).toBeLessThan(0.05);
  });

  it("a sampler at N = 100 and one at pathSteps = 6400 share that tree (coupledError's default reference)", () => {
    const zero = (_t: number | Float64Array, _x: Float64Array | Float32Array, _n: number, _d: number, out: Float64Array | Float32Array) => out.fill(0);
    const m = 40;
    const x0 = new Float64Array(m);
    const a = sampleSync({ score: zero, d: 1, process: 've', sampler: 'euler-maruyama', grid: 'uniform', steps: 100, n: m, x0, seed: 4, noise: 'path' });
    const b = sampleSync({ score: zero, d: 1, process: 've', sampler: 'euler-maruyama', grid: 'uniform', steps: 100, n: m, x0, seed: 4, noise: 'path', pathSteps: 6400 });
    expect(Buffer.from((a.samples.data as Float64Array).buffer).equals(Buffer.from((b.samples.data as Float64Array).buffer))).toBe(true);
    const c = sampleSync({ score: zero, d: 1, process: 've', sampler: 'euler-maruyama', grid: 'uniform', steps: 100, n: m, x0, seed: 4, noise: 'path', pathSteps: 64 });
    expect(Buffer.from((a.samples.data as Float64Array).buffer).equals(Buffer.from((c.samples.data as Float64Array).buffer))).toBe(false);
  });
});
