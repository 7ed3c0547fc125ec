// Walks the Brownian path of random/brownian_path.h through an increasing list of points
// σ_0 = 0 < σ_1 < … < σ_N ≤ span for many lanes (particle × coordinate), giving each
// interval's (W, H) with O(1) amortized tree draws per step on dyadic grids (on a clock: grids
// whose tree times are dyadic, e.g. a karras grid with N a power of two).
//
// State: the frontier right of the current point — pending tree nodes (at most one per level,
// the right siblings along the point's path, in order of position) and, in front of them, a
// "head": one piece (W, ∫(W_u − W_start) du) that the next interval appends whole. The head holds
// the remainder of the point's leaf and every right sibling the next point lies beyond (they
// would only ever be appended whole, so they are joined as they are drawn instead of stored:
// a non-dyadic grid keeps O(1) nodes per lane instead of one per level down to the leaves).
// Every node's (W, H) is computed from its parent's by the same arithmetic whichever points were
// visited before, so an interval's result depends on the visited points only through the order
// in which its pieces are joined (round-off).
// The moves between consecutive points (which nodes to append, split, keep, fold into the head)
// are the same for every lane; they are planned once per interval, then executed over lanes.
//
// Lanes are stored in groups of kPhiloxLanes (16) consecutive particles, coordinate-major inside
// a group (lane = group·16d + coordinate·16 + particle % 16), so that a node's normals for a whole
// group come from one vectorized Philox call per coordinate (random/philox_lanes.h) — the same
// counters as pathNodeNormals, hence the same numbers as drawing lane by lane.
#pragma once
#include <cstddef>
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>
#include "random/brownian_path.h"

namespace dw2 {

class BrownianWalker {
 public:
  // Lanes (particle first + r, coordinate j) for r < rows, j < d. points: σ_0 = 0 < … ≤ span.
  // Throws INVALID_ARGUMENT when two points lie inside one leaf.
  BrownianWalker(const BrownianPath& path, uint64_t first, size_t rows, size_t d, const std::vector<double>& points);
  // The same on the tree of a clock t(u) (brownian_path.h TreeTime; empty: uniform), for points
  // given as tree times u_0 = 0 < … ≤ 1 (a grid of kind K with N steps: u_k = k/N).
  BrownianWalker(const BrownianPath& path, const TreeTime& clock, uint64_t first, size_t rows, size_t d, const std::vector<double>& u);

  // (W, H) of interval k = [σ_k, σ_{k+1}] for rows r0 … r0 + count − 1 into w, h (count × d).
  // Each row must be at point k (it then moves to k + 1) or already past it from this same call
  // (repeated calls for one interval return the stored values). Rows move in groups of 16: the
  // first call that touches a group moves all of it (padding rows of the last group included),
  // so threads may ask for disjoint rows of the SAME interval k concurrently; a call that needs a
  // group another thread is moving waits for it. Concurrent calls for different intervals on rows of
  // one group are not supported (the executors keep every step's rows in 16-aligned blocks, or
  // reach a barrier between steps).
  void interval(int k, size_t r0, size_t count, double* w, double* h);

  // Drop the space-time Lévy areas from the outputs (h may then be null): the intervals' J
  // integrals are not accumulated. Nodes still carry their areas (children need them), so the
  // increments are the same numbers. Call before the first interval().
  void skipAreas() { areas_ = false; }

  int intervals() const { return static_cast<int>(plans_.size()); }
  // The global index of row 0 (a step run on a chunk of the batch finds its rows from it).
  uint64_t firstParticle() const { return first_; }

  enum class Op : uint8_t { AppendHead, AppendPending, TakePending, GoLeft, GoRight, StopAtMid, SplitLeaf };
  struct Move {
    Op op;
    bool fold;      // GoLeft, StopAtMid: the right child joins the head instead of being stored
    int level;      // the node's level (AppendPending, TakePending, splits)
    uint32_t node;  // heap index of the node split (splits)
    double len;     // the piece's or node's length
    double x;       // splits: the left child's fraction of the node (½ on the uniform tree); SplitLeaf: the point's
    double headLen; // folds and SplitLeaf: the head's length before the join (0: the head is empty)
    double lenL, lenR;  // splits: the children's lengths
  };

 private:
  void init(const TreeTime& clock, const std::vector<double>& u, const std::vector<double>& lengths);
  static constexpr int kMoving = -1;  // a group's state while a thread moves it
  void execute(const std::vector<Move>& plan, double h, size_t g0, uint64_t particle0);
  void drawRoot();

  BrownianPath path_;
  uint64_t first_;
  size_t rows_, d_, groupLanes_, lanes_;  // groupLanes_ = 16·d; lanes_ = groups · 16·d
  std::vector<std::vector<Move>> plans_;  // per interval k
  std::vector<double> lengths_;           // σ_{k+1} − σ_k
  std::unique_ptr<std::atomic<int>[]> at_;  // per group: the point it is at (or kMoving)
  bool areas_ = true;
  size_t levels_ = 0;                     // tree levels with pending nodes kept
  std::vector<double> pendW_, pendH_;     // per group (contiguous): levels × 16d lanes
  std::vector<double> headW_, headJ_;     // the head (W, ∫(W_u − W_start) du)
  std::vector<double> lastW_, lastH_;     // the last interval's (W, H)
};

}  // namespace dw2
