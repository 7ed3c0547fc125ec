#include "otprior/laguerre_argmax.h"
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include "core/errors.h"
#include "core/parallel_failure.h"
#include "runtime/simd.h"
#include "runtime/threads.h"

namespace dw2 {

namespace {

constexpr size_t kRowGroup = 4;     // source rows sharing each loaded tile (register blocking)
constexpr size_t kRowBlock = 256;   // rows per task: a block of z stays in L1/L2 ...
constexpr size_t kChunkBytes = 256 * 1024;  // ... while a chunk of packed cells stays in L2

// Eight cells of a tile as one value: GCC lowers it to one AVX-512, two AVX2 or four SSE2
// registers in the respective clones, so the micro-kernel below is written once.
typedef double Lane8 __attribute__((vector_size(64)));
static_assert(kCellTile == 16 && kRowGroup == 4, "the micro-kernel is unrolled for 4 rows x 16 cells");

inline void loadLane(Lane8& v, const double* p) { std::memcpy(&v, p, sizeof v); }

// acc[r][w] = (Σ_k z[r][k] · tile[k][w]) + h[w], summed in increasing k from 0.0: the GEMM-like
// micro-kernel, 4 rows × 16 cells held in 8 accumulators (a rank-1 update per coordinate).
inline void tileDots(const double* z, size_t d, const double* tile, const double* h, double acc[kRowGroup][kCellTile]) {
  Lane8 a00 = {}, a01 = {}, a10 = {}, a11 = {}, a20 = {}, a21 = {}, a30 = {}, a31 = {};
  const double *z0 = z, *z1 = z + d, *z2 = z + 2 * d, *z3 = z + 3 * d;
  for (size_t k = 0; k < d; ++k) {
    Lane8 t0, t1;
    loadLane(t0, tile + k * kCellTile);
    loadLane(t1, tile + k * kCellTile + 8);
    a00 += z0[k] * t0;
    a01 += z0[k] * t1;
    a10 += z1[k] * t0;
    a11 += z1[k] * t1;
    a20 += z2[k] * t0;
    a21 += z2[k] * t1;
    a30 += z3[k] * t0;
    a31 += z3[k] * t1;
  }
  Lane8 h0, h1;
  loadLane(h0, h);
  loadLane(h1, h + 8);
  const Lane8 out[8] = {a00 + h0, a01 + h1, a10 + h0, a11 + h1, a20 + h0, a21 + h1, a30 + h0, a31 + h1};
  std::memcpy(acc, out, sizeof out);
}

// One block of rows (a multiple of kRowGroup, zero-padded) against tiles [t0, t1).
DW2_SIMD_CLONES void argmaxBlock(const PackedCells& c, const double* z, size_t rows, size_t t0, size_t t1, double* best,
                                 double* second, int32_t* index, int32_t* secondIndex) {
  const size_t d = c.d;
  alignas(64) double acc[kRowGroup][kCellTile];
  for (size_t r0 = 0; r0 < rows; r0 += kRowGroup) {
    for (size_t t = t0; t < t1; ++t) {
      tileDots(z + r0 * d, d, c.scoreVectors.data() + t * d * kCellTile, c.offsets.data() + t * kCellTile, acc);
      for (size_t r = 0; r < kRowGroup; ++r) {
        double b = best[r0 + r], s2 = second[r0 + r];
        int32_t bi = index[r0 + r], si = secondIndex[r0 + r];
        for (size_t w = 0; w < kCellTile; ++w) {
          const double v = acc[r][w];
          const int32_t i = static_cast<int32_t>(t * kCellTile + w);
          if (v > b) {  // strict: the earlier (lower) index keeps ties
            s2 = b;
            si = bi;
            b = v;
            bi = i;
          } else if (v > s2) {
            s2 = v;
            si = i;
          }
        }
        best[r0 + r] = b;
        second[r0 + r] = s2;
        index[r0 + r] = bi;
        secondIndex[r0 + r] = si;
      }
    }
  }
}

DW2_SIMD_CLONES void scoreBlock(const PackedCells& c, const double* z, size_t rows, double* out) {
  const size_t d = c.d, m = c.m;
  alignas(64) double acc[kRowGroup][kCellTile];
  for (size_t r0 = 0; r0 < rows; r0 += kRowGroup)
    for (size_t t = 0; t < c.tiles; ++t) {
      tileDots(z + r0 * d, d, c.scoreVectors.data() + t * d * kCellTile, c.offsets.data() + t * kCellTile, acc);
      for (size_t r = 0; r < kRowGroup && r0 + r < rows; ++r)
        for (size_t w = 0; w < kCellTile && t * kCellTile + w < m; ++w) out[(r0 + r) * m + t * kCellTile + w] = acc[r][w];
    }
}

size_t tilesPerChunk(size_t d) { return std::max<size_t>(1, kChunkBytes / (std::max<size_t>(d, 1) * kCellTile * sizeof(double))); }

}  // namespace

PackedCells packCells(const double* y, const double* h, size_t m, size_t d, double scale) {
  if (m == 0) fail(ErrorCode::InvalidArgument, "at least one cell (m >= 1) is needed");
  if (m > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
    fail(ErrorCode::TooLarge, "too many cells: " + std::to_string(m));
  if (!std::isfinite(scale) || !(scale > 0)) fail(ErrorCode::InvalidArgument, "source scale must be finite and > 0");
  PackedCells c;
  c.m = m;
  c.d = d;
  c.tiles = (m + kCellTile - 1) / kCellTile;
  c.scoreVectors.assign(c.tiles * d * kCellTile, 0.0);
  c.offsets.assign(c.tiles * kCellTile, -std::numeric_limits<double>::infinity());
  for (size_t i = 0; i < m; ++i) {
    if (!std::isfinite(h[i])) fail(ErrorCode::NonFinite, "weights contain a non-finite value at index " + std::to_string(i));
    const size_t t = i / kCellTile, w = i % kCellTile;
    c.offsets[i] = h[i];
    for (size_t k = 0; k < d; ++k) {
      const double v = y[i * d + k];
      if (!std::isfinite(v)) fail(ErrorCode::NonFinite, "points contain a non-finite value at row " + std::to_string(i));
      c.scoreVectors[(t * d + k) * kCellTile + w] = scale * v;
    }
  }
  return c;
}

void laguerreArgmax(const PackedCells& c, const double* z, size_t n, int32_t* bestIndex, double* gap, int32_t* secondIndex,
                    Progress& progress) {
  if (n == 0) return;
  const size_t d = c.d;
  const size_t blocks = (n + kRowBlock - 1) / kRowBlock;
  const size_t chunk = tilesPerChunk(d);
  const int threads = threadsFor(double(n) * double(c.tiles * kCellTile), 2.0 * double(d) + 4.0);
  // Blocks are processed in rounds so that cancellation and progress stay responsive.
  const size_t perRound = std::max<size_t>(1, size_t(threads) * std::max<size_t>(1, (size_t(1) << 27) / (kRowBlock * c.tiles * kCellTile * std::max<size_t>(d, 1) + 1)));
  for (size_t b0 = 0; b0 < blocks; b0 += perRound) {
    const long long lo = static_cast<long long>(b0), hi = static_cast<long long>(std::min(blocks, b0 + perRound));
    ParallelFailure failure;
#pragma omp parallel num_threads(threads)
    {
      std::vector<double> zb, best, second;
      std::vector<int32_t> index, index2;
      failure.guard([&] { zb.resize(kRowBlock * d), best.resize(kRowBlock), second.resize(kRowBlock), index.resize(kRowBlock), index2.resize(kRowBlock); });
#pragma omp for schedule(dynamic, 1)
      for (long long b = lo; b < hi; ++b) failure.guard([&] {
        const size_t r0 = static_cast<size_t>(b) * kRowBlock;
        const size_t rows = std::min(kRowBlock, n - r0);
        const size_t padded = (rows + kRowGroup - 1) / kRowGroup * kRowGroup;
        std::copy(z + r0 * d, z + (r0 + rows) * d, zb.begin());
        std::fill(zb.begin() + rows * d, zb.begin() + padded * d, 0.0);
        std::fill(best.begin(), best.end(), -std::numeric_limits<double>::infinity());
        std::fill(second.begin(), second.end(), -std::numeric_limits<double>::infinity());
        std::fill(index.begin(), index.end(), -1);
        std::fill(index2.begin(), index2.end(), -1);
        for (size_t t0 = 0; t0 < c.tiles; t0 += chunk)
          argmaxBlock(c, zb.data(), padded, t0, std::min(c.tiles, t0 + chunk), best.data(), second.data(), index.data(),
                      index2.data());
        for (size_t r = 0; r < rows; ++r) {
          bestIndex[r0 + r] = index[r];
          if (gap) gap[r0 + r] = best[r] - second[r];
          if (secondIndex) secondIndex[r0 + r] = index2[r];
        }
      });
    }
    failure.rethrow();
    progress.checkpoint(double(hi) / double(blocks));
  }
}

void cellScores(const PackedCells& c, const double* z, size_t rows, double* out) {
  const size_t padded = (rows + kRowGroup - 1) / kRowGroup * kRowGroup;
  std::vector<double> zb(padded * c.d, 0.0);
  std::copy(z, z + rows * c.d, zb.begin());
  scoreBlock(c, zb.data(), rows, out);  // reads whole row groups of zb, writes rows × m (no padding rows)
}

}  // namespace dw2
