/** Study files: atomic writes (a temporary file, then a rename) and checksummed results for --resume. */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InvalidArgumentError, ioErrorFrom } from '../errors.js';

let counter = 0;

/**
 * Writes `content` to `path` through a temporary file in the same folder and a rename, so a
 * reader sees the old file or the new one, never half of one. Failures (read-only folder, full
 * disk, …) are an IoError, and the temporary file is removed. makeDirectory (default true)
 * creates the folder first.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array, options: { makeDirectory?: boolean } = {}): void {
  if (options.makeDirectory !== false) {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (e) {
      throw ioErrorFrom('create the folder of', path, e);
    }
  }
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}-${counter++}`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing was created (the folder itself is unusable)
    }
    throw ioErrorFrom('write', path, e);
  }
}

/** A checksum per saved row (and of the noise floor), so --resume never reuses an edited or damaged row. */
export interface StudyChecksums {
  rows: string[];
  floor: string | null;
}

/** SHA-256 (hex, first 32 digits) of the JSON text of a value: what a results file stores for it. */
export function checksumOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value) ?? 'undefined').digest('hex').slice(0, 32);
}

export function studyChecksums(rows: readonly unknown[], floor: unknown): StudyChecksums {
  return { rows: rows.map(checksumOf), floor: floor === null || floor === undefined ? null : checksumOf(floor) };
}

/**
 * Checks the rows and floor of earlier results against their stored checksums; an
 * InvalidArgumentError names the first row that differs (hand-edited, truncated or from an old
 * version without checksums).
 */
export function verifyStudyChecksums(results: { rows?: unknown; floor?: unknown; checksums?: unknown }, source = 'the earlier results'): void {
  const rows = results.rows;
  if (!Array.isArray(rows)) throw new InvalidArgumentError(`${source}: rows must be an array`);
  const sums = results.checksums as Partial<StudyChecksums> | undefined;
  if (typeof sums !== 'object' || sums === null || !Array.isArray(sums.rows))
    throw new InvalidArgumentError(`${source} carry no row checksums (damaged, or written by an older version): rerun without --resume`);
  if (sums.rows.length !== rows.length)
    throw new InvalidArgumentError(`${source} hold ${rows.length} rows but ${sums.rows.length} checksums: the file was edited; rerun without --resume`);
  rows.forEach((row, i) => {
    if (checksumOf(row) !== sums.rows![i])
      throw new InvalidArgumentError(`${source}: row ${i} does not match its checksum (edited or damaged); rerun without --resume`);
  });
  const floor = results.floor ?? null;
  if ((floor === null ? null : checksumOf(floor)) !== (sums.floor ?? null))
    throw new InvalidArgumentError(`${source}: the noise floor does not match its checksum (edited or damaged); rerun without --resume`);
}

/** Reads a results.json to resume from: an IoError when unreadable, InvalidArgumentError when empty, truncated or not JSON. */
export function readStudyResults(path: string, format: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw ioErrorFrom('read', path, e);
  }
  if (text.trim().length === 0) throw new InvalidArgumentError(`${path} is empty: nothing to resume; rerun without --resume`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new InvalidArgumentError(`${path} is not valid JSON (truncated or damaged: ${(e as Error).message.replace(/\s+/g, " ")}); rerun without --resume`, { cause: e });
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { format?: unknown }).format !== format)
    throw new InvalidArgumentError(`${path} is not a ${format} file`);
  verifyStudyChecksums(parsed as Record<string, unknown>, path);
  return parsed as Record<string, unknown>;
}
