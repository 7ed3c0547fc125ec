import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltDist } from './helpers/built-dist.js';
import { asFlags, didYouMean, editDistance } from '../lib/cli/args.js';
import { checkWritable, flagValue } from '../lib/cli/output-check.js';
import { progressBar, progressText } from '../lib/cli/progress.js';

const run = promisify(execFile);
/** Runs the built `dw2 ...args` (dist/, rebuilt when stale); resolves with { code, stdout, stderr } (never rejects). */
async function dw2(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('dw2 command line', () => {
  beforeAll(ensureBuiltDist, 120_000);
  it('prints help on a bare call (exit 0), its version, and one-line errors with suggestions (JSON under --json)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw2-ux-'));
    const target = join(dir, 'target.json');
    writeFileSync(target, JSON.stringify({ type: 'gaussian', mean: [0], cov: [[1]] }));
    const config = join(dir, 'study.json');
    writeFileSync(config, JSON.stringify({ target: { type: 'gaussian', eigenvalues: [0.5, 1] }, process: 'vp', samplers: ['euler'], steps: [5] }));
    mkdirSync(join(dir, 'study'));
    writeFileSync(join(dir, 'study', 'results.json'), 'garbage\n');
    const [bare, version, command, flag, sampler, out, resume, sub] = await Promise.all([
      dw2([]),
      dw2(['--version']),
      dw2(['smaple', '--json']),
      dw2(['sample', '--target', target, '--stpes', '3']),
      dw2(['gaussian', '--eigenvalues', 'x.npy', '--sampler', 'heun,euler-maruyma']),
      // n = 10^9 particles would run for minutes: the check must answer first.
      dw2(['sample', '--target', target, '--steps', '1000', '--n', '1000000000', '--out', join(dir, 'missing', 'x.npy'), '--json']),
      dw2(['study', '--config', config, '--out', join(dir, 'study'), '--resume']),
      dw2(['ot-prior', 'fti', '--data', 'x.npy']),
    ]);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toMatch(/^usage: dw2 <command>/);
    expect(bare.stdout).toContain('dw2 sample --target');

    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });

    expect(command.code).toBe(2);
    expect(command.stderr).toBe('');
    expect(JSON.parse(command.stdout)).toEqual({ error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining("did you mean 'sample'?") } });

    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^dw2 sample: INVALID_ARGUMENT: unknown option --stpes \(did you mean --steps\?\)/);
    expect(flag.stderr.trim().split('\n')).toHaveLength(1); // one line, no stack

    expect(sub.stderr).toMatch(/^dw2 ot-prior: INVALID_ARGUMENT: unknown subcommand 'fti' \(did you mean 'fit'\?\)/);
    expect(sampler.stderr).toMatch(/unknown sampler 'euler-maruyma' \(did you mean euler-maruyama\?\)/);

    expect(out.code).toBe(2);
    // A garbage results.json to resume from: a typed one-line error, not a SyntaxError stack.
    expect(resume.code).toBe(2);
    expect(resume.stderr).toMatch(/^dw2 study: INVALID_ARGUMENT: .*results\.json is not valid JSON .*garbage.*\n$/);

    expect(JSON.parse(out.stdout).error).toMatchObject({ code: 'INVALID_ARGUMENT', command: 'sample', message: expect.stringMatching(/--out .*missing.* does not exist/) });
  });

  it('refuses an output folder it cannot write before any work', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw2-out-'));
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => checkWritable(join(dir, 'file', 'x.npy'), 'file', '--out')).toThrow(/is not a folder/);
    expect(() => checkWritable(join(dir, 'file'), 'dir', '--out')).toThrow(/is a file, not a folder/);
    expect(() => checkWritable(dir, 'file', '--out')).toThrow(/is a folder/);
    expect(() => checkWritable(join(dir, 'a', 'b'), 'dir', '--out')).not.toThrow(); // created later
    expect(() => checkWritable(join(dir, 'x.npy'), 'file', '--out')).not.toThrow();
    // /proc accepts no new files even for root; a mode-0500 folder stops other users.
    if (existsSync('/proc/self')) expect(() => checkWritable('/proc/x.npy', 'file', '--out')).toThrow(/INVALID|cannot write in \/proc/);
    if (process.getuid?.() !== 0) {
      const ro = join(dir, 'ro');
      mkdirSync(ro);
      chmodSync(ro, 0o500);
      expect(() => checkWritable(join(ro, 'x.npy'), 'file', '--out')).toThrow(/cannot write in .*permission denied/);
      expect(() => checkWritable(join(ro, 'study'), 'dir', '--out')).toThrow(/permission denied/);
    }
    expect(flagValue(['--n', '3', '--out=a.npy'], 'out')).toBe('a.npy');
    expect(flagValue(['--out', 'b', '--', '--out', 'c'], 'out')).toBe('b');
    expect(flagValue(['--', '--out', 'c'], 'out')).toBeUndefined();
  });

  it('suggests only close names', () => {
    expect(editDistance('huen', 'heun')).toBe(1); // adjacent swap
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(didYouMean('smaple', ['sample', 'study', 'w2'])).toBe('sample');
    expect(didYouMean('gauss', ['gaussian', 'sample'])).toBe('gaussian'); // prefix
    expect(didYouMean('xyz', ['sample', 'study', 'w2'])).toBeUndefined();
  });

  it('names CLI flags, not API options, in library messages', () => {
    const usage = 'dw2 ot-prior fit [--max-iterations N] [--allow-not-converged] [--tolerance X]';
    expect(asFlags('Raise maxIterations (or maxCheckDraws), loosen tolerance, or pass allowNotConverged: true', usage)).toBe(
      'Raise --max-iterations (or maxCheckDraws), loosen tolerance, or pass --allow-not-converged',
    );
  });

  it('prints progress lines with rate and ETA when stderr is not a terminal', () => {
    let clock = 0;
    const lines: string[] = [];
    const bar = progressBar('sample', { isTTY: false, write: (s: string) => lines.push(s) > 0 }, { now: () => clock })!;
    const at = (ms: number, f: number) => {
      clock = ms;
      bar.update(f);
    };
    at(500, 0.05); // under a second: silent
    at(2000, 0.2);
    at(2500, 0.25); // same decile, < 10 s since the last line
    at(4000, 0.4);
    at(15_000, 0.45); // 11 s since the last line
    at(20_000, 1);
    bar.done();
    expect(lines).toEqual([
      'sample: 20% · 10 %/s · ETA 8.0 s\n',
      'sample: 40% · 10 %/s · ETA 6.0 s\n',
      'sample: 45% · 3.0 %/s · ETA 18 s\n',
      'sample: 100% · 5.0 %/s · ETA 0.0 s\n',
      'sample: done in 20 s\n',
    ]);
    expect(progressText(0, 1)).toBe('0% · 0.0 %/s · ETA ?');
    const quick: string[] = [];
    const fast = progressBar('w2', { isTTY: false, write: (s: string) => quick.push(s) > 0 }, { now: () => 0 })!;
    fast.update(1);
    fast.done();
    expect(quick).toEqual([]); // jobs under a second print nothing
  });
});
