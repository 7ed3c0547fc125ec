#!/usr/bin/env bash
# Proves the packed tarball installs and loads in an empty folder:
#  1. with the prebuild and no compiler on PATH (nothing is compiled),
#  2. with the prebuild's libgomp as the only OpenMP runtime,
#  3. without a usable prebuild, by falling back to a source build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Pack exactly as a release does: plain `npm pack`, with no prebuild and no dist/ present
# beforehand, so the prepack hook alone must produce them.
rm -rf prebuilds dist
tgz=$(npm pack --silent --pack-destination "$work" 2>"$work/pack.log" | tail -n 1) || { cat "$work/pack.log"; exit 1; }
tar -tzf "$work/$tgz" >"$work/contents.txt"
for f in prebuilds/linux-x64/diffusion-w2.napi.node prebuilds/linux-x64/libgomp.so.1 prebuilds/linux-x64/requirements.json \
  LICENSE README.md dist/index.js dist/index.d.ts dist/cli.js; do
  grep -qx "package/$f" "$work/contents.txt" || { echo "the tarball lacks $f"; exit 1; }
done
if grep -E '^package/(build|test|bench|lib|node_modules)/' "$work/contents.txt"; then echo "the tarball ships development folders"; exit 1; fi
# Every source map carries its sources (the .ts files are not shipped).
mkdir -p "$work/unpacked" && tar -xzf "$work/$tgz" -C "$work/unpacked"
node -e '
  const fs = require("fs"), path = require("path");
  const maps = fs.readdirSync(process.argv[1], { recursive: true }).filter((f) => f.endsWith(".js.map"));
  const bad = maps.filter((f) => { const m = JSON.parse(fs.readFileSync(path.join(process.argv[1], f), "utf8")); return !m.sourcesContent || m.sourcesContent.length !== m.sources.length || m.sourcesContent.some((s) => typeof s !== "string"); });
  if (maps.length === 0 || bad.length) { console.error("source maps without sourcesContent:", bad); process.exit(1); }
  const req = JSON.parse(fs.readFileSync(path.join(process.argv[1], "prebuilds/linux-x64/requirements.json"), "utf8"));
  if (!req.glibc || !req.glibcxx) { console.error("requirements.json lacks the measured glibc/libstdc++ floor (objdump missing?)", req); process.exit(1); }
  console.log(`pack-test: ${maps.length} source maps carry their sources; prebuild needs glibc >= ${req.glibc}, GLIBCXX_${req.glibcxx}`);
' "$work/unpacked/package"
echo "pack-test: tarball $tgz ($(du -k "$work/$tgz" | cut -f1) kB) holds the prebuild, libgomp, LICENSE and dist/"

# npm 11.19 still runs a dependency's install script but warns unless the project lists it
# in allowScripts (a tarball is keyed by its file: path); listing it keeps the log clean and
# keeps working if a later npm enforces the list. (The prebuild itself needs no install script.)
scratch_package() {
  printf '{"name":"scratch","version":"1.0.0","private":true,"allowScripts":{"file:%s":true}}\n' "$work/$tgz"
}

probe='import("diffusion-w2").then(m => { const z = m.normalsSync({ seed: 7, n: 4, d: 3 }); if (z.data.length !== 12) process.exit(2); console.log("loaded", m.runtimeInfo().simd); })'

# 1. No compiler on PATH: a PATH holding only node and npm.
mkdir -p "$work/bin" "$work/a"
ln -s "$(command -v node)" "$work/bin/node"
ln -s "$(command -v npm)" "$work/bin/npm"
ln -s "$(command -v sh)" "$work/bin/sh"
for tool in cc gcc g++ c++ cmake make; do PATH="$work/bin" command -v "$tool" >/dev/null && { echo "$tool is still reachable"; exit 1; }; done
t0=$(date +%s%N)
(cd "$work/a" && scratch_package >package.json && PATH="$work/bin" npm install --no-audit --no-fund --prefer-offline --foreground-scripts "$work/$tgz" >install.log 2>&1) ||
  { cat "$work/a/install.log"; exit 1; }
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
grep -q 'using the prebuilt native module' "$work/a/install.log" || { cat "$work/a/install.log"; echo "prebuild was not used"; exit 1; }
test ! -e "$work/a/node_modules/diffusion-w2/build" || { echo "something was compiled"; exit 1; }
(cd "$work/a" && PATH="$work/bin" node -e "$probe")
echo "pack-test: prebuilt install (${ms} ms, dependencies from the npm cache) loads without a compiler"

# 2. The shipped libgomp is the one resolved.
lddout=$(ldd "$work/a/node_modules/diffusion-w2/prebuilds/linux-x64/diffusion-w2.napi.node")
echo "$lddout" | grep -q "libgomp.so.1 => $work/a/node_modules/diffusion-w2/prebuilds/linux-x64/libgomp.so.1" ||
  { echo "$lddout"; echo "libgomp is not resolved beside the prebuild"; exit 1; }
echo "pack-test: libgomp resolves through RUNPATH \$ORIGIN"

# 3. Forced source build.
mkdir -p "$work/b"
(cd "$work/b" && scratch_package >package.json && npm_config_build_from_source=true npm install --no-audit --no-fund --prefer-offline --foreground-scripts "$work/$tgz" >install.log 2>&1) ||
  { cat "$work/b/install.log"; exit 1; }
test -e "$work/b/node_modules/diffusion-w2/build/Release/diffusion_w2.node" || { cat "$work/b/install.log"; echo "no source build"; exit 1; }
(cd "$work/b" && node -e "$probe")
echo "pack-test: source-build fallback loads"
echo "pack-test: 3 passed, 0 failed"
