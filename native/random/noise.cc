#include "random/noise.h"
#include <algorithm>
#include <type_traits>
#include "random/philox_lanes.h"
#include "random/philox_normal.h"
#include "runtime/simd.h"
#include "runtime/threads.h"
#include "targets/lanes.h"

namespace dw2 {

// Particles generated together: philoxLanes produces the words of up to kBatchPairs coordinate
// pairs × kLanes particles at once (SIMD intrinsics, independent chains interleaved), then one
// vector loop per pair runs Box–Muller over them into a small column-major array (no aliasing
// with `out`, no calls in between, so the long polynomial chains of successive vectors overlap),
// which 8 × 8 register transposes then store into the rows. Leftover rows (fewer than kLanes, or
// normalRow's single row) are generated row by row. Every value is
// normalPair(seed, particle, step, stage, pair), whichever loop computes it.
constexpr size_t kLanes = kPhiloxLanes;
constexpr size_t kBatchPairs = 8;
constexpr size_t kBatchLanes = kBatchPairs * kLanes;

// Pairs whose Box–Muller chains run interleaved (philox_normal.h normalPairsFromWords).
constexpr size_t kInterleave = 4;

// G consecutive pairs of a batch, kLanes particles each: words (row stride kBatchLanes) →
// columns (pair q's first normals at 2q·kLanes, its second ones kLanes further).
template <int G>
__attribute__((always_inline)) inline void boxMullerColumns(const uint32_t* words, double* columns) {
  for (size_t i = 0; i < kLanes; ++i) {
    uint32_t w[4][G];
    double first[G], second[G];
    for (int g = 0; g < G; ++g)
      for (int k = 0; k < 4; ++k) w[k][g] = words[k * kBatchLanes + g * kLanes + i];
    normalPairsFromWords<G>(w[0], w[1], w[2], w[3], first, second);
    for (int g = 0; g < G; ++g) {
      columns[2 * g * kLanes + i] = first[g];
      columns[(2 * g + 1) * kLanes + i] = second[g];
    }
  }
}

template <class T>
DW2_SIMD_CLONES static void fillBlock(NoiseKey key, uint64_t firstParticle, size_t rows, size_t d, T* out) {
  const size_t pairs = (d + 1) / 2;  // the last one half used when d is odd
  alignas(64) uint32_t words[4 * kBatchLanes];
  // The batch's normals by column: coordinate 2(p0 + q) + e of particle i at (2q + e)·kLanes + i.
  alignas(64) double columns[2 * kBatchLanes];
  size_t r0 = 0;
  for (; r0 + kLanes <= rows; r0 += kLanes) {
    T* o = out + r0 * d;
    for (size_t p0 = 0; p0 < pairs; p0 += kBatchPairs) {
      const size_t np = std::min(kBatchPairs, pairs - p0);
      philoxLanes(key.seed, static_cast<uint32_t>(p0), np, firstParticle + r0, key.step, key.stage, words, kBatchLanes);
      size_t q = 0;
      for (; q + kInterleave <= np; q += kInterleave) boxMullerColumns<kInterleave>(words + q * kLanes, columns + 2 * q * kLanes);
      for (; q < np; ++q) boxMullerColumns<1>(words + q * kLanes, columns + 2 * q * kLanes);
      // Into the rows: 8 × 8 tiles by register transposes (float64), else element by element.
      const size_t c0 = 2 * p0, cols = std::min(2 * np, d - c0);
      if constexpr (std::is_same_v<T, double>) {
        fromColumns<kLanes>(kLanes, cols, columns, o + c0, d);
      } else {
        for (size_t i = 0; i < kLanes; ++i)
          for (size_t c = 0; c < cols; ++c) o[i * d + c0 + c] = static_cast<T>(columns[c * kLanes + i]);
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
