#include "random/noise.h"
#include <algorithm>
#include "random/philox_lanes.h"
#include "random/philox_normal.h"
#include "runtime/simd.h"
#include "runtime/threads.h"

namespace dw2 {

// Particles generated together: philoxLanes produces the words of up to kBatchPairs coordinate
// pairs × kLanes particles at once (SIMD intrinsics, independent chains interleaved), then one
// vector loop runs Box–Muller over all of them into small pair-major arrays (no aliasing with
// `out`; its iterations are independent, so the long polynomial chains of successive vectors
// overlap), which are then stored into the rows. Leftover rows (fewer than kLanes, or
// normalRow's single row) are generated row by row. Every value is
// normalPair(seed, particle, step, stage, pair), whichever loop computes it.
constexpr size_t kLanes = kPhiloxLanes;
constexpr size_t kBatchPairs = 8;
constexpr size_t kBatchLanes = kBatchPairs * kLanes;

template <class T>
DW2_SIMD_CLONES static void fillBlock(NoiseKey key, uint64_t firstParticle, size_t rows, size_t d, T* out) {
  const size_t pairs = (d + 1) / 2;  // the last one half used when d is odd
  alignas(64) uint32_t words[4 * kBatchLanes];
  alignas(64) double first[kBatchLanes], second[kBatchLanes];
  size_t r0 = 0;
  for (; r0 + kLanes <= rows; r0 += kLanes) {
    T* o = out + r0 * d;
    for (size_t p0 = 0; p0 < pairs; p0 += kBatchPairs) {
      const size_t np = std::min(kBatchPairs, pairs - p0), lanes = np * kLanes;
      philoxLanes(key.seed, static_cast<uint32_t>(p0), np, firstParticle + r0, key.step, key.stage, words, kBatchLanes);
      for (size_t i = 0; i < lanes; ++i) {
        const NormalPair z = normalPairFromWords(words[i], words[kBatchLanes + i], words[2 * kBatchLanes + i], words[3 * kBatchLanes + i]);
        first[i] = z.first;
        second[i] = z.second;
      }
      // Pair q of the batch is coordinates 2(p0 + q) and 2(p0 + q) + 1 (the last may not exist).
      const size_t c0 = 2 * p0, cols = std::min(2 * np, d - c0);
      for (size_t i = 0; i < kLanes; ++i) {
        T* row = o + i * d + c0;
        for (size_t c = 0; c < cols; ++c) row[c] = static_cast<T>((c & 1 ? second : first)[(c >> 1) * kLanes + i]);
      }
    }
  }
  const size_t evenPairs = d / 2;
  for (; r0 < rows; ++r0) {
    T* o = out + r0 * d;
    const uint64_t particle = firstParticle + r0;
    for (size_t p = 0; p < evenPairs; ++p) {
      const NormalPair z = normalPair(key.seed, particle, key.step, key.stage, p);
      o[2 * p] = static_cast<T>(z.first);
      o[2 * p + 1] = static_cast<T>(z.second);
    }
    if (d & 1) o[d - 1] = static_cast<T>(normalPair(key.seed, particle, key.step, key.stage, evenPairs).first);
  }
}

void normalRow(NoiseKey key, uint64_t particle, size_t d, double* out) { fillBlock(key, particle, 1, d, out); }

void normalBlock(NoiseKey key, uint64_t firstParticle, size_t rows, size_t d, double* out) {
  fillBlock(key, firstParticle, rows, d, out);
}

template <class T>
static void fillNormalsT(NoiseKey key, uint64_t firstParticle, size_t n, size_t d, T* out, Progress& progress) {
  // ~60 flops per normal; chunks keep cancellation responsive.
  const size_t rowsPerChunk = std::max<size_t>(1, (size_t(1) << 20) / std::max<size_t>(d, 1));
  const int threads = threadsFor(double(n) * double(d), 60.0);
  for (size_t start = 0; start < n; start += rowsPerChunk) {
    const size_t end = std::min(n, start + rowsPerChunk);
    const long long lo = static_cast<long long>(start), hi = static_cast<long long>(end);
    constexpr long long kBlock = 64;
#pragma omp parallel for num_threads(threads) schedule(static)
    for (long long r = lo; r < hi; r += kBlock) {
      const size_t rows = static_cast<size_t>(std::min(kBlock, hi - r));
      fillBlock(key, firstParticle + static_cast<uint64_t>(r), rows, d, out + static_cast<size_t>(r) * d);
    }
    progress.checkpoint(double(end) / double(n));
  }
}

void fillNormals(NoiseKey key, uint64_t firstParticle, size_t n, size_t d, double* out, Progress& progress) {
  fillNormalsT(key, firstParticle, n, d, out, progress);
}
void fillNormals(NoiseKey key, uint64_t firstParticle, size_t n, size_t d, float* out, Progress& progress) {
  fillNormalsT(key, firstParticle, n, d, out, progress);
}

}  // namespace dw2
