/** `dw2 ot-prior fit|sample`: fits the semi-discrete OT prior to diffused training data, and samples from it. */
import { InvalidArgumentError } from '../errors.js';
import { readNpy, writeNpy } from '../npy.js';
import { fitOtPrior, loadOtPrior, saveOtPrior } from '../ot-prior.js';
import type { ProcessName } from '../process.js';
import { integerOption, numberOption, parseCommand, stringOption } from './args.js';
import { progressBar } from './progress.js';

export const usage = `dw2 ot-prior fit --data points.npy --process vp|ou|ve|heat [--T X] [--m N] [--tau X] [--tolerance X]
                  [--max-iterations N] [--method auto|sgd|newton] [--allow-not-converged] --seed S --out PRIOR_PREFIX [--json]
  Fits the semi-discrete OT map from the normal prior onto the data diffused to T; writes PRIOR_PREFIX.json,
  PRIOR_PREFIX.points.npy and PRIOR_PREFIX.weights.npy. --tolerance: largest relative cell-mass error at 95%
  confidence (default 0.01 in d = 1, 0.5 in d ≥ 2: what the default budget certifies; docs/ot-prior.md).
dw2 ot-prior sample --prior PRIOR_PREFIX --n N --seed S --out FILE.npy [--soft] [--tau X] [--json]
  Draws N starting states x_T from a fitted prior (hard map, or the τ-smoothed map with --soft).`;

function required<T>(value: T | undefined, flag: string): T {
  if (value === undefined) throw new InvalidArgumentError(`--${flag} is required`);
  return value;
}

async function fit(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, {
    data: { type: 'string' },
    process: { type: 'string' },
    T: { type: 'string' },
    m: { type: 'string' },
    tau: { type: 'string' },
    tolerance: { type: 'string' },
    'max-iterations': { type: 'string' },
    method: { type: 'string' },
    'allow-not-converged': { type: 'boolean' },
    seed: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  });
  const data = readNpy(required(stringOption(values.data, 'data'), 'data'));
  const out = required(stringOption(values.out, 'out'), 'out');
  const bar = values.json ? undefined : progressBar('ot-prior fit');
  const start = performance.now();
  const prior = await fitOtPrior({
    data,
    process: required(stringOption(values.process, 'process'), 'process') as ProcessName,
    T: numberOption(values.T, 'T'),
    m: integerOption(values.m, 'm'),
    tau: numberOption(values.tau, 'tau'),
    tolerance: numberOption(values.tolerance, 'tolerance'),
    maxIterations: integerOption(values['max-iterations'], 'max-iterations'),
    method: stringOption(values.method, 'method') as 'auto' | 'sgd' | 'newton' | undefined,
    allowNotConverged: values['allow-not-converged'] === true,
    seed: required(integerOption(values.seed, 'seed'), 'seed'),
    onProgress: bar?.update,
  });
  bar?.done();
  const seconds = (performance.now() - start) / 1000;
  const files = saveOtPrior(prior, out);
  const summary = {
    m: prior.m,
    d: prior.d,
    process: prior.process,
    T: prior.T,
    method: prior.method,
    converged: prior.converged,
    maxCellMassError: prior.maxCellMassError,
    cellMassErrorBound: prior.cellMassErrorBound,
    iterations: prior.iterations,
    totalDraws: prior.totalDraws,
    seconds,
    files,
  };
  if (values.json) console.log(JSON.stringify(summary));
  else
    console.log(
      `OT prior (${prior.method}, m = ${prior.m}, d = ${prior.d}, ${prior.process.name} T = ${prior.T}): ` +
        `${prior.converged ? 'converged' : 'NOT converged'}, max cell-mass error ${prior.maxCellMassError.toPrecision(3)} ` +
        `(bound ${prior.cellMassErrorBound.toPrecision(3)}), ${prior.iterations} iterations, ${seconds.toFixed(2)} s; written to ${files.manifest}`,
    );
}

async function sample(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, {
    prior: { type: 'string' },
    n: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    soft: { type: 'boolean' },
    tau: { type: 'string' },
    json: { type: 'boolean' },
  });
  const prior = loadOtPrior(required(stringOption(values.prior, 'prior'), 'prior'));
  const n = required(integerOption(values.n, 'n'), 'n');
  const out = required(stringOption(values.out, 'out'), 'out');
  const start = performance.now();
  const x = prior.sample({ n, seed: required(integerOption(values.seed, 'seed'), 'seed'), soft: values.soft === true, tau: numberOption(values.tau, 'tau') });
  writeNpy(out, x);
  const seconds = (performance.now() - start) / 1000;
  if (values.json) console.log(JSON.stringify({ n, d: prior.d, soft: values.soft === true, seconds, out }));
  else console.log(`${n} samples (d = ${prior.d}, ${values.soft ? 'soft' : 'hard'} map) in ${seconds.toFixed(3)} s, written to ${out}`);
}

export async function run(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === 'fit') return fit(rest);
  if (sub === 'sample') return sample(rest);
  throw new InvalidArgumentError(`ot-prior: expected a subcommand 'fit' or 'sample', got ${sub === undefined ? 'nothing' : `'${sub}'`}`);
}
