/**
 * The k-diffusion-family samplers: typed errors for bad options (before any work), the CUDA
 * backend's typed refusal of multistep schemes, and bit-reproducibility of runs that carry a
 * history across thread counts and batch splits.
 */
import { describe, expect, it } from 'vitest';
import { gaussianRecursion, gaussianTarget, InvalidArgumentError, sampleSync, setThreads, UnsupportedError, type SampleOptions } from '../lib/index.js';
import { expectThreadAndSplitInvariant } from './helpers/reproducibility.js';

const target = gaussianTarget({ mean: [0.3, -0.4, 1], variances: [0.5, 1.3, 0.2] });
const base: SampleOptions = { target, steps: 8, n: 4, seed: 1 };

describe('bad options are typed errors', () => {
  const cases: [string, Partial<SampleOptions>, RegExp][] = [
    ['η < 0 (euler-ancestral)', { sampler: 'euler-ancestral', eta: -0.1 }, /eta must be >= 0/],
    ['η < 0 (dpmpp-2m-sde)', { sampler: 'dpmpp-2m-sde', eta: -1 }, /eta must be >= 0/],
    ['η > 1 for ddim', { sampler: 'ddim', eta: 1.5 }, /\[0, 1\]/],
    ['η for a sampler without one', { sampler: 'dpmpp-2m', eta: 0.5 }, /eta applies to/],
    ['S_churn < 0', { sampler: 'edm', sChurn: -1 }, /sChurn must be >= 0/],
    ['S_tmax < S_tmin', { sampler: 'edm', sChurn: 1, sTmin: 2, sTmax: 1 }, /sTmax/],
    ['S_churn for another sampler', { sampler: 'heun', sChurn: 1 }, /applies to the 'edm' sampler only/],
    ['s_noise < 0', { sampler: 'euler-ancestral', sNoise: -0.5 }, /sNoise must be >= 0/],
    ['unipc order 4', { sampler: 'unipc', order: 4 }, /order must be an integer in \[1, 3\]/],
    ['unipc order 3 with 2 steps', { sampler: 'unipc', order: 3, steps: 2 }, /order 3 needs at least 3 steps/],
    ['unipc variant', { sampler: 'unipc', variant: 'bh3' as 'bh1' }, /variant must be/],
    ['lms order 5', { sampler: 'lms', order: 5 }, /\[1, 4\]/],
    ['order for a sampler without one', { sampler: 'dpmpp-2m', order: 2 }, /order applies to/],
    ['dpm-adaptive order 1', { sampler: 'dpm-adaptive', order: 1 }, /\[2, 3\]/],
    ['dpm-adaptive rtol 0', { sampler: 'dpm-adaptive', rtol: 0 }, /rtol must be > 0/],
    ['dpm-adaptive to t = 0', { sampler: 'dpm-adaptive', tEnd: 0 }, /t_end > 0/],
    ['dpm-adaptive with a trajectory', { sampler: 'dpm-adaptive', trajectory: [0] }, /trajectory is not available/],
    ['rtol for another sampler', { sampler: 'dpmpp-2m', rtol: 0.1 }, /applies to the 'dpm-adaptive' sampler only/],
  ];
  for (const [what, o, message] of cases)
    it(what, () => {
      let error: unknown;
      try {
        sampleSync({ ...base, ...o });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toMatch(message);
    });

  it('stepPlan of a multistep scheme needs its grid (typed error) and shows the history it reads and writes', async () => {
    const { stepPlan } = await import('../lib/index.js');
    expect(() => stepPlan('dpmpp-2m', 'vp', 0.5, 0.25)).toThrow(InvalidArgumentError);
    const grid = [1, 0.5, 0.25, 0.1];
    const first = stepPlan('dpmpp-2m', 'vp', 1, 0.5, { grid });
    const second = stepPlan('dpmpp-2m', 'vp', 0.5, 0.25, { grid });
    expect(first.historyRead).toBe(0);
    expect(second.historyRead).toBe(1);
    expect(second.output.history[0]).not.toBe(0);
    expect(second.save.length).toBe(1);
  });

  it('the analysis applies the same checks', () => {
    expect(() => gaussianRecursion({ eigenvalues: [1], sampler: 'unipc', steps: 2, order: 3 })).toThrow(InvalidArgumentError);
    expect(() => gaussianRecursion({ eigenvalues: [1], sampler: 'edm', steps: 4, sChurn: -2 })).toThrow(InvalidArgumentError);
    expect(() => gaussianRecursion({ eigenvalues: [1], sampler: 'euler-ancestral', steps: 4, eta: -1 })).toThrow(InvalidArgumentError);
  });

  it("device 'cuda' refuses multistep samplers and edm with a typed error naming them", () => {
    for (const sampler of ['dpmpp-2m', 'unipc', 'lms', 'edm'] as const)
      expect(() => sampleSync({ ...base, sampler, device: 'cuda' })).toThrow(UnsupportedError);
    expect(() => sampleSync({ ...base, sampler: 'dpmpp-2m', device: 'cuda' })).toThrow(/multistep/);
  });
});

describe('runs with a history are bit-reproducible', () => {
  it('dpm-adaptive: 1 vs 2 threads (its grid depends on the whole batch, as in k-diffusion)', () => {
    const o: SampleOptions = { target, sampler: 'dpm-adaptive', n: 300, seed: 4, rtol: 0.01, atol: 0.002 };
    setThreads(1);
    const one = sampleSync(o);
    setThreads(2);
    const two = sampleSync(o);
    setThreads(0);
    expect(Buffer.from(two.samples.data.buffer).equals(Buffer.from(one.samples.data.buffer))).toBe(true);
    expect(two.grid).toEqual(one.grid);
    expect(one.nfe).toBe(3 * (one.accepted! + one.rejected!));
    expect(one.grid.length - 1).toBe(one.accepted);
  });

  for (const sampler of ['dpmpp-2m-sde', 'unipc', 'edm'] as const)
    for (const dtype of ['float64', 'float32'] as const)
      it(`${sampler} ${dtype}: 1 vs 2 threads, one batch vs two`, () => {
        const o: SampleOptions = { target, sampler, steps: 7, n: 300, seed: 4, dtype, grid: 'karras', ...(sampler === 'edm' ? { sChurn: 3 } : {}) };
        expectThreadAndSplitInvariant(o, 123);
      });
});
