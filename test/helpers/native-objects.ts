/**
 * For tests that link a small native program against the CPU build's objects (test/simd-paths,
 * test/native): whether the objects and the named tools exist, and the object files to link
 * (the kernels only: no binding, CUDA or addon entry).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const objectRoot = 'build/CMakeFiles/diffusion_w2.dir/native';

export function nativeToolsAvailable(...tools: string[]): boolean {
  if (!existsSync(objectRoot)) return false;
  try {
    for (const tool of tools) execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function kernelObjects(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'binding' && e.name !== 'cuda') walk(p);
      } else if (e.name.endsWith('.o') && e.name !== 'addon.cc.o') out.push(p);
    }
  };
  walk(objectRoot);
  return out;
}

/**
 * Builds one test program with g++ (`flags`, then the source, then `link`: objects to link) into a
 * temporary file, runs it and returns what it printed on stdout; the binary is removed either way.
 */
export function buildAndRunNative(source: string, flags: string[], link: string[] = []): string {
  const out = join(tmpdir(), `dw2-${basename(source, '.cc')}-${process.pid}`);
  try {
    execFileSync('g++', [...flags, source, ...link, '-o', out], { stdio: 'pipe', timeout: 120_000 });
    return execFileSync(out, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    rmSync(out, { force: true });
  }
}
