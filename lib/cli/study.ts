/** `dw2 study --config study.json --out DIR [--resume] [--json]`. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AbortError, InvalidArgumentError } from '../errors.js';
import { readStudyResults, writeFileAtomic } from '../study/files.js';
import { formatStudy, writeStudyFiles } from '../study/report.js';
import { resolveStudy, studyBaseDir, type StudyConfig } from '../study/config.js';
import { study, studyFormat, type StudyResults } from '../study/run.js';
import type { NDArray } from '../ndarray.js';
import { parseCommand, stringOption } from './args.js';
import { progressBar } from './progress.js';

export const usage = `dw2 study --config study.json --out DIR [--resume] [--json]
  Runs a convergence study (target × process × prior × grid × samplers × steps × seeds) and writes
  DIR/results.json, DIR/results.csv and SVG plots. --resume keeps the rows of an interrupted run.`;

/** Runs one study with progress, Ctrl-C handling, atomic per-row saves and the final files. */
export async function runStudyToDir(config: StudyConfig, out: string, opts: { baseDir: string; resume: boolean; json: boolean; label?: string }): Promise<StudyResults> {
  const resolved = resolveStudy(config, opts.baseDir); // fail before any work
  const resultsPath = join(out, 'results.json');
  let resume: StudyResults | undefined;
  if (opts.resume && existsSync(resultsPath)) {
    resume = readStudyResults(resultsPath, studyFormat) as unknown as StudyResults;
  }
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const bar = opts.json ? undefined : progressBar(opts.label ?? 'study');
  let scatter: { label: string; steps: number; samples: NDArray } | undefined;
  try {
    const results = await study(config, {
      baseDir: opts.baseDir,
      resume,
      signal: controller.signal,
      onProgress: bar?.update,
      // Each new row is saved at once (atomically), so an interrupted study loses nothing.
      onRow: (r) => writeFileAtomic(resultsPath, JSON.stringify(r, null, 2)),
      onSamples: (label, steps, samples) => {
        if (resolved.d === 2 && (!scatter || (label === scatter.label && steps > scatter.steps))) scatter = { label, steps, samples };
      },
    });
    bar?.done();
    await writeStudyFiles(results, out, { target: resolved.target, scatter });
    if (config.toAccuracy !== undefined) await (await import('../study/to-accuracy.js')).printToAccuracyStudy(config, out, opts.json, opts.baseDir);
    return results;
  } catch (e) {
    bar?.done();
    if (e instanceof AbortError) console.error(`interrupted: rows computed so far are in ${resultsPath}; rerun with --resume to continue`);
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, { config: { type: 'string' }, out: { type: 'string' }, resume: { type: 'boolean' }, json: { type: 'boolean' } });
  const path = stringOption(values.config, 'config');
  const out = stringOption(values.out, 'out');
  if (!path) throw new InvalidArgumentError('--config is required');
  if (!out) throw new InvalidArgumentError('--out is required');
  let config: StudyConfig;
  try {
    config = JSON.parse(readFileSync(path, 'utf8')) as StudyConfig;
  } catch (e) {
    throw new InvalidArgumentError(`cannot read the study config ${path}: ${(e as Error).message}`, { cause: e });
  }
  const results = await runStudyToDir(config, out, { baseDir: studyBaseDir(path), resume: values.resume === true, json: values.json === true });
  if (values.json) console.log(JSON.stringify({ rows: results.rows, summary: results.summary, floor: results.floor, orders: results.orders, references: results.references }));
  else console.log(`${formatStudy(results)}\n\nwritten to ${out}/ (results.json, results.csv, *.svg)`);
}
