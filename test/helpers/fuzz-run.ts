/**
 * The fuzz pass, run in its own process (a crash must not take the test runner down):
 *   node --import tsx test/helpers/fuzz-run.ts --seed S --ms BUDGET [--log FILE] [--only a,b]
 * Calls every exported function of lib/index.ts, valid first, then with hostile mutations, until
 * the time budget is spent; prints one JSON summary line. Before each call it appends the call's
 * description to FILE, so a crash names the call that caused it.
 */
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as L from '../../lib/index.js';
import { cases, fixtures, writeFixtureFiles } from './fuzz-cases.js';
import { describe, mutateArgs, nonFiniteIn, Rng } from './fuzz.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
};
const seed = Number(arg('seed', '1'));
const budgetMs = Number(arg('ms', '3000'));
const log = arg('log', '');
const only = arg('only', '').split(',').filter(Boolean);

const codes = new Set(['INVALID_ARGUMENT', 'SHAPE_MISMATCH', 'NON_FINITE', 'TOO_LARGE', 'ABORTED', 'NOT_CONVERGED', 'UNSUPPORTED', 'CALLBACK_FAILED', 'NATIVE_LOAD_FAILED', 'IO_FAILED', 'INTERNAL']);
// Slow functions (studies, plots, fits) are drawn less often so the budget covers everything.
const heavy = new Set(['study', 'writeStudyFiles', 'renderSvg', 'priorErrorStudy', 'fitOtPrior', 'fitOtPriorSync', 'measurePriorError', 'analyzeGaussian']);
const asyncTimeoutMs = 10_000;
// Functions that hand back the caller's own numbers (wrappers, plot specs, error helpers): their
// answers are not computed, so a NaN the caller put in (or a file holds) may come back out.
// Documented non-finite values: L0 = Infinity is the smoothness constant of a singular covariance.
// study() echoes the caller's config in result.config.
const documentedNonFinite = (fn: string, path: string): boolean =>
  (/^theory(Target|Bounds)$/.test(fn) && /\.L0 = Infinity$/.test(path)) || (fn === 'study' && path.startsWith('result.config.')) ||
  // laguerreArgmax: the gap is +∞ when there is a single cell.
  (fn === 'laguerreArgmax' && /^result\.gap\[\d+\] = Infinity$/.test(path));
// The exact-W2 family overflows for coordinates past ~1e154 (issue 11 defect 1, fixed on its own
// branch): until that fix is merged its points are kept below 1e150 here.
const passThrough = new Set(['readNpy', 'parseNpy', 'ndarray', 'fromRows', 'toRows', 'zeros', 'sizeOf', 'asPoints', 'dtypeOf', 'fromNativeError', 'ioErrorFrom', 'convergenceSpec', 'decompositionSpec', 'scatterSpec', 'formatNpy', 'isTypedEntry', 'isOtPrior']);

interface Finding {
  kind: 'untyped' | 'non-finite' | 'hang' | 'unhandled' | 'internal' | 'unwrapped';
  fn: string;
  call: string;
  detail: string;
}

async function main(): Promise<void> {
  const fx = await fixtures(L);
  const all = cases(L, fx);
  const exported = Object.entries(L).filter(([k, v]) => typeof v === 'function' && !/^[A-Z]/.test(k)).map(([k]) => k);
  // Functions without a valid-call template are fuzzed with hostile arguments only.
  const missing = exported.filter((k) => !(k in all));
  for (const k of missing) all[k] = () => [];
  const names = only.length ? only.filter((k) => exported.includes(k)) : exported;
  process.chdir(mkdtempSync(join(tmpdir(), 'dw2-fuzz-'))); // files the calls write land here
  writeFixtureFiles(L, fx);
  const findings: Finding[] = [];
  const unhandled: string[] = [];
  process.on('unhandledRejection', (e) => unhandled.push(describe(e instanceof Error ? e.message : e)));
  const rng = new Rng(seed);
  const stats = { calls: 0, answers: 0, typed: 0, byCode: {} as Record<string, number>, perFunction: {} as Record<string, number> };
  const start = Date.now();
  if (log) writeFileSync(log, '');

  const one = async (fn: string, args: unknown[], mutated: boolean): Promise<void> => {
    const call = `${fn}(${args.map((a) => describe(a)).join(', ')})`;
    if (log) appendFileSync(log, `${call}\n`);
    stats.calls++;
    stats.perFunction[fn] = (stats.perFunction[fn] ?? 0) + 1;
    let result: unknown;
    try {
      result = (L as unknown as Record<string, (...a: unknown[]) => unknown>)[fn]!(...args);
      if (result instanceof Promise) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`__hang__ after ${asyncTimeoutMs} ms`)), asyncTimeoutMs);
        });
        try {
          result = await Promise.race([result, timeout]);
        } finally {
          clearTimeout(timer);
        }
      }
    } catch (e) {
      if (e instanceof L.DW2Error && codes.has(e.code)) {
        stats.typed++;
        stats.byCode[e.code] = (stats.byCode[e.code] ?? 0) + 1;
        // INTERNAL means the library failed, not the input: report it as a finding.
        if (e.code === 'INTERNAL') findings.push({ kind: 'internal', fn, call, detail: e.message });
        else if (!mutated) findings.push({ kind: 'untyped', fn, call, detail: `the valid call failed: ${e.code}: ${e.message}` });
        return;
      }
      const msg = e instanceof Error ? `${e.constructor.name}: ${e.message}` : describe(e);
      findings.push({ kind: msg.includes('__hang__') ? 'hang' : 'untyped', fn, call, detail: msg.slice(0, 300) });
      return;
    }
    stats.answers++;
    const bad = passThrough.has(fn) ? [] : nonFiniteIn(result).filter((p) => !documentedNonFinite(fn, p));
    if (bad.length) findings.push({ kind: 'non-finite', fn, call, detail: bad.join('; ') });
  };

  // Every function once with its valid arguments, then mutated calls until the budget is spent.
  for (const fn of exported)
    if (!L.isTypedEntry((L as unknown as Record<string, unknown>)[fn])) findings.push({ kind: 'unwrapped', fn, call: '', detail: 'exported without the typed boundary: add it to lib/index.ts' });
  for (const fn of names) await one(fn, all[fn]!(), missing.includes(fn));
  while (Date.now() - start < budgetMs) {
    let fn = rng.pick(names);
    if (heavy.has(fn) && !rng.chance(0.2)) fn = rng.pick(names);
    let args = mutateArgs(rng, all[fn]!());
    if (rng.chance(0.3)) args = mutateArgs(rng, args);
    await one(fn, args, true);
  }
  await new Promise((r) => setTimeout(r, 50));
  for (const u of unhandled) findings.push({ kind: 'unhandled', fn: '?', call: '?', detail: u });
  const summary = { seed, budgetMs, elapsedMs: Date.now() - start, functions: names.length, exported: exported.length, missing, ...stats, findings };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  if (log) appendFileSync(log, 'done\n');
  process.exit(0);
}

main().catch((e) => {
  process.stdout.write(`${JSON.stringify({ fatal: e instanceof Error ? `${e.constructor.name}: ${e.message}\n${e.stack}` : describe(e) })}\n`);
  process.exit(3);
});
