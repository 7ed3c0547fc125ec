// Exact W2 between uniform clouds with the assignment auction on the GPU. Plain C++ (no CUDA
// types). The GPU only proposes prices and an assignment: the answer is certified on the CPU
// with the CPU's certificate (ot/certificate.h) and, when the certificate misses the tolerance
// (or the auction ran out of bids), finished with the CPU's shortest augmenting paths, exactly
// as the CPU solver (ot/exact.cc) does — so it is certified the same way.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>
#include "ot/exact.h"
#include "core/progress.h"

namespace dw2::cuda {

struct GpuAuctionOptions {
  double epsilonDivisor = 8.0;
  double relGap = 1e-13;  // stop once the total ε-CS slack is below relGap · primal + absGap
  double absGap = 0.0;
  uint64_t maxBids = 0;   // 0: automatic (as the CPU auction); reaching it hands over to shortest paths
};

struct GpuAuctionStats {
  uint64_t bids = 0;
  uint64_t rounds = 0;  // parallel bidding rounds
  int phases = 0;
  bool exhausted = false;
  double finalEpsilon = 0.0;
  double gapEstimate = 0.0;
};

// Jacobi ε-scaling forward auction (auction.cu): every free row bids in parallel for its best
// column at C(i, j) + p_j, C = squared distance computed in the CPU's order (ot/cost.h sqDist);
// the highest bid per column wins (ties: lowest row). a, b: n × d row-major. On return col4row
// (−1 where unassigned: exhausted) and the prices p (column duals v = −p).
void auctionAssign(const double* a, const double* b, size_t n, size_t d, double maxCostBound, const GpuAuctionOptions& opts,
                   std::vector<int64_t>& col4row, std::vector<double>& prices, GpuAuctionStats& stats, Progress& progress);

// solveExact (ot/exact.h) for uniform weights and n = m, auction on the GPU; solver reported as
// 'cuda-auction' or 'cuda-auction+shortest-path'. UNSUPPORTED for other shapes/solvers, or with
// the reason when no GPU is usable.
ot::ExactResult solveExactCuda(const ot::Cloud& a, const ot::Cloud& b, const ot::ExactOptions& opts, Progress& progress);

}  // namespace dw2::cuda
