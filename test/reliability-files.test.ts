/**
 * Regression tests for files and paths (issue 11, defects 6–9): the .npy header is read the way
 * numpy reads it, writeNpy writes only what readNpy reads back, path arguments must be strings,
 * study results are checksummed for --resume, and failed writes leave no temporary files.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DW2Error, formatNpy, InvalidArgumentError, IoError, ndarray, parseNpy, readNpy, readTargetFile, ringMixture, ShapeMismatchError, study, writeNpy, type StudyResults } from '../lib/index.js';
import type { StudyConfig } from '../lib/study/config.js';
import { writeFileAtomic } from '../lib/study/files.js';

const dir = mkdtempSync(join(tmpdir(), 'dw2-rel-files-'));

/** A .npy v1 file with the given header dict text and float64 payload. */
function npyWithHeader(dict: string, payload: number[]): Uint8Array {
  let header = dict;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + payload.length * 8);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  payload.forEach((v, i) => new DataView(out.buffer).setFloat64(10 + header.length + 8 * i, v, true));
  return out;
}

function codeOf(f: () => unknown): string {
  try {
    f();
    return 'returned';
  } catch (e) {
    expect(e).toBeInstanceOf(DW2Error);
    return (e as DW2Error).code;
  }
}

describe('.npy header parsing follows numpy (defect 6)', () => {
  it("a repeated 'shape' key keeps the last value, as a Python dict literal does", () => {
    const a = parseNpy(npyWithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), 'shape': (2, 2), }", [1, 2, 3, 4]));
    expect(a.shape).toEqual([2, 2]);
  });

  it('keys numpy rejects are rejected: extra, missing, or misspelled', () => {
    expect(codeOf(() => parseNpy(npyWithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'extra': 1, }", [1, 2])))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => parseNpy(npyWithHeader("{'descr': '<f8', 'shape': (2,), }", [1, 2])))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => parseNpy(npyWithHeader("{'descr': '<f8', 'fortran_order': False, 'shapes': (2,), 'shape': (2,)}", [1, 2])))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => parseNpy(npyWithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)} trailing", [1, 2])))).toBe('INVALID_ARGUMENT');
  });

  it('a 10-byte version-2 file is a typed error, not a RangeError', () => {
    const bytes = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 0, 0]);
    expect(codeOf(() => parseNpy(bytes))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => parseNpy({} as never))).toBe('INVALID_ARGUMENT');
  });

  it('the usual headers still read: (n,), (m, n), (), and a Python 2 long suffix', () => {
    expect(parseNpy(npyWithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", [1, 2, 3])).shape).toEqual([3]);
    expect(parseNpy(npyWithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }", [1, 2])).shape).toEqual([1, 2]);
    expect(Array.from(parseNpy(npyWithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", [7])).data)).toEqual([7]);
    expect(parseNpy(npyWithHeader('{"descr": "<f8", "fortran_order": False, "shape": (2L,)}', [1, 2])).shape).toEqual([2]);
  });

  it('round trip through formatNpy is exact', () => {
    const a = ndarray(new Float64Array([1.5, -0, 1e-310, 3]), [2, 2]);
    const b = parseNpy(formatNpy(a));
    expect(b.shape).toEqual([2, 2]);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
  });
});

describe('writeNpy writes only what readNpy reads (defects 6, 8)', () => {
  it('a shape that disagrees with the data is SHAPE_MISMATCH, and no file is written', () => {
    const path = join(dir, 'bad-shape.npy');
    expect(() => writeNpy(path, { data: new Float64Array(3), shape: [2, 2] } as never)).toThrow(ShapeMismatchError);
    expect(readdirSync(dir).filter((f) => f.startsWith('bad-shape'))).toEqual([]);
  });

  it('writeNpy({}) and non-string paths are INVALID_ARGUMENT', () => {
    expect(codeOf(() => writeNpy(join(dir, 'x.npy'), {} as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => writeNpy(5 as never, ndarray(new Float64Array(1), [1])))).toBe('INVALID_ARGUMENT');
  });
});

describe('path arguments that would block or abort the process (defect 7)', () => {
  it('readNpy(0) and readTargetFile(0) do not read stdin; readTargetFile(-0) does not abort', () => {
    // In a child with an open, never-closed stdin: a read of fd 0 would block until the timeout.
    const script = `
      import('./lib/index.ts').then((L) => {
        const codes = [];
        for (const f of [() => L.readNpy(0), () => L.readTargetFile(0), () => L.readTargetFile(-0), () => L.readNpy(-1)]) {
          try { f(); codes.push('returned'); } catch (e) { codes.push(e instanceof L.DW2Error ? e.code : 'untyped ' + e); }
        }
        console.log(JSON.stringify(codes));
        process.exit(0);
      });`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 20_000, stdio: ['pipe', 'pipe', 'pipe'] });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual(['INVALID_ARGUMENT', 'INVALID_ARGUMENT', 'INVALID_ARGUMENT', 'INVALID_ARGUMENT']);
  });

  it('ringMixture(2^31) is refused before building anything', () => {
    expect(codeOf(() => ringMixture(2 ** 31))).toBe('INVALID_ARGUMENT');
    expect(ringMixture(3).weights).toHaveLength(3);
  });
});

describe('file system failures are typed and leave no temporary files (defects 8, 9)', () => {
  it('a write into a path under a regular file is IO_FAILED (ENOTDIR)', () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    expect(() => writeFileAtomic(join(file, 'sub', 'results.json'), '{}')).toThrow(IoError);
    expect(() => writeNpy(join(file, 'a.npy'), ndarray(new Float64Array(1), [1]))).toThrow(IoError);
  });

  it('a failed rename removes the temporary file', () => {
    const target = join(dir, 'occupied');
    mkdirSync(join(target, 'inside'), { recursive: true }); // renaming a file over a non-empty folder fails
    expect(() => writeFileAtomic(target, 'content')).toThrow(IoError);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('reading a missing file is IO_FAILED naming the reason', () => {
    let err: unknown;
    try {
      readNpy(join(dir, 'missing.npy'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IoError);
    expect((err as Error).message).toMatch(/no such file/);
  });
});

describe('study --resume checks what it reuses (defects 8, 9)', () => {
  const config: StudyConfig = {
    name: 'resume check',
    target: { type: 'gaussian', eigenvalues: { powerLaw: { d: 4, exponent: 1.5 } } },
    process: { name: 'vp' },
    samplers: ['euler'],
    steps: [10, 20],
  };

  it('rows carry checksums; an edited row is refused, an intact file resumes', async () => {
    const full = await study(config);
    expect(full.checksums?.rows).toHaveLength(full.rows.length);
    const copy = JSON.parse(JSON.stringify(full)) as StudyResults;
    expect((await study(config, { resume: copy })).rows.length).toBe(full.rows.length);
    const edited = JSON.parse(JSON.stringify(full)) as StudyResults & { rows: { total?: number }[] };
    (edited.rows[1] as { total?: number }).total = 1e-9;
    await expect(study(config, { resume: edited })).rejects.toBeInstanceOf(InvalidArgumentError);
    const unsummed = JSON.parse(JSON.stringify(full)) as StudyResults;
    delete unsummed.checksums;
    await expect(study(config, { resume: unsummed })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('dw2 study --resume on an empty, truncated or garbage results.json: one line, a code, exit 2', () => {
    const configPath = join(dir, 'study.json');
    writeFileSync(configPath, JSON.stringify(config));
    const out = join(dir, 'study-out');
    mkdirSync(out, { recursive: true });
    for (const content of ['', '{"format": "diffusion-w2/study", "rows": [', 'garbage']) {
      writeFileSync(join(out, 'results.json'), content);
      let status = 0;
      let stdout = '';
      try {
        execFileSync(process.execPath, ['--import', 'tsx', 'lib/cli.ts', 'study', '--config', configPath, '--out', out, '--resume', '--json'], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
          timeout: 60_000,
        });
      } catch (e) {
        status = (e as { status: number }).status;
        stdout = String((e as { stdout: unknown }).stdout);
      }
      // Under --json the error is one JSON line on stdout: { error: { code, message, command } }.
      expect(status).toBe(2);
      expect(stdout.trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(stdout).error.code).toBe('INVALID_ARGUMENT');
    }
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toBe('garbage');
  });
});
