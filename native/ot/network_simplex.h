// Transportation problems (general weights, n != m) by the primal network simplex.
#pragma once
#include <cstdint>
#include <vector>
#include "ot/certificate.h"
#include "ot/cost.h"
#include "core/progress.h"

namespace dw2::ot {

struct SimplexOptions {
  uint64_t maxPivots = 0;      // 0: automatic; reaching the limit throws NOT_CONVERGED
  double pivotTolerance = 0;   // an arc enters when its reduced cost < -pivotTolerance
  double blockFactor = 1.0;    // block size = blockFactor * sqrt(n m) arcs
};

struct SimplexStats {
  uint64_t pivots = 0;
  uint64_t degeneratePivots = 0;
  uint64_t arcsPriced = 0;
};

// Minimises sum pi_ij C_ij subject to row sums a (n entries > 0) and column sums b
// (m entries > 0), sum a = sum b. Returns the plan (the positive-flow arcs of the final
// spanning tree: at most n + m - 1 entries) and potentials with u_i + v_j = C_ij on tree
// arcs and C_ij - u_i - v_j >= -pivotTolerance on all arcs.
// Cost: SqEuclideanCost (the starting tree follows the clouds' principal axis) or
// CostMatrix (a caller's matrix; the starting tree follows the index order).
template <class Cost>
void networkSimplex(const Cost& C, const double* a, const double* b, const SimplexOptions& opts,
                    SparsePlan& plan, std::vector<double>& u, std::vector<double>& v, Progress& progress,
                    SimplexStats& stats);

}  // namespace dw2::ot
