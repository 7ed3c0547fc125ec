// A Gaussian study whose table has invalid rows (ddpm needs h·g(t_k)² < 1 at every step, false on a
// coarse uniform vp grid) keeps them as explained rows and fits the order on the valid ones only.
import { describe, expect, it } from 'vitest';
import type { StudyConfig } from '../lib/study/config.js';
import { study } from '../lib/study/run.js';

const config: StudyConfig = {
  name: 'ddpm with invalid coarse rows',
  target: { type: 'gaussian', eigenvalues: { powerLaw: { d: 8, exponent: 1 } } },
  process: { name: 'vp' },
  grid: 'uniform',
  samplers: ['ddpm'],
  steps: [5, 160, 320, 640, 1280],
  fitLastPoints: 4,
};

describe('studies with invalid rows', () => {
  it('fit the order on the valid rows and keep the invalid one explained', async () => {
    const r = await study(config);
    const rows = r.rows.filter((x) => x.kind === 'gaussian') as { steps: number; invalid?: string; discretization: number }[];
    const coarse = rows.find((x) => x.steps === 5)!;
    expect(coarse.invalid).toMatch(/h·g/);
    const fit = r.orders.find((o) => o.sampler === 'ddpm')!;
    expect(fit.vsNfe).not.toBeNull();
    expect(fit.vsNfe!.order).toBeGreaterThan(0.9);
    expect(fit.vsNfe!.order).toBeLessThan(1.1);
  });
});
