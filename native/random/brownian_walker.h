// Walks the Brownian path of random/brownian_path.h through an increasing list of points
// σ_0 = 0 < σ_1 < … < σ_N ≤ span for many lanes (particle × coordinate), giving each
// interval's (W, H) with O(1) amortized tree draws per step on dyadic grids.
//
// State: the frontier right of the current point — at most one pending tree node per level (the
// right siblings along the point's path, in order of position) and, when the point lies inside
// a leaf, the leaf's remainder. The frontier depends only on the point, never on how the walker
// got there, and every node's (W, H) is computed from its parent's by the same arithmetic, so the
// result for an interval is the same whatever points were visited before.
// The moves between consecutive points (which nodes to append, split, keep) are the same for
// every lane; they are planned once per interval, then executed over lanes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>
#include "random/brownian_path.h"

namespace dw2 {

class BrownianWalker {
 public:
  // Lanes (particle first + r, coordinate j) for r < rows, j < d. points: σ_0 = 0 < … ≤ span.
  // Throws INVALID_ARGUMENT when two points lie inside one leaf.
  BrownianWalker(const BrownianPath& path, uint64_t first, size_t rows, size_t d, const std::vector<double>& points);

  // (W, H) of interval k = [σ_k, σ_{k+1}] for rows r0 … r0 + count − 1 into w, h (count × d).
  // Each row must be at point k (it then moves to k + 1) or already past it from this same call
  // (repeated calls for one interval return the stored values). Rows are independent: threads
  // may move disjoint rows concurrently.
  void interval(int k, size_t r0, size_t count, double* w, double* h);

  int intervals() const { return static_cast<int>(plans_.size()); }
  // The global index of row 0 (a step run on a chunk of the batch finds its rows from it).
  uint64_t firstParticle() const { return first_; }

  enum class Op : uint8_t { AppendHead, AppendPending, TakePending, GoLeft, GoRight, StopAtMid, SplitLeaf };
  struct Move {
    Op op;
    int level;      // the node's level (AppendPending, TakePending, splits)
    uint32_t node;  // heap index of the node split (splits)
    double len;     // the piece's or node's length
    double x;       // SplitLeaf: fraction of the leaf left of the point
  };

 private:
  void execute(const std::vector<Move>& plan, double h, size_t lane0, size_t lanes, double* w, double* hOut);

  BrownianPath path_;
  uint64_t first_;
  size_t rows_, d_, lanes_;
  std::vector<std::vector<Move>> plans_;  // per interval k
  std::vector<double> lengths_;           // σ_{k+1} − σ_k
  std::vector<int> at_;                   // per row: the point it is at
  std::vector<double> pendW_, pendH_;     // (depth + 1) × lanes
  std::vector<double> headW_, headJ_;     // the leaf remainder (W, ∫(W_u − W_a) du)
  std::vector<double> lastW_, lastH_;     // the last interval's (W, H)
};

}  // namespace dw2
