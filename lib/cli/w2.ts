/** `dw2 w2`: Wasserstein-2 distance between two point clouds stored as .npy files. */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../errors.js';
import type { Device } from '../device.js';
import { readNpy } from '../npy.js';
import { w2, type ExactSolver, type W2Method } from '../w2.js';
import { integerOption, numberOption, parseCommand, stringOption } from './args.js';
import { progressBar } from './progress.js';

export const usage = `dw2 w2 A.npy B.npy [--method exact|1d|gaussian|sliced] [--weights-a FILE] [--weights-b FILE]
        [--solver auto|auction|shortest-path|network-simplex|sparse] [--memory-budget BYTES]
        [--projections P] [--seed S] [--device cpu|cuda|auto] [--json]
  W2 between the point clouds in A.npy (n × d, or 1-D) and B.npy (m × d). 'exact' (default) is the
  certified optimum of the transport problem; '1d' sorts (d = 1); 'gaussian' is the Gelbrich LOWER
  BOUND from the sample moments; 'sliced' is an APPROXIMATION (sliced W2 ≤ W2). Weight files are
  .npy or text (numbers separated by spaces, commas or newlines). --device cuda runs the exact auction on an
  NVIDIA GPU (CUDA build; uniform clouds with n = m), certified on the CPU like the CPU solver.`;

function readWeights(path: string | undefined, name: string): Float64Array | undefined {
  if (path === undefined) return undefined;
  if (path.endsWith('.npy')) {
    const w = readNpy(path);
    if (w.shape.length !== 1) throw new InvalidArgumentError(`${name} ${path} must be a 1-D array, got shape [${w.shape.join(', ')}]`);
    return Float64Array.from(w.data);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InvalidArgumentError(`cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  const parts = text.split(/[\s,]+/).filter((s) => s.length > 0);
  const out = Float64Array.from(parts, Number);
  const bad = parts.findIndex((s, k) => s.trim() === '' || Number.isNaN(out[k]!));
  if (bad >= 0) throw new InvalidArgumentError(`${name} ${path}: entry ${bad} ('${parts[bad]}') is not a number`);
  return out;
}

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommand(
    argv,
    {
      method: { type: 'string' },
      'weights-a': { type: 'string' },
      'weights-b': { type: 'string' },
      solver: { type: 'string' },
      'memory-budget': { type: 'string' },
      projections: { type: 'string' },
      seed: { type: 'string' },
      device: { type: 'string' },
      json: { type: 'boolean' },
    },
    true,
  );
  if (positionals.length !== 2) throw new InvalidArgumentError(`expected two .npy files (A.npy B.npy), got ${positionals.length} arguments`);
  const [fa, fb] = positionals as [string, string];
  const a = readNpy(fa);
  const b = readNpy(fb);
  const bar = values.json ? undefined : progressBar('w2');
  const start = performance.now();
  const r = await w2(a, b, {
    method: (stringOption(values.method, 'method') ?? 'exact') as W2Method,
    weightsA: readWeights(stringOption(values['weights-a'], 'weights-a'), 'weights-a'),
    weightsB: readWeights(stringOption(values['weights-b'], 'weights-b'), 'weights-b'),
    solver: stringOption(values.solver, 'solver') as ExactSolver | undefined,
    memoryBudgetBytes: numberOption(values['memory-budget'], 'memory-budget'),
    projections: integerOption(values.projections, 'projections'),
    seed: integerOption(values.seed, 'seed'),
    device: stringOption(values.device, 'device') as Device | undefined,
    onProgress: bar?.update,
  });
  bar?.done();
  const seconds = (performance.now() - start) / 1000;
  if (values.json) {
    console.log(
      JSON.stringify({
        method: r.method,
        w2: r.w2,
        w2sq: r.w2sq,
        n: r.n,
        m: r.m,
        d: r.d,
        gap: r.gap ?? null,
        kind: r.kind,
        solver: r.solver,
        certified: r.certificate?.certified ?? null,
        stdError: r.stdError ?? null,
        seconds,
      }),
    );
    return;
  }
  const label = r.kind === 'exact' ? 'exact' : r.kind === 'lower-bound' ? 'LOWER BOUND (Gaussian/Gelbrich)' : 'APPROXIMATION (sliced)';
  console.log(`W2 = ${r.w2.toPrecision(15)}   (W2² = ${r.w2sq.toPrecision(15)})   ${label}`);
  console.log(`  ${r.n} vs ${r.m} points in d = ${r.d}; method ${r.method} (${r.solver}); ${seconds.toFixed(3)} s`);
  if (r.certificate)
    console.log(
      `  certificate: W2² − optimum ≤ ${r.certificate.bound.toExponential(2)} (tolerance ${r.certificate.tolerance.toExponential(2)}): ${r.certificate.certified ? 'certified' : 'NOT within tolerance'}`,
    );
  if (r.stdError !== undefined) console.log(`  Monte Carlo standard error of W2²: ${r.stdError.toExponential(2)}`);
}
