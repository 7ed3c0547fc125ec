/**
 * Tests that run the package as a user would (docs snippets, examples) import dist/. When dist/ is
 * older than a source file (vitest run without `npm run build:ts` first), rebuild it once.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');

function newest(dir: string, ext: string): number {
  let t = 0;
  for (const f of readdirSync(dir, { recursive: true }) as string[]) if (f.endsWith(ext)) t = Math.max(t, statSync(join(dir, f)).mtimeMs);
  return t;
}

const fresh = () => existsSync(join(root, 'dist', 'index.js')) && newest(join(root, 'dist'), '.js') >= newest(join(root, 'lib'), '.ts');
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export function ensureBuiltDist(): void {
  if (fresh()) return;
  // One rebuild at a time across vitest's worker processes; the others wait for it.
  const lock = join(root, 'dist.build-lock');
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 120_000) throw new Error(`${lock} held for 2 min; remove it if no build is running`);
      sleep(200);
    }
  }
  try {
    if (fresh()) return;
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
  } finally {
    rmdirSync(lock);
  }
}
