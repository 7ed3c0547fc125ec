#!/usr/bin/env node
/**
 * The `dw2` command-line program: one subcommand per file in lib/cli/. This file owns what every
 * command shares: help and version, "did you mean" for commands, output paths checked before the
 * work, and errors printed as one line `dw2 CMD: CODE: message` (one JSON object on stdout under
 * --json), never a stack (DW2_DEBUG=1 adds it).
 */
import { DivergedError, DW2Error, InvalidArgumentError } from './errors.js';
import { asFlags, didYouMean } from './cli/args.js';
import { checkWritable, flagValue, type OutputKind } from './cli/output-check.js';

type Command = { usage: string; run: (argv: string[]) => Promise<void> };

const commands: Record<string, () => Promise<Command>> = {
  demo: () => import('./cli/demo.js'),
  study: () => import('./cli/study.js'),
  info: () => import('./cli/info.js'),
  noise: () => import('./cli/noise.js'),
  sample: () => import('./cli/sample.js'),
  coupled: () => import('./cli/coupled.js'),
  gaussian: () => import('./cli/gaussian.js'),
  'ot-prior': () => import('./cli/ot-prior.js'),
  w2: () => import('./cli/w2.js'),
  'score-error': () => import('./cli/score-error.js'),
};

/** Output flags per command (or `command subcommand`), checked writable before the command runs. */
const outputs: Record<string, Record<string, OutputKind>> = {
  demo: { out: 'dir' },
  study: { out: 'dir' },
  noise: { out: 'file' },
  sample: { out: 'file' },
  gaussian: { csv: 'file' },
  'ot-prior fit': { out: 'prefix' },
  'ot-prior sample': { out: 'file' },
};

/** Commands whose first argument names a subcommand. */
const subcommands: Record<string, string[]> = { 'ot-prior': ['fit', 'sample'] };

const defaultOutputs: Record<string, Record<string, string>> = { demo: { out: 'demo-out' } };

async function loadVersion(): Promise<string> {
  return (await import('./version.js')).version;
}

async function help(): Promise<string> {
  const all = await Promise.all(Object.values(commands).map((load) => load()));
  return (
    `usage: dw2 <command> [options]        dw2 <command> --help        dw2 --version\n\n` +
    `${all.map((c) => c.usage).join('\n\n')}\n\n` +
    `Every command: --json prints one JSON object on stdout (errors too: {"error":{"code","message"}}).\n` +
    `Progress goes to stderr (DW2_PROGRESS=0 turns it off). Exit status: 0 done, 2 bad input or a typed\n` +
    `library error, 1 an I/O or unexpected error.`
  );
}

function checkOutputs(name: string, argv: string[]): void {
  const key = name === 'ot-prior' && (argv[0] === 'fit' || argv[0] === 'sample') ? `${name} ${argv[0]}` : name;
  for (const [flag, kind] of Object.entries(outputs[key] ?? {})) {
    const value = flagValue(argv, flag) ?? defaultOutputs[key]?.[flag];
    if (value !== undefined && !value.startsWith('--')) checkWritable(value, kind, `--${flag}`);
  }
}

/** The error as { code, message }: DW2Error codes, Node's system error codes (ENOSPC, …), else INTERNAL. */
function describe(e: unknown): { code: string; message: string; exit: number } {
  if (e instanceof DW2Error) return { code: e.code, message: e.message, exit: 2 };
  const err = e as NodeJS.ErrnoException;
  const message = (err instanceof Error ? err.message : String(e)).replace(/\s*\n\s*/g, ' ').trim();
  // The only parser the commands run on their inputs is JSON.parse (configs, results.json to resume).
  if (err instanceof SyntaxError) return { code: 'INVALID_ARGUMENT', message: `malformed JSON in an input file: ${message}`, exit: 2 };
  if (err instanceof Error && typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code))
    return { code: err.code, message: message.replace(new RegExp(`^${err.code}: `), ''), exit: 1 };
  return { code: 'INTERNAL', message: `${message} (an unexpected error: please report it; DW2_DEBUG=1 prints the stack)`, exit: 1 };
}

function report(e: unknown, command: string | undefined, json: boolean, usage = ''): number {
  const described = describe(e);
  const { code, exit } = described;
  const message = usage ? asFlags(described.message, usage) : described.message;
  // A run that blew up says how many particles and from which step (DivergedError), in JSON too.
  const diverged = e instanceof DivergedError ? { diverged: e.diverged } : {};
  if (json) console.log(JSON.stringify({ error: { code, message, ...(command ? { command } : {}), ...diverged } }));
  else console.error(`dw2${command ? ` ${command}` : ''}: ${code}: ${message}`);
  if (process.env.DW2_DEBUG) console.error(e);
  return exit;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const json = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : undefined).includes('--json');
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic !== undefined && commands[topic]) console.log((await commands[topic]()).usage);
    else console.log(await help());
    return 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(await loadVersion());
    return 0;
  }
  const load = commands[name];
  if (!load) {
    const guess = didYouMean(name, Object.keys(commands));
    const what = name.startsWith('-') ? `unknown option ${name}` : `unknown command '${name}'`;
    return report(new InvalidArgumentError(`${what}${guess ? ` (did you mean '${guess}'?)` : ''}; commands: ${Object.keys(commands).join(', ')}; dw2 --help shows them all`), undefined, json);
  }
  let usage = '';
  try {
    const command = await load();
    usage = command.usage;
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(command.usage);
      return 0;
    }
    const sub = subcommands[name];
    if (sub && rest[0] !== undefined && !rest[0].startsWith('-') && !sub.includes(rest[0])) {
      const guess = didYouMean(rest[0], sub);
      throw new InvalidArgumentError(`unknown subcommand '${rest[0]}'${guess ? ` (did you mean '${guess}'?)` : ''}; dw2 ${name} takes ${sub.join(' | ')}`);
    }
    checkOutputs(name, rest);
    await command.run(rest);
    return 0;
  } catch (e) {
    return report(e, name, json, usage);
  }
}

// Errors raised outside the command's promise (a throwing callback, a stream error) get the same one line.
for (const event of ['uncaughtException', 'unhandledRejection'] as const)
  process.on(event, (e: unknown) => process.exit(report(e, process.argv[2], process.argv.includes('--json'))));

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.exitCode = report(e, undefined, process.argv.includes('--json'));
  },
);
