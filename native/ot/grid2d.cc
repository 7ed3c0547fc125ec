#include "ot/grid2d.h"
#include <algorithm>
#include <cmath>
#include <limits>

namespace dw2::ot {

Grid2D::Grid2D(const Cloud& b, size_t perCell) {
  double xmin = b.x[0], xmax = xmin, ymin = b.x[1], ymax = ymin;
  for (size_t j = 0; j < b.n; ++j) {
    xmin = std::min(xmin, b.x[2 * j]), xmax = std::max(xmax, b.x[2 * j]);
    ymin = std::min(ymin, b.x[2 * j + 1]), ymax = std::max(ymax, b.x[2 * j + 1]);
  }
  const double w = std::max(xmax - xmin, ymax - ymin);
  const double target = std::max(1.0, double(b.n) / double(std::max<size_t>(1, perCell)));
  h_ = w > 0 ? w / std::max(1.0, std::floor(std::sqrt(target))) : 1.0;
  inv_ = 1.0 / h_;
  x0_ = xmin, y0_ = ymin;
  nx_ = std::max(1, std::min(1 << 15, int((xmax - xmin) * inv_) + 1));
  ny_ = std::max(1, std::min(1 << 15, int((ymax - ymin) * inv_) + 1));
  std::vector<int32_t> cellOf(b.n);
  start_.assign(cells() + 1, 0);
  for (size_t j = 0; j < b.n; ++j) {
    cellOf[j] = int32_t(cell(cellX(b.x[2 * j]), cellY(b.x[2 * j + 1])));
    ++start_[size_t(cellOf[j]) + 1];
  }
  for (size_t c = 0; c < cells(); ++c) start_[c + 1] += start_[c];
  pts_.resize(b.n);
  std::vector<int32_t> fill(start_.begin(), start_.end() - 1);
  for (size_t j = 0; j < b.n; ++j) pts_[size_t(fill[size_t(cellOf[j])]++)] = int32_t(j);
  const double inf = std::numeric_limits<double>::infinity();
  box_.assign(4 * cells(), 0.0);
  for (size_t c = 0; c < cells(); ++c) {
    double bx0 = inf, bx1 = -inf, by0 = inf, by1 = -inf;
    for (const int32_t* p = begin(c); p != end(c); ++p) {
      const double x = b.x[2 * size_t(*p)], y = b.x[2 * size_t(*p) + 1];
      bx0 = std::min(bx0, x), bx1 = std::max(bx1, x), by0 = std::min(by0, y), by1 = std::max(by1, y);
    }
    box_[4 * c] = bx0, box_[4 * c + 1] = bx1, box_[4 * c + 2] = by0, box_[4 * c + 3] = by1;
  }
}

int Grid2D::cellX(double x) const { return std::clamp(int(std::floor((x - x0_) * inv_)), 0, nx_ - 1); }
int Grid2D::cellY(double y) const { return std::clamp(int(std::floor((y - y0_) * inv_)), 0, ny_ - 1); }

double Grid2D::lowerBound(const double* q, size_t c) const {
  const double* bx = &box_[4 * c];
  const double dx = std::max({0.0, bx[0] - q[0], q[0] - bx[1]});
  const double dy = std::max({0.0, bx[2] - q[1], q[1] - bx[3]});
  return (dx * dx + dy * dy) * (1.0 - 1e-12);
}

double Grid2D::outsideBound(const double* q, int cx, int cy, int ring) const {
  // The block covers cells cx - ring .. cx + ring; a point of a cell outside it lies
  // beyond one of the block's cell-boundary lines (points were bucketed by floor).
  const double left = x0_ + double(cx - ring) * h_, right = x0_ + double(cx + ring + 1) * h_;
  const double bottom = y0_ + double(cy - ring) * h_, top = y0_ + double(cy + ring + 1) * h_;
  if (q[0] < left || q[0] > right || q[1] < bottom || q[1] > top) return 0.0;
  double g = std::numeric_limits<double>::infinity();
  if (cx - ring > 0) g = std::min(g, q[0] - left);
  if (cx + ring < nx_ - 1) g = std::min(g, right - q[0]);
  if (cy - ring > 0) g = std::min(g, q[1] - bottom);
  if (cy + ring < ny_ - 1) g = std::min(g, top - q[1]);
  if (!std::isfinite(g)) return std::numeric_limits<double>::infinity();  // the block is the whole grid
  // Cell boundaries are computed, not exact: shrink generously against their rounding.
  g = std::max(0.0, g - 1e-9 * h_ - 1e-12 * (std::fabs(q[0]) + std::fabs(q[1]) + std::fabs(x0_) + std::fabs(y0_)));
  return g * g * (1.0 - 1e-12);
}

}  // namespace dw2::ot
