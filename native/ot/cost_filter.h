// Fast estimates of squared distances with a rigorous error bound, used only to
// decide which exact costs to compute.
//
// The exact costs (cost.h) are direct differences sum_k (a_ik - b_jk)^2: 3 float64
// flops per coordinate, one row at a time, and memory-bound when b does not fit in
// cache. The expanded form |a|^2 + |b|^2 - 2 a.b (on centred clouds) is a matrix
// product: blocks of rows share every loaded column of b, and its float32 part does 2
// flops per coordinate at twice the SIMD width. It is NOT exact (float32, and the
// expanded form cancels for nearby points), so it never decides a value: callers select
// candidates whose estimate lies within a margin of the best and evaluate those exactly. The margin bounds |estimate - exact cost| for every
// pair of row i (see margin()), so no column outside the candidates can be among the
// exact best: results are bit-identical to a full exact scan.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>
#include "ot/cost.h"

namespace dw2::ot {

class ExpandedCosts {
 public:
  ExpandedCosts(const Cloud& a, const Cloud& b);

  // out[t * ld + j] = estimate of C(idx[t], j) for every column j. Rows are processed
  // in blocks of four (scratch is reused), the remainder one by one.
  void rows(const int64_t* idx, size_t count, double* out, size_t ld, std::vector<float>& scratch) const;

  // Bound on |estimate - C(i, j)| over all j, C being SqEuclideanCost's float64 value.
  double margin(size_t i) const { return margin_[i]; }
  size_t cols() const { return m_; }
  // False when the bound above does not apply (extreme scales, d beyond float32 sums).
  bool usable() const { return usable_; }
  double bytes() const;

 private:
  size_t n_, m_, d_;
  std::vector<float> a_;         // a - mean(a), scaled by 2^-e, row-major n x d
  std::vector<float> bT_;        // b - mean(b), scaled by 2^-e, transposed d x m
  std::vector<double> ra_, rb_;  // the float64 row and column terms of the expansion
  double scale2_ = 2.0;
  bool usable_ = false;          // 2 * 4^e: the float32 products back in cost units
  std::vector<double> margin_;
};

}  // namespace dw2::ot
