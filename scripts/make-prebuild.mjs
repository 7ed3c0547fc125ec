// Builds the native module and lays it out as a prebuild that node-gyp-build finds:
// prebuilds/<platform>-<arch>/diffusion-w2.napi.node, with libgomp.so.1 beside it
// (RUNPATH $ORIGIN), so it loads on images without an OpenMP runtime. Writes
// requirements.json beside them: the newest glibc / libstdc++ symbol versions the two
// files import (measured with objdump -T), i.e. the oldest system they load on.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const built = join(root, 'build', 'Release', 'diffusion_w2.node');

if (!process.argv.includes('--no-build')) {
  execFileSync(process.execPath, [require.resolve('cmake-js/bin/cmake-js'), 'compile', '--directory', root], { stdio: 'inherit', cwd: root });
}
if (!existsSync(built)) throw new Error(`no native build at ${built}`);

const ldd = execFileSync('ldd', [built], { encoding: 'utf8' });
// A sanitizer or CUDA-debug build must never be released.
if (/lib(asan|ubsan|tsan)/.test(ldd)) throw new Error(`${built} is a sanitizer build; rebuild without DW2_SANITIZE before packing`);
const gomp = /libgomp\.so\.1 => (\S+)/.exec(ldd)?.[1];
if (!gomp) throw new Error(`libgomp.so.1 not found in ldd output:\n${ldd}`);

const dir = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
copyFileSync(built, join(dir, 'diffusion-w2.napi.node'));
// Ship the OpenMP runtime the module was linked against.
copyFileSync(gomp, join(dir, 'libgomp.so.1'));

/** The newest `PREFIX_x.y.z` symbol version a shared object imports (objdump -T), or null. */
function newestVersion(file, prefix) {
  let dump;
  try {
    dump = execFileSync('objdump', ['-T', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch {
    return null; // binutils absent: requirements stay unmeasured rather than guessed
  }
  const versions = [...dump.matchAll(new RegExp(`\\(${prefix}_([0-9.]+)\\)`, 'g'))].map((m) => m[1].split('.').map(Number));
  versions.sort((a, b) => { for (let i = 0; i < Math.max(a.length, b.length); i++) { const d = (a[i] ?? 0) - (b[i] ?? 0); if (d) return d; } return 0; });
  return versions.length ? versions.at(-1).join('.') : null;
}
const max = (a, b) => (a === null ? b : b === null ? a : [a, b].sort((x, y) => x.localeCompare(y, undefined, { numeric: true }))[1]);
const requirements = {
  glibc: max(newestVersion(built, 'GLIBC'), newestVersion(gomp, 'GLIBC')),
  glibcxx: newestVersion(built, 'GLIBCXX'),
  napi: 8,
};
writeFileSync(join(dir, 'requirements.json'), `${JSON.stringify(requirements, null, 2)}\n`);
console.log(`prebuild written to ${dir} (with ${gomp}); needs glibc >= ${requirements.glibc}, libstdc++ GLIBCXX_${requirements.glibcxx}`);
