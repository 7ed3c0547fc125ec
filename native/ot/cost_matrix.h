// A caller's dense n x m cost matrix (any finite costs), with the row interface of
// SqEuclideanCost so the network simplex and the certificate run on it unchanged.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace dw2::ot {

class CostMatrix {
 public:
  // c: row-major n x m, kept by reference (the caller keeps it alive).
  CostMatrix(const double* c, size_t n, size_t m) : c_(c), n_(n), m_(m) {}

  size_t rows() const { return n_; }
  size_t cols() const { return m_; }
  size_t dim() const { return 1; }
  bool isDense() const { return true; }
  double entry(size_t i, size_t j) const { return c_[i * m_ + j]; }
  void row(size_t i, double* out, size_t j0, size_t count) const { std::copy_n(c_ + i * m_ + j0, count, out); }
  const double* rowPtr(size_t i, double*) const { return c_ + i * m_; }
  void rows(size_t i0, size_t count, double* out, size_t ld) const {
    for (size_t t = 0; t < count; ++t) std::copy_n(c_ + (i0 + t) * m_, m_, out + t * ld);
  }
  // Bounds |C_ij| (the scale of round-off in tolerances).
  double maxCostBound() const {
    double r = 0.0;
    for (size_t k = 0; k < n_ * m_; ++k) r = std::max(r, std::fabs(c_[k]));
    return r;
  }

 private:
  const double* c_;
  size_t n_, m_;
};

}  // namespace dw2::ot
