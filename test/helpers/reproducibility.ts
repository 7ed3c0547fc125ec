/**
 * The promise every sampler keeps: samples depend on (seed, particle) only. One check, used by every
 * suite that runs a sampler: 1 vs 2 threads, and one batch vs two (split at `split`, the second with
 * firstParticle = split), compared bit for bit. Returns the one-thread samples for further checks.
 */
import { expect } from 'vitest';
import { sampleSync, setThreads, type SampleOptions } from '../../lib/index.js';

type Samples = Float64Array | Float32Array;

const bytes = (a: Samples) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

export function expectThreadAndSplitInvariant(options: SampleOptions, split: number): Samples {
  const n = options.n!;
  try {
    setThreads(1);
    const one = sampleSync(options).samples.data as Samples;
    setThreads(2);
    const two = sampleSync(options).samples.data as Samples;
    expect(bytes(two).equals(bytes(one)), '1 vs 2 threads').toBe(true);
    const a = sampleSync({ ...options, n: split }).samples.data as Samples;
    const b = sampleSync({ ...options, n: n - split, firstParticle: split }).samples.data as Samples;
    const joined = new (one.constructor as Float64ArrayConstructor)(one.length);
    joined.set(a, 0);
    joined.set(b, a.length);
    expect(bytes(joined).equals(bytes(one)), `one batch vs two (split at ${split})`).toBe(true);
    return one;
  } finally {
    setThreads(0);
  }
}
