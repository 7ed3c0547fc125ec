/** `dw2 coupled`: a sampler's pathwise (coupled) error against a fine-grid reference, at one or more step counts. */
import { coupledError, defaultReference, pathwiseOrder, resolveCoupledReference, type CoupledErrorResult } from '../coupled.js';
import { InvalidArgumentError } from '../errors.js';
import type { GridKind, PriorName, SamplerName } from '../process.js';
import { readTargetFile } from '../targets.js';
import { integerOption, numberListOption, numberOption, parseCommand, processFlags, processFromFlags, stringOption } from './args.js';

export const usage = `dw2 coupled --target FILE.json [--process NAME …] [--t-end X] --sampler NAME [--eta X] --steps N[,N…]
           [--reference NAME] [--reference-steps N] [--grid uniform|karras|logsnr] [--prior NAME]
           --n N [--seed S] [--level X] [--json]
  Runs the sampler and a reference on a finer grid from the same starting points and the same Brownian
  path, and prints the RMS distance (E|X_N − X_ref|²)^½ with a confidence interval: an upper bound on
  W2(sampler, reference) with no sampling floor. Default reference: rk4 at max(256, 16N) steps for ODE
  samplers, euler-maruyama at max(1024, 64N) for SDE samplers (N the largest step count). With several
  step counts it also prints the slope between consecutive ones and the declared pathwise order.`;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, {
    target: { type: 'string' },
    ...processFlags,
    't-end': { type: 'string' },
    sampler: { type: 'string' },
    eta: { type: 'string' },
    steps: { type: 'string' },
    reference: { type: 'string' },
    'reference-steps': { type: 'string' },
    grid: { type: 'string' },
    prior: { type: 'string' },
    n: { type: 'string' },
    seed: { type: 'string' },
    level: { type: 'string' },
    json: { type: 'boolean' },
  });
  const targetPath = stringOption(values.target, 'target');
  if (!targetPath) throw new InvalidArgumentError('--target FILE.json is required');
  const steps = numberListOption(values.steps, 'steps');
  if (!steps || steps.length === 0) throw new InvalidArgumentError('--steps N[,N…] is required');
  const n = integerOption(values.n, 'n');
  if (n === undefined) throw new InvalidArgumentError('--n N is required');
  const sampler = (stringOption(values.sampler, 'sampler') ?? 'euler-maruyama') as SamplerName;
  const eta = numberOption(values.eta, 'eta');
  const largest = Math.max(...steps);
  const fallback = defaultReference(sampler, eta ?? 0, steps);
  const reference = {
    sampler: (stringOption(values.reference, 'reference') ?? fallback.sampler) as SamplerName,
    steps: integerOption(values['reference-steps'], 'reference-steps') ?? fallback.steps,
  };
  const target = readTargetFile(targetPath);
  const process = processFromFlags(values);
  const common = {
    target,
    process,
    sampler,
    eta,
    grid: (stringOption(values.grid, 'grid') ?? 'uniform') as GridKind,
    tEnd: numberOption(values['t-end'], 't-end'),
    prior: (stringOption(values.prior, 'prior') ?? 'normal') as PriorName,
    n,
    seed: integerOption(values.seed, 'seed') ?? 0,
    level: numberOption(values.level, 'level'),
    reference,
  };
  // Every step count is checked against the reference before any work.
  resolveCoupledReference({ sampler, eta, steps: largest, process }, reference);
  const results: CoupledErrorResult[] = [];
  for (const N of [...steps].sort((a, b) => a - b)) results.push(await coupledError({ ...common, steps: N }));
  const rows = results.map((r, i) => ({
    steps: r.steps,
    nfe: r.nfe,
    rms: r.rms,
    interval: r.interval,
    slope: i === 0 ? null : Math.log(results[i - 1]!.rms / r.rms) / Math.log(r.steps / results[i - 1]!.steps),
  }));
  const order = pathwiseOrder(sampler, eta);
  if (values.json) {
    console.log(JSON.stringify({ sampler, pathwiseOrder: order, reference: results[0]!.reference, level: results[0]!.level, n, rows }));
    return;
  }
  const ref = results[0]!.reference;
  console.log(`${sampler} against ${ref.sampler} at ${ref.steps} steps (same x_T and Brownian path, n = ${n}); declared pathwise order ${order}`);
  console.log(['steps', 'NFE', 'coupled RMS', `${Math.round(results[0]!.level * 100)} % interval`, 'slope'].join('\t'));
  for (const r of rows)
    console.log([r.steps, r.nfe, r.rms.toExponential(3), `[${r.interval[0].toExponential(2)}, ${r.interval[1].toExponential(2)}]`, r.slope === null ? '' : r.slope.toFixed(2)].join('\t'));
}
