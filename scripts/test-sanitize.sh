#!/usr/bin/env bash
# npm run test:sanitize — the addon built with AddressSanitizer + UndefinedBehaviorSanitizer (-O1)
# into build-sanitize/, then test files and a fuzz pass run against it with libasan preloaded into
# node. Any memory error or undefined behaviour aborts the process, which fails the run.
#   DW2_SANITIZE_TESTS  test files to run (default: reliability, fuzz, samplers, Brownian path, local
#                       linearization, score kernels, exact W2 and analysis tests)
#   DW2_FUZZ_MS         fuzz budget per seed in ms (default 20000); DW2_FUZZ_SEEDS (default 1,2,3)
set -euo pipefail
cd "$(dirname "$0")/.."
DW2_SANITIZE=1 npx cmake-js compile --out build-sanitize
libasan="$(c++ -print-file-name=libasan.so)"
[ -f "$libasan" ] || { echo "test:sanitize: libasan.so not found (install the compiler's sanitizer runtime)" >&2; exit 2; }
libubsan="$(c++ -print-file-name=libubsan.so)"
export LD_PRELOAD="$libasan $libubsan"
# Leaks are not checked: node itself keeps allocations until exit. Everything else stops the run.
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1:detect_stack_use_after_return=0:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export DW2_NATIVE_PATH=build-sanitize/Release/diffusion_w2.node
export DW2_FUZZ_MS="${DW2_FUZZ_MS:-20000}" DW2_FUZZ_SEEDS="${DW2_FUZZ_SEEDS:-1,2,3}"
tests="${DW2_SANITIZE_TESTS:-test/reliability-callbacks.test.ts test/reliability-finite.test.ts test/reliability-files.test.ts test/reliability-typed.test.ts test/fuzz.test.ts test/sample.test.ts test/score-batch.test.ts test/score-kernels.test.ts test/w2.test.ts test/w2-duplicates.test.ts test/w2-sparse.test.ts test/w2-estimates.test.ts test/w2-overflow.test.ts test/samplers-transcription.test.ts test/samplers-errors.test.ts test/samplers-analysis.test.ts test/brownian-path.test.ts test/coupled.test.ts test/local-linearization.test.ts test/local-linearization-stability.test.ts test/local-linearization-krylov.test.ts test/local-linearization-lanes.test.ts test/local-linearization-step-noise.test.ts test/sample-moments.test.ts test/targets.test.ts test/gaussian.test.ts test/gaussian-accuracy.test.ts test/noise.test.ts test/model-parameterization.test.ts test/fast-path.test.ts test/ot-prior-integration.test.ts test/ot-prior-2d.test.ts test/sampler-names.test.ts}"
# shellcheck disable=SC2086
npx vitest run $tests
