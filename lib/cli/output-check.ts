/**
 * Output paths are checked before a command starts its work, so a read-only, missing or full
 * folder is reported at once instead of after minutes of computation.
 */
import { mkdtempSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InvalidArgumentError } from '../errors.js';

/** 'file': written as given (its folder must exist); 'prefix': files PATH.*; 'dir': a folder created as needed. */
export type OutputKind = 'file' | 'prefix' | 'dir';

function isDirectory(path: string): boolean | undefined {
  try {
    return statSync(path).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** Creates and removes a temporary folder in `dir`: fails exactly when files cannot be created there. */
function probe(dir: string, flag: string, path: string): void {
  try {
    rmdirSync(mkdtempSync(join(dir, '.dw2-write-check-')));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EROFS' ? 'read-only file system' : err.code === 'ENOSPC' ? 'no space left on device' : err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.message.replace(/^E[A-Z]+: /, '').split(',')[0];
    throw new InvalidArgumentError(`${flag} ${path}: cannot write in ${dir} (${err.code ?? 'error'}: ${why})`, { cause: e });
  }
}

/** Throws InvalidArgumentError when `path` (the value of `flag`) cannot be written as `kind`. */
export function checkWritable(path: string, kind: OutputKind, flag: string): void {
  const full = resolve(path);
  const here = isDirectory(full);
  if (kind === 'dir') {
    if (here === false) throw new InvalidArgumentError(`${flag} ${path} is a file, not a folder`);
    let dir = full;
    while (isDirectory(dir) === undefined && dirname(dir) !== dir) dir = dirname(dir);
    if (isDirectory(dir) !== true) throw new InvalidArgumentError(`${flag} ${path}: ${dir} is not a folder`);
    probe(dir, flag, path);
    return;
  }
  if (here === true) throw new InvalidArgumentError(`${flag} ${path} is a folder; give a file ${kind === 'prefix' ? 'prefix' : 'name'}`);
  const parent = dirname(full);
  const parentIsDir = isDirectory(parent);
  if (parentIsDir === undefined) throw new InvalidArgumentError(`${flag} ${path}: the folder ${dirname(path)} does not exist`);
  if (!parentIsDir) throw new InvalidArgumentError(`${flag} ${path}: ${dirname(path)} is not a folder`);
  probe(parent, flag, path);
}

/** The value of `--name V` or `--name=V` in argv (before a `--`), if given. */
export function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return undefined;
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}
