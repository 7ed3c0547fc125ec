/** `dw2 sample`: draws samples from an analytic target with one of the samplers; writes n × d .npy. */
import { writeNpy } from '../npy.js';
import type { PriorName, SamplerName, GridKind } from '../process.js';
import { loadOtPrior } from '../ot-prior.js';
import { sample, type PriorInput } from '../sample.js';
import { readTargetFile } from '../targets.js';
import { InvalidArgumentError } from '../errors.js';
import type { Device } from '../device.js';
import { integerOption, numberOption, parseCommand, processFlags, processFromFlags, stringOption } from './args.js';
import { progressBar } from './progress.js';
import { modelFlags, modelFromFlags, modelUsage } from './model-flags.js';
import { samplerFlags, samplerFlagsUsage, samplerOptionsFromFlags } from './sampler-flags.js';

export const usage = `dw2 sample --target FILE.json --process NAME [--beta-min X --beta-max X --beta X] [--T X] [--t-end X]
           --sampler NAME [sampler options] --steps N [--grid uniform|karras|logsnr] [--rho X] [--prior NAME]
           [--prior ot-semidiscrete --prior-file PRIOR_PREFIX [--soft] [--tau X]]
           --n N [--seed S] [--noise step|path] [--dtype float32|float64] [--hessian auto|dense|krylov] [--device cpu|cuda|auto]
           --out FILE.npy [--json]
  Samples the target with the given process and scheme (defaults: process vp, sampler euler-maruyama,
  grid uniform, prior normal, seed 0, t_end the process's, device cpu). --device cuda steps the particles on an
  NVIDIA GPU (CUDA build; gaussian and gmm targets, non-Hessian samplers). Target files:
  {"type":"gaussian","mean":[…],"cov":[[…]]}, {"type":"gmm","weights":[…],"means":[[…]],"covs":[[[…]]]},
  {"type":"empirical","data":"points.npy"}. --prior ot-semidiscrete starts from a fitted OT prior
  (dw2 ot-prior fit): the hard map, or the τ-smoothed map with --soft; its process and T must match.
  Particles that blow up are counted: a warning, and "diverged": { particles, firstStep } with --json.
  Instead of --target: ${modelUsage}
  --model samples with a score network through ONNX Runtime (optional peer dependency onnxruntime-node):
  its output is converted to the score by --parameterization (default eps) and it is fed time as
  --time-input (default t); the inputs are found by shape unless named.
  --noise path drives the run with one Brownian path per particle, shared by every step count (see dw2 coupled).
${samplerFlagsUsage}`;

/** --prior NAME, or --prior ot-semidiscrete --prior-file PREFIX [--soft] [--tau X] (a fitted, saved OT prior). */
function priorFromOptions(name: string | undefined, file: string | undefined, soft: boolean, tau: number | undefined): PriorInput {
  const ot = name === 'ot-semidiscrete' || (name === undefined && file !== undefined);
  if (!ot) {
    if (file !== undefined) throw new InvalidArgumentError(`--prior-file applies to --prior ot-semidiscrete, not --prior ${name}`);
    if (soft || tau !== undefined) throw new InvalidArgumentError('--soft and --tau apply to --prior ot-semidiscrete only');
    return (name ?? 'normal') as PriorName;
  }
  if (file === undefined) throw new InvalidArgumentError('--prior ot-semidiscrete needs --prior-file PRIOR_PREFIX (written by dw2 ot-prior fit)');
  if (tau !== undefined && !soft) throw new InvalidArgumentError('--tau is the soft map\'s temperature: add --soft');
  return { kind: 'ot-semidiscrete', prior: loadOtPrior(file), soft, tau };
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, {
    target: { type: 'string' },
    ...modelFlags,
    ...processFlags,
    't-end': { type: 'string' },
    sampler: { type: 'string' },
    ...samplerFlags,
    steps: { type: 'string' },
    grid: { type: 'string' },
    rho: { type: 'string' },
    prior: { type: 'string' },
    'prior-file': { type: 'string' },
    soft: { type: 'boolean' },
    tau: { type: 'string' },
    n: { type: 'string' },
    seed: { type: 'string' },
    noise: { type: 'string' },
    dtype: { type: 'string' },
    hessian: { type: 'string' },
    device: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  });
  const targetPath = stringOption(values.target, 'target');
  if ((targetPath === undefined) === (values.model === undefined)) throw new InvalidArgumentError('give one of --target FILE.json and --model FILE.onnx');
  const out = stringOption(values.out, 'out');
  if (!out) throw new InvalidArgumentError('--out FILE.npy is required');
  const target = targetPath === undefined ? undefined : readTargetFile(targetPath);
  const model = await modelFromFlags(values);
  const process = processFromFlags(values);
  const steps = integerOption(values.steps, 'steps');
  if (steps === undefined) throw new InvalidArgumentError('--steps N is required');
  const n = integerOption(values.n, 'n');
  if (n === undefined) throw new InvalidArgumentError('--n N is required');
  const seedText = stringOption(values.seed, 'seed');
  let seed: number | bigint = 0;
  if (seedText !== undefined) {
    if (!/^\d+$/.test(seedText)) throw new InvalidArgumentError(`--seed must be a non-negative integer, got '${seedText}'`);
    seed = BigInt(seedText) <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(seedText) : BigInt(seedText);
  }
  const prior = priorFromOptions(stringOption(values.prior, 'prior'), stringOption(values['prior-file'], 'prior-file'), values.soft === true, numberOption(values.tau, 'tau'));
  const sampler = (stringOption(values.sampler, 'sampler') ?? 'euler-maruyama') as SamplerName;
  const bar = values.json ? undefined : progressBar('sample');
  const r = await sample({
    target,
    model,
    process,
    sampler,
    ...samplerOptionsFromFlags(values),
    steps,
    grid: (stringOption(values.grid, 'grid') ?? 'uniform') as GridKind,
    rho: numberOption(values.rho, 'rho'),
    tEnd: numberOption(values['t-end'], 't-end'),
    prior,
    n,
    seed,
    noise: stringOption(values.noise, 'noise') as 'step' | 'path' | undefined,
    dtype: (stringOption(values.dtype, 'dtype') ?? 'float64') as 'float64' | 'float32',
    hessian: stringOption(values.hessian, 'hessian') as 'auto' | 'dense' | 'krylov' | undefined,
    device: stringOption(values.device, 'device') as Device | undefined,
    onProgress: bar?.update,
  });
  bar?.done();
  await model?.release();
  writeNpy(out, r.samples);
  const summary = {
    sampler: r.sampler,
    process: process.name,
    steps: r.steps,
    nfe: r.nfe,
    hvps: r.hvps,
    fallbackSteps: r.fallbackSteps,
    n: r.n,
    d: r.d,
    seed: typeof seed === 'bigint' ? seed.toString() : seed,
    prior: typeof prior === 'string' ? prior : 'ot-semidiscrete',
    T: r.grid[0],
    tEnd: r.grid[r.grid.length - 1],
    dtype: r.samples.data instanceof Float32Array ? 'float32' : 'float64',
    seconds: r.seconds,
    device: r.device,
    diverged: r.diverged,
    out,
  };
  if (values.json) console.log(JSON.stringify(summary));
  else
    console.log(
      `${r.n} samples (d = ${r.d}) with ${r.sampler}, ${r.steps} steps, NFE ${r.nfe}${r.fallbackSteps ? ` (${r.fallbackSteps} final step fell back to Euler)` : ''}, ` +
        `${r.seconds.toFixed(3)} s${r.device === 'cuda' ? ' on the GPU' : ''}, written to ${out}` +
        (r.diverged ? `\nWARNING: ${r.diverged.particles} particle(s) diverged${r.diverged.firstStep !== null ? ` (first at step ${r.diverged.firstStep})` : ''}: these samples are not a measurement` : ''),
    );
}
