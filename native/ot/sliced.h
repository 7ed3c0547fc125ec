// Sliced W2: an APPROXIMATION (a different, smaller quantity than W2), estimated by
// Monte Carlo over random directions.
#pragma once
#include <cstdint>
#include "ot/cost.h"
#include "core/progress.h"

namespace dw2::ot {

struct SlicedResult {
  double sw2sq = 0.0;     // mean over directions of W2^2 of the projections
  double stdError = 0.0;  // standard error of that mean over directions
};

// Directions: theta_l = z / |z| with z_k = normalAt(seed, l, 0, 0, k) (Philox), so the
// estimate depends only on (seed, projections), not on threads. Weights sum to 1.
SlicedResult slicedW2(const Cloud& a, const double* wa, const Cloud& b, const double* wb, size_t projections,
                      uint64_t seed, Progress& progress);

}  // namespace dw2::ot
