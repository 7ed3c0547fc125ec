#!/usr/bin/env bash
# Builds bench/native/kernel_parts.cc against the CPU build's kernel objects (as
# test/simd-paths/run.sh does) and runs it: the parts of a mixture sampler step, timed alone.
# Needs g++ and a prior `npx cmake-js compile`. Argument: d (default 16).
set -euo pipefail
cd "$(dirname "$0")/../.."
OBJS=$(find build/CMakeFiles/diffusion_w2.dir/native -name '*.o' | grep -v '/binding/' | grep -v '/cuda/' | grep -v 'addon.cc.o')
OUT=${TMPDIR:-/tmp}/dw2-kernel-parts-$$
trap 'rm -f "$OUT"' EXIT
g++ -std=c++17 -O2 -fopenmp -Inative -I/usr/include/eigen3 bench/native/kernel_parts.cc $OBJS -o "$OUT"
OMP_NUM_THREADS=1 "$OUT" "${1:-16}"
