// Squared-Euclidean transport costs C(i, j) = |a_i - b_j|^2 between two point clouds.
//
// Every entry is evaluated as the direct difference sum_k (a_ik - b_jk)^2, in
// coordinate order k = 0..d-1, by every code path (scalar, SIMD rows, dense
// matrix). The expanded form |a|^2 + |b|^2 - 2 a.b is never used: it cancels
// catastrophically when a_i is close to b_j (a relative error of order
// eps * |a|^2 / |a - b|^2), and nearby pairs are exactly the ones an optimal
// plan uses. With -ffp-contract=off the paths agree bit for bit, so a
// certificate recomputed from coordinates sees exactly the costs the solver saw.
//
// Costs are read from a dense n x m matrix when one was built (8nm bytes), and
// otherwise computed on demand from coordinates in O((n + m) d) memory.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>
#include "core/progress.h"

namespace dw2::ot {

class ExpandedCosts;  // cost_filter.h

// n points in d dimensions, row-major, float64.
struct Cloud {
  const double* x = nullptr;
  size_t n = 0;
  size_t d = 0;
  const double* row(size_t i) const { return x + i * d; }
};

class SqEuclideanCost {
 public:
  SqEuclideanCost(Cloud a, Cloud b);

  size_t rows() const { return a_.n; }
  size_t cols() const { return b_.n; }
  size_t dim() const { return a_.d; }
  const Cloud& a() const { return a_; }
  const Cloud& b() const { return b_; }

  // One entry, by direct difference.
  double operator()(size_t i, size_t j) const {
    if (!dense_.empty()) return dense_[i * b_.n + j];
    return entry(i, j);
  }
  double entry(size_t i, size_t j) const;
  // out[t] = entry(i, cols[t]) for t < count (four at a time: the same values).
  void entries(size_t i, const int32_t* cols, size_t count, double* out) const;

  // out[t] = C(i, j0 + t) for t < count.
  void row(size_t i, double* out, size_t j0, size_t count) const;
  void row(size_t i, double* out) const { row(i, out, 0, b_.n); }
  // A pointer to row i: the dense row itself, or `scratch` (cols() doubles) filled in.
  const double* rowPtr(size_t i, double* scratch) const;
  // Rows i0 .. i0 + count - 1 into out (row t at out + t * ld), computed together so
  // that coordinates of b are loaded once per group of rows.
  void rows(size_t i0, size_t count, double* out, size_t ld) const;
  // Rows idx[0..count) into out (row t at out + t * ld), grouped by four like rows().
  void rowsOf(const int64_t* idx, size_t count, double* out, size_t ld) const;

  bool isDense() const { return !dense_.empty(); }
  // Builds the dense matrix (parallel over rows). Throws TooLarge on allocation failure.
  void buildDense(Progress& progress);
  static double denseBytes(size_t n, size_t m) { return 8.0 * double(n) * double(m); }

  // An upper bound on every entry (from the joint bounding box).
  double maxCostBound() const;

  // Estimates with an error bound (cost_filter.h) that let row scans compute only the
  // few exact entries that can matter; built on request, null otherwise.
  void buildFilter();
  const ExpandedCosts* filter() const { return filter_.get(); }

 private:
  Cloud a_, b_;
  std::vector<double> bT_;     // b transposed: d x m, for SIMD over columns
  std::vector<double> dense_;  // n x m when built
  std::shared_ptr<const ExpandedCosts> filter_;
};

// Squared distance between two d-vectors, same operation order as every other path.
inline double sqDist(const double* x, const double* y, size_t d) {
  double s = 0.0;
  for (size_t k = 0; k < d; ++k) {
    const double t = x[k] - y[k];
    s += t * t;
  }
  return s;
}

}  // namespace dw2::ot
