// Exact W2 on the line: the monotone (quantile) coupling is optimal for convex costs.
#pragma once
#include <cstdint>
#include <vector>
#include "ot/certificate.h"
#include "core/progress.h"

namespace dw2::ot {

struct OneDimResult {
  double w2sq = 0.0;
  SparsePlan plan;           // the staircase: at most n + m - 1 entries (zero masses dropped)
  std::vector<double> u, v;  // potentials of the staircase tree
  Certificate cert;          // dual feasibility checked with a lower envelope, O((n + m) log)
};

// x: n values with weights a (sum 1, >= 0); y: m values with weights b (sum 1).
OneDimResult oneDimensional(const double* x, const double* a, size_t n, const double* y, const double* b, size_t m,
                            Progress& progress);

// W2^2 only (no plan, no potentials), on values already sorted ascending with their
// weights permuted alike. Used by sliced W2.
double oneDimensionalSortedValue(const double* xs, const double* as, size_t n, const double* ys, const double* bs,
                                 size_t m);

}  // namespace dw2::ot
