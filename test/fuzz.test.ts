/**
 * Property-based fuzz over every function exported from the package root (issue 11): valid calls
 * with one or two fields made hostile (edge numbers, wrong types, Symbols, BigInts, null-prototype
 * objects, detached arrays, throwing or async callbacks). Each call must end in a DW2Error with a
 * known code or in an answer whose numbers are all finite: never a crash, a hang, an untyped
 * error or a NaN. The pass runs in a child process (a crash must not take the runner down) with a
 * fixed seed and a time budget; DW2_FUZZ_MS and DW2_FUZZ_SEEDS widen it (npm run test:fuzz).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const budgetMs = Number(process.env.DW2_FUZZ_MS ?? 3000);
const seeds = (process.env.DW2_FUZZ_SEEDS ?? '1').split(',').map(Number);

interface Summary {
  calls: number;
  answers: number;
  typed: number;
  exported: number;
  functions: number;
  perFunction: Record<string, number>;
  findings: { kind: string; fn: string; call: string; detail: string }[];
  fatal?: string;
}

function runPass(seed: number): { summary?: Summary; status: number | null; signal: string | null; lastCall: string; stderr: string } {
  const log = join(mkdtempSync(join(tmpdir(), 'dw2-fuzz-log-')), 'calls.log');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/helpers/fuzz-run.ts', '--seed', String(seed), '--ms', String(budgetMs), '--log', log], {
    encoding: 'utf8',
    timeout: budgetMs + 60_000,
    env: process.env,
    maxBuffer: 64 * 1024 * 1024,
  });
  let lastCall = '';
  try {
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    lastCall = lines[lines.length - 1] ?? '';
  } catch {
    // no log: the child failed before its first call
  }
  const line = r.stdout.trim().split('\n').pop() ?? '';
  let summary: Summary | undefined;
  try {
    summary = JSON.parse(line) as Summary;
  } catch {
    summary = undefined;
  }
  return { summary, status: r.status, signal: r.signal, lastCall, stderr: r.stderr.slice(-2000) };
}

describe('fuzz: every exported function answers or throws a typed error', () => {
  for (const seed of seeds)
    it(`seed ${seed}, ${budgetMs} ms`, () => {
      const r = runPass(seed);
      // A crash or hang names the call that caused it.
      expect({ status: r.status, signal: r.signal, lastCall: r.status === 0 ? '' : r.lastCall, fatal: r.summary?.fatal }).toEqual({
        status: 0,
        signal: null,
        lastCall: '',
        fatal: undefined,
      });
      const s = r.summary!;
      expect(s.findings.map((f) => `${f.kind} in ${f.fn}: ${f.detail}\n    ${f.call.slice(0, 400)}`)).toEqual([]);
      // Every export was called, and the pass did real work both ways.
      expect(Object.keys(s.perFunction).length).toBe(s.exported);
      expect(s.answers).toBeGreaterThan(50);
      expect(s.typed).toBeGreaterThan(50);
    });
});
