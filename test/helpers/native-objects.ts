/**
 * For tests that link a small native program against the CPU build's objects (test/simd-paths,
 * test/native): whether the objects and the named tools exist, and the object files to link
 * (the kernels only: no binding, CUDA or addon entry).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

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
