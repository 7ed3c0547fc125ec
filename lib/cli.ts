#!/usr/bin/env node
/** The `dw2` command-line program: one subcommand per file in lib/cli/. */
import { DW2Error } from './errors.js';

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
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const all = await Promise.all(Object.values(commands).map((load) => load()));
    console.log(`usage: dw2 <command> [options]\n\n${all.map((c) => c.usage).join('\n\n')}`);
    return name === undefined ? 1 : 0;
  }
  const load = commands[name];
  if (!load) {
    console.error(`dw2: unknown command '${name}'. Commands: ${Object.keys(commands).join(', ')}`);
    return 2;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    await command.run(rest);
    return 0;
  } catch (e) {
    if (e instanceof DW2Error) {
      console.error(`dw2 ${name}: ${e.code}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(e);
    process.exitCode = 1;
  },
);
