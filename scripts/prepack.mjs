// `npm pack` / `npm publish` hook: what is packed is always built from this checkout's
// sources, with the prebuild in it. dist/ is rebuilt from scratch (no stale modules of
// deleted sources), the native module is compiled (incrementally) and laid out as the prebuild.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const run = (args) => execFileSync(process.execPath, args, { stdio: 'inherit', cwd: root });

rmSync(join(root, 'dist'), { recursive: true, force: true });
run([require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')]);
run([join(root, 'scripts', 'make-prebuild.mjs')]);
