#!/usr/bin/env bash
# Checks that the AVX2 clones of the SIMD kernels give the same bits as the path this CPU picks:
# builds fingerprint.cc against the CPU build's objects, runs it natively and under valgrind
# (whose emulated CPU has AVX2 but no AVX-512), and compares everything but the path line.
# Needs g++, valgrind and a prior `npx cmake-js compile`. Exit 0 when the fingerprints agree.
set -euo pipefail
cd "$(dirname "$0")/../.."
OBJS=$(find build/CMakeFiles/diffusion_w2.dir/native -name '*.o' | grep -v '/binding/' | grep -v '/cuda/' | grep -v 'addon.cc.o')
OUT=${TMPDIR:-/tmp}/dw2-simd-fingerprint
INCLUDES="-Inative -I/usr/include/eigen3"
g++ -std=c++17 -O1 -fopenmp $INCLUDES test/simd-paths/fingerprint.cc $OBJS -o "$OUT"
native=$("$OUT")
emulated=$(OMP_NUM_THREADS=2 valgrind -q "$OUT")
echo "native:   $(echo "$native" | head -1)"
echo "valgrind: $(echo "$emulated" | head -1)"
if [ "$(echo "$native" | tail -n +2)" != "$(echo "$emulated" | tail -n +2)" ]; then
  diff <(echo "$native") <(echo "$emulated") || true
  echo "FAIL: the SIMD paths differ"
  exit 1
fi
echo "$native" | tail -n +2
echo "OK: identical fingerprints"
