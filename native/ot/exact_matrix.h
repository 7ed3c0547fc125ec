// Exact optimal transport for a caller's cost matrix (the shape of POT's
// emd2(a, b, M)): the transportation network simplex on the given costs, certified by
// the same duality check as the point-cloud solvers (certificate.h), with the plan,
// potentials and, for uniform weights and n = m, the optimal permutation.
#pragma once
#include "ot/exact.h"

namespace dw2::ot {

// M: row-major n x m, finite (any sign). wa / wb: weights as for solveExact (null =
// uniform). The value is reported in ExactResult::w2sq (the optimal total cost).
ExactResult solveExactMatrix(const double* M, size_t n, size_t m, const double* wa, const double* wb,
                             const ExactOptions& opts, Progress& progress);

}  // namespace dw2::ot
