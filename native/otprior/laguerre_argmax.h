// The cost centre of semi-discrete optimal transport: for each source point z, the
// Laguerre cell it falls in, argmax_i ⟨z, s·y_i⟩ + h_i, and the top-2 gap (best − second).
//
// Cells are packed once into tiles of kCellTile cells stored coordinate-major, so the
// inner loop is a rank-1 update over a tile (a small GEMM micro-kernel) that vectorizes
// over cells; the argmax is fused into the tile loop, so scores are never stored.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>
#include "core/progress.h"

namespace dw2 {

constexpr size_t kCellTile = 16;

struct PackedCells {
  size_t m = 0;      // cells
  size_t d = 0;      // dimension
  size_t tiles = 0;  // ceil(m / kCellTile)
  // tiles × d × kCellTile: scoreVectors[(t·d + k)·kCellTile + w] = scale · y[(t·kCellTile + w)·d + k]
  std::vector<double> scoreVectors;
  // tiles × kCellTile; padding cells get −∞ so they never win and weigh nothing.
  std::vector<double> offsets;
};

// Packs y (m × d, row-major) with weights h (m) for source scale `scale` (the source is
// N(0, scale² I); scores use scale·y). Throws on non-finite input.
PackedCells packCells(const double* y, const double* h, size_t m, size_t d, double scale);

// Scores are summed over k in increasing order starting from 0.0, then h is added, with no
// fused multiply-add, so they equal the plain loop bit for bit. Ties go to the lowest index.
// bestIndex[r] ∈ [0, m); gap[r] = best − second (+∞ when m = 1) and secondIndex[r] the
// runner-up (−1 when m = 1); gap and secondIndex may be null.
void laguerreArgmax(const PackedCells& cells, const double* z, size_t n, int32_t* bestIndex, double* gap = nullptr,
                    int32_t* secondIndex = nullptr, Progress& progress = noProgress());

// Scores of `rows` source points against every cell: out[r·m + i] = ⟨z_r, s·y_i⟩ + h_i.
void cellScores(const PackedCells& cells, const double* z, size_t rows, double* out);

}  // namespace dw2
