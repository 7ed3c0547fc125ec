// A uniform grid over a 2-D point cloud: points bucketed by cell, with each cell's
// exact bounding box (so distance bounds hold without rounding doubts). Used for
// k-nearest-neighbour candidate sets and for pruning the certificate's all-pairs scan.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>
#include "ot/cost.h"

namespace dw2::ot {

class Grid2D {
 public:
  // About `perCell` points per cell on average.
  Grid2D(const Cloud& b, size_t perCell);

  int nx() const { return nx_; }
  int ny() const { return ny_; }
  size_t cells() const { return size_t(nx_) * size_t(ny_); }
  // The cell a position falls in (clamped to the grid).
  int cellX(double x) const;
  int cellY(double y) const;
  size_t cell(int cx, int cy) const { return size_t(cy) * size_t(nx_) + size_t(cx); }
  // Points of a cell: pts()[begin(c) .. end(c)).
  const int32_t* begin(size_t c) const { return pts_.data() + start_[c]; }
  const int32_t* end(size_t c) const { return pts_.data() + start_[c + 1]; }
  bool empty(size_t c) const { return start_[c] == start_[c + 1]; }
  // A lower bound on |q - b_j|^2 over the points of cell c (0 for an empty cell's
  // callers to skip): squared distance from q to the cell's exact bounding box,
  // shrunk by a relative 1e-12 against rounding.
  double lowerBound(const double* q, size_t c) const;
  // A lower bound on |q - x|^2 for every point x in a cell outside the square block of
  // cells within `ring` steps (Chebyshev) of (cx, cy); 0 when q lies outside the block.
  double outsideBound(const double* q, int cx, int cy, int ring) const;

 private:
  double x0_ = 0, y0_ = 0, h_ = 1, inv_ = 1;
  int nx_ = 1, ny_ = 1;
  std::vector<int32_t> start_, pts_;
  std::vector<double> box_;  // per cell: xmin, xmax, ymin, ymax
};

}  // namespace dw2::ot
