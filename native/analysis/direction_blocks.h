// The loop structure of every per-direction recursion: directions in blocks small enough
// that a block's state stays in L1 across all steps, blocks spread over OpenMP threads, and
// steps in chunks so that long runs check for cancellation.
#pragma once
#include <algorithm>
#include <cstddef>
#include "core/progress.h"
#include "runtime/threads.h"

namespace dw2::analysis {

constexpr size_t kDirectionBlock = 256;

template <class Body>
void forDirectionBlocks(size_t d, size_t steps, double flopsPerDirectionStep, Progress& progress, Body&& body) {
  const size_t blocks = (d + kDirectionBlock - 1) / kDirectionBlock;
  const size_t stepChunk = std::max<size_t>(1, size_t(4.0e7 / std::max(1.0, double(d) * flopsPerDirectionStep)));
  for (size_t s0 = 0; s0 < steps; s0 += stepChunk) {
    const size_t s1 = std::min(steps, s0 + stepChunk);
    const int threads = std::min<int>(int(blocks), threadsFor(double(d) * double(s1 - s0), flopsPerDirectionStep));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (long long b = 0; b < (long long)blocks; ++b) {
      const size_t lo = size_t(b) * kDirectionBlock, hi = std::min(d, lo + kDirectionBlock);
      body(s0, s1, lo, hi);
    }
    progress.checkpoint(double(s1) / double(steps));
  }
}

}  // namespace dw2::analysis
