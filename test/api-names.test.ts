import { describe, expect, it } from 'vitest';
import { empiricalTarget, gaussianMoments, normalsSync, targetMoments } from '../lib/index.js';

describe('moment names', () => {
  it('gaussianMoments and targetMoments both return { mean, covariance } and agree on an empirical measure', () => {
    const x = normalsSync({ seed: 5, n: 40, d: 3 });
    const cloud = gaussianMoments(x);
    const target = targetMoments(empiricalTarget(x));
    expect(cloud.cov).toBe(cloud.covariance); // the deprecated alias is the same array
    expect(cloud.covariance.shape).toEqual([3, 3]);
    // Two code paths (the OT moments kernel, the target's closed-form moments) for the same measure.
    for (let k = 0; k < 3; k++) expect(cloud.mean[k]).toBeCloseTo(target.mean[k]!, 12);
    for (let k = 0; k < 9; k++) expect(cloud.covariance.data[k]).toBeCloseTo(target.covariance.data[k]!, 12);
  });
});

describe('measurePriorError accepts the library w2', () => {
  it('as a W2Function, with the same value as the default and as a number-returning wrapper', async () => {
    const { diffuseData, fitOtPrior, gmmTarget, measurePriorError, sampleMarginalSync, w2, w2Sync } = await import('../lib/index.js');
    const target = gmmTarget({ weights: [0.75, 0.25], means: [[-0.9, 0], [2.7, 0]], variances: [[0.05, 0.2], [0.05, 0.2]] });
    const data = sampleMarginalSync(target, 'vp', 0, { n: 60, seed: 0 });
    const prior = await fitOtPrior({ data, process: 'vp', seed: 1, tolerance: 0.5, maxIterations: 500, allowNotConverged: true });
    const pT = diffuseData(sampleMarginalSync(target, 'vp', 0, { n: 80, seed: 9 }), 'vp', { seed: 2 });
    const byDefault = await measurePriorError(prior, { pT, seed: 3 });
    const library = await measurePriorError(prior, { pT, seed: 3, w2 });
    const wrapped = await measurePriorError(prior, { pT, seed: 3, w2: (a, b) => w2Sync(a, b).w2 });
    expect(library.w2).toEqual(byDefault.w2);
    expect(wrapped.w2).toEqual(byDefault.w2);
    expect(typeof library.w2.mapped).toBe('number');
    await expect(measurePriorError(prior, { pT, seed: 3, w2: () => Number.NaN })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
