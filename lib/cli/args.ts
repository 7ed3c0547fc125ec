/**
 * Small helpers for the command-line programs: option parsing with clear typed errors and
 * "did you mean" suggestions (node:util parseArgs underneath; see the README's dependency table).
 */
import { parseArgs } from 'node:util';
import { InvalidArgumentError } from '../errors.js';
import { processNames, schemes, type ProcessName, type ProcessSpec } from '../process.js';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;
type Raw = string | boolean | undefined;

export interface ParsedCommand {
  values: Record<string, Raw>;
  positionals: string[];
}

/** Optimal-string-alignment edit distance (insertions, deletions, substitutions, adjacent swaps). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  return d[a.length]![b.length]!;
}

/** The closest candidate to a misspelt word, when close enough to be a likely typo (else undefined). */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const dist = c.toLowerCase().startsWith(w) && w.length >= 3 ? 0.5 : editDistance(w, c.toLowerCase());
    if (dist < bestDistance) [best, bestDistance] = [c, dist];
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** API option names in a library message (`maxIterations`, `allowNotConverged: true`) as the command's flags. */
export function asFlags(message: string, usage: string): string {
  return message.replace(/\b([a-z]+(?:[A-Z][a-z0-9]*)+)(?:: true)?/g, (whole, name: string) => {
    const flag = `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    return new RegExp(`${flag}(?![\\w-])`).test(usage) ? flag : whole;
  });
}

const suggestion = (word: string, candidates: readonly string[], prefix = '') => {
  const s = didYouMean(word, candidates);
  return s === undefined ? '' : ` (did you mean ${prefix}${s}?)`;
};

/**
 * Options whose values are names from the library's own catalogues, checked (with suggestions)
 * before any work. Only lists the library exports are used, so new samplers or processes need no
 * change here; other names are checked by the API.
 */
const choices: Record<string, { list: () => readonly string[]; many: boolean }> = {
  sampler: { list: () => schemes().map((s) => s.name), many: true },
  process: { list: () => processNames, many: false },
};

function checkChoices(values: Record<string, Raw>, options: OptionSpec): void {
  for (const [name, { list, many }] of Object.entries(choices)) {
    const value = values[name];
    if (!(name in options) || typeof value !== 'string') continue;
    const known = list();
    for (const v of many ? value.split(',').map((s) => s.trim()) : [value]) {
      if (!known.includes(v)) throw new InvalidArgumentError(`--${name}: unknown ${name} '${v}'${suggestion(v, known)}; known: ${known.join(', ')}`);
    }
  }
}

/** node:util's parse errors, reworded with the option list and a suggestion for a misspelt flag. */
function parseError(e: Error & { code?: string }, options: OptionSpec): InvalidArgumentError {
  const flags = Object.keys(options).map((k) => `--${k}`);
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'([^']+)'/.exec(e.message)?.[1] ?? '?';
    const bare = flag.replace(/^-+/, '').split('=')[0]!;
    return new InvalidArgumentError(`unknown option ${flag}${suggestion(bare, Object.keys(options), '--')}; options: ${flags.join(' ')}`, { cause: e });
  }
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /'([^']*)'/.exec(e.message)?.[1] ?? '?';
    return new InvalidArgumentError(`unexpected argument '${arg}' (options take the form --name value; options: ${flags.join(' ')})`, { cause: e });
  }
  return new InvalidArgumentError(e.message, { cause: e });
}

export function parseCommand(argv: string[], options: OptionSpec, allowPositionals = false): ParsedCommand {
  let r: ReturnType<typeof parseArgs>;
  try {
    r = parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw parseError(e as Error, options);
  }
  const values = r.values as Record<string, Raw>;
  checkChoices(values, options);
  return { values, positionals: r.positionals };
}

export function stringOption(value: Raw, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidArgumentError(`--${name} needs a value`);
  return value;
}

export function numberOption(value: Raw, name: string): number | undefined {
  const s = stringOption(value, name);
  if (s === undefined) return undefined;
  const x = Number(s);
  if (s.trim() === '' || Number.isNaN(x)) throw new InvalidArgumentError(`--${name} must be a number, got '${s}'`);
  return x;
}

export function integerOption(value: Raw, name: string): number | undefined {
  const x = numberOption(value, name);
  if (x !== undefined && !Number.isInteger(x)) throw new InvalidArgumentError(`--${name} must be an integer, got '${String(value)}'`);
  return x;
}

export function listOption(value: Raw, name: string): string[] | undefined {
  return stringOption(value, name)
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function numberListOption(value: Raw, name: string): number[] | undefined {
  return listOption(value, name)?.map((s) => numberOption(s, name)!);
}

/** The process flags shared by every command that takes a process. */
export const processFlags: OptionSpec = {
  process: { type: 'string' },
  'beta-min': { type: 'string' },
  'beta-max': { type: 'string' },
  beta: { type: 'string' },
  T: { type: 'string' },
};

/** --process NAME [--beta-min X --beta-max X --beta X --T X] → ProcessSpec (validated later by the API). */
export function processFromFlags(values: Record<string, Raw>): ProcessSpec {
  const spec: ProcessSpec = { name: (stringOption(values.process, 'process') ?? 'vp') as ProcessName };
  const betaMin = numberOption(values['beta-min'], 'beta-min');
  const betaMax = numberOption(values['beta-max'], 'beta-max');
  const beta = numberOption(values.beta, 'beta');
  const T = numberOption(values.T, 'T');
  if (betaMin !== undefined) spec.betaMin = betaMin;
  if (betaMax !== undefined) spec.betaMax = betaMax;
  if (beta !== undefined) spec.beta = beta;
  if (T !== undefined) spec.T = T;
  return spec;
}
