// Shortest augmenting path assignment (the Jonker-Volgenant / Crouse family, the
// method behind scipy.optimize.linear_sum_assignment), written for costs that are
// either stored or computed row by row from coordinates.
//
// For each free row r, a Dijkstra search grows a tree of alternating paths over
// reduced costs C(i, j) - u_i - v_j (>= 0 on every assigned row): scanning row i
// relaxes the tentative distance of every unscanned column; the closest unscanned
// column is then fixed. A free column ends the search; otherwise the search moves
// on to the row assigned to that column. The duals are then shifted so every
// scanned pair keeps a non-negative reduced cost and the new path has zero reduced
// cost, and the path is flipped (one more row assigned). Ties between columns at
// the same distance are broken in favour of a free column, which ends the search
// sooner without changing the result.
#include <algorithm>
#include <limits>
#include <string>
#include "core/errors.h"
#include "ot/assignment.h"

namespace dw2::ot {

bool shortestPathAssign(const SqEuclideanCost& C, AssignmentState& s, Progress& progress, ShortestPathStats& stats,
                        size_t maxRowsScanned) {
  const size_t n = C.rows();
  if (C.cols() != n) fail(ErrorCode::Internal, "shortestPathAssign needs a square problem");
  const double inf = std::numeric_limits<double>::infinity();

  std::vector<double> dist(n), scratch(C.isDense() ? 0 : n);
  std::vector<int64_t> pred(n), unscanned(n), scannedRows, scannedCols;
  scannedRows.reserve(64);
  scannedCols.reserve(64);

  std::vector<int64_t> freeRows;
  for (size_t i = 0; i < n; ++i)
    if (s.col4row[i] < 0) freeRows.push_back(int64_t(i));

  for (size_t f = 0; f < freeRows.size(); ++f) {
    const int64_t root = freeRows[f];
    std::fill(dist.begin(), dist.end(), inf);
    for (size_t j = 0; j < n; ++j) unscanned[j] = int64_t(j);
    size_t remaining = n;
    scannedRows.clear();
    scannedCols.clear();

    double reached = 0.0;  // distance of the column fixed last
    int64_t i = root, sink = -1;
    while (sink < 0) {
      if (maxRowsScanned && stats.rowsScanned >= maxRowsScanned) return false;  // s stays a valid partial state
      scannedRows.push_back(i);
      if ((++stats.rowsScanned & 63) == 0)  // long searches stay cancellable
        progress.checkpoint(double(f) / double(freeRows.size()));
      const double* row = C.rowPtr(size_t(i), scratch.data());
      const double base = reached - s.u[i];
      double lowest = inf;
      size_t at = 0;
      for (size_t t = 0; t < remaining; ++t) {
        const int64_t j = unscanned[t];
        const double r = base + row[j] - s.v[j];
        if (r < dist[j]) {
          dist[j] = r;
          pred[j] = i;
        }
        if (dist[j] < lowest || (dist[j] == lowest && s.row4col[j] < 0)) {
          lowest = dist[j];
          at = t;
        }
      }
      if (!(lowest < inf)) fail(ErrorCode::Internal, "shortest path search found no reachable column");
      reached = lowest;
      const int64_t j = unscanned[at];
      unscanned[at] = unscanned[--remaining];
      scannedCols.push_back(j);
      if (s.row4col[j] < 0) sink = j;
      else i = s.row4col[j];
    }

    // Dual update: every scanned row and column moves by how much earlier than the
    // sink it was reached, which keeps reduced costs >= 0 and zeroes them on the path.
    s.u[root] += reached;
    for (size_t t = 1; t < scannedRows.size(); ++t) {
      const int64_t r = scannedRows[t];
      s.u[r] += reached - dist[s.col4row[r]];
    }
    for (int64_t j : scannedCols) s.v[j] -= reached - dist[j];

    // Flip the path from the sink back to the root.
    for (int64_t j = sink;;) {
      const int64_t r = pred[j];
      s.row4col[j] = r;
      std::swap(s.col4row[r], j);
      if (r == root) break;
    }
    ++stats.augmentations;
    progress.checkpoint(double(f + 1) / double(freeRows.size()));
  }
  return true;
}

}  // namespace dw2::ot
