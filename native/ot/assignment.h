// Square assignment problems (uniform weights, n = m): shared state and solvers.
//
// Duals: row potentials u and column potentials v with u_i + v_j <= C(i, j) for
// all pairs, equality on assigned pairs at the optimum. sum(u) + sum(v) then equals
// the optimal total cost (LP duality), which is what the certificate checks.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>
#include "ot/cost.h"
#include "core/progress.h"

namespace dw2::ot {

struct AssignmentState {
  std::vector<int64_t> col4row;  // -1: unassigned
  std::vector<int64_t> row4col;
  std::vector<double> u, v;
  void reset(size_t n) {
    col4row.assign(n, -1);
    row4col.assign(n, -1);
    u.assign(n, 0.0);
    v.assign(n, 0.0);
  }
};

struct ShortestPathStats {
  size_t augmentations = 0;
  size_t rowsScanned = 0;
};

// Shortest augmenting paths (Jonker-Volgenant / Crouse family): for every free row,
// a Dijkstra search over reduced costs C - u - v finds the cheapest augmenting path,
// then the duals are updated so reduced costs stay >= 0 and the path is flipped.
// No iteration cap: it performs exactly one augmentation per free row.
//
// Warm start: rows already assigned in `s` must have reduced cost >= 0 on every
// column and (to round-off) 0 on their own column; free rows may hold any u.
// maxRowsScanned > 0 caps the work (rows scanned over all searches): the search then
// stops before the row that would exceed it and returns false, leaving the rows
// assigned so far (a valid warm start); true when every row is assigned.
bool shortestPathAssign(const SqEuclideanCost& C, AssignmentState& s, Progress& progress, ShortestPathStats& stats,
                        size_t maxRowsScanned = 0);

struct AuctionOptions {
  double epsilonDivisor = 8.0;  // epsilon shrinks by this factor between phases
  size_t listSize = 24;         // candidate columns remembered per row
  double relGap = 1e-13;        // stop once the bound on the total gap is below
  double absGap = 0.0;          //   relGap * (total cost) + absGap
  uint64_t maxBids = 0;         // 0: automatic (generous); reaching it hands over to shortest paths
  bool deferStale = false;      // stale lists wait for the next batch's (blocked) rebuild
};

struct AuctionStats {
  uint64_t bids = 0;
  uint64_t rebuilds = 0;
  int phases = 0;
  bool exhausted = false;  // stopped at maxBids (the caller finishes with shortest paths)
  double finalEpsilon = 0.0;
  double gapEstimate = 0.0;
};

// Forward auction with epsilon-scaling. Prices p_j only increase; the column duals are
// v_j = -p_j. On return s.col4row may be partial (when exhausted), s.v = -prices and
// s.u is left for the certificate to fill in (row minima of C + p).
void auctionAssign(const SqEuclideanCost& C, AssignmentState& s, const AuctionOptions& opts, Progress& progress,
                   AuctionStats& stats);

}  // namespace dw2::ot
