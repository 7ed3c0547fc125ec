// Small vector operations over raw buffers, summed in index order from 0 (so every caller that uses
// them computes the same bits as a plain loop).
#pragma once
#include <cstddef>

namespace dw2 {

inline double dotProduct(const double* a, const double* b, size_t d) {
  double s = 0.0;
  for (size_t i = 0; i < d; ++i) s += a[i] * b[i];
  return s;
}

// w −= (q·w) q: one Gram–Schmidt projection against a unit vector q.
inline void removeComponent(const double* q, size_t d, double* w) {
  const double c = dotProduct(q, w, d);
  for (size_t i = 0; i < d; ++i) w[i] -= c * q[i];
}

}  // namespace dw2
