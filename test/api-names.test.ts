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
