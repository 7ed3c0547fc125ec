// Primal network simplex on the complete bipartite transportation graph (sources
// 0..n-1, sinks n..n+m-1, arcs source -> sink, uncapacitated), with the arcs never
// stored: reduced costs C_ij - u_i - v_j are evaluated on the fly, a row segment at
// a time, by block search pricing (scan blocks of about sqrt(nm) arcs, enter the
// most negative arc of the first block that has one). Ideas as in the network
// simplex literature (Cunningham's strongly feasible trees, block pricing as in
// LEMON); the code is written for this special graph:
//
//  * Start: sort both clouds along their principal axis and fill the north-west
//    corner rule in that order. This is the optimal plan of the 1-D projection, a
//    "staircase" spanning tree of n + m - 1 arcs, and a good warm start. On ties the
//    sink side advances, so zero-flow arcs always hang a sink below a source: every
//    zero-flow arc points away from the root and the tree is strongly feasible.
//  * Every arc runs source -> sink, so the tree arc above a node (stored at the
//    node, with its flow) points up for a source and down for a sink.
//  * Pivot: the entering arc (i, j) closes a cycle through the apex (lowest common
//    ancestor). Flow is pushed i -> j; arcs crossed against their direction lose
//    flow. Among the blocking arcs the last one met when walking the cycle from the
//    apex in the flow direction leaves, which keeps the tree strongly feasible and
//    rules out cycling. The cut-off subtree is re-hung by reversing the path from the
//    entering endpoint to the leaving arc, and its potentials shift by one constant.
//  * Potentials are recomputed from the tree every so often and before the final
//    optimality scan, so round-off cannot accumulate.
//  * A pivot limit exists only against bugs and pathological input; reaching it is
//    an error (NOT_CONVERGED), never a silently returned plan.
#include "ot/network_simplex.h"
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include "core/errors.h"
#include "ot/cost_matrix.h"

namespace dw2::ot {

namespace {

// Principal axis of the pooled clouds by a few power iterations (any axis would
// do; a good one makes the starting tree better).
std::vector<double> principalAxis(const Cloud& a, const Cloud& b) {
  const size_t d = a.d;
  std::vector<double> mean(d, 0.0), dir(d, 0.0), next(d);
  const double total = double(a.n + b.n);
  for (const Cloud* c : {&a, &b})
    for (size_t i = 0; i < c->n; ++i)
      for (size_t k = 0; k < d; ++k) mean[k] += c->x[i * d + k] / total;
  for (size_t k = 0; k < d; ++k) dir[k] = 1.0 / std::sqrt(double(k + 1));
  for (int it = 0; it < 8; ++it) {
    std::fill(next.begin(), next.end(), 0.0);
    for (const Cloud* c : {&a, &b})
      for (size_t i = 0; i < c->n; ++i) {
        double t = 0.0;
        for (size_t k = 0; k < d; ++k) t += (c->x[i * d + k] - mean[k]) * dir[k];
        for (size_t k = 0; k < d; ++k) next[k] += t * (c->x[i * d + k] - mean[k]);
      }
    double norm = 0.0;
    for (double x : next) norm += x * x;
    norm = std::sqrt(norm);
    if (!(norm > 0)) break;
    for (size_t k = 0; k < d; ++k) dir[k] = next[k] / norm;
  }
  return dir;
}

std::vector<int64_t> sortedAlong(const Cloud& c, const std::vector<double>& dir) {
  std::vector<double> t(c.n, 0.0);
  for (size_t i = 0; i < c.n; ++i)
    for (size_t k = 0; k < c.d; ++k) t[i] += c.x[i * c.d + k] * dir[k];
  std::vector<int64_t> order(c.n);
  std::iota(order.begin(), order.end(), int64_t(0));
  std::stable_sort(order.begin(), order.end(), [&](int64_t x, int64_t y) { return t[x] < t[y]; });
  return order;
}

template <class Cost>
class Tree {
 public:
  Tree(const Cost& C) : C_(C), n_(C.rows()), m_(C.cols()) {
    const size_t N = n_ + m_;
    parent.assign(N, -1);
    flow.assign(N, 0.0);
    depth.assign(N, 0);
    pot.assign(N, 0.0);
    firstChild.assign(N, -1);
    nextSib.assign(N, -1);
    prevSib.assign(N, -1);
  }

  bool isSource(int64_t x) const { return x < int64_t(n_); }
  // Cost of the arc between a node and its parent.
  double arcCost(int64_t x, int64_t p) const {
    return isSource(x) ? C_.entry(size_t(x), size_t(p - int64_t(n_))) : C_.entry(size_t(p), size_t(x - int64_t(n_)));
  }

  void attach(int64_t x, int64_t p) {
    parent[x] = p;
    prevSib[x] = -1;
    nextSib[x] = firstChild[p];
    if (firstChild[p] >= 0) prevSib[firstChild[p]] = x;
    firstChild[p] = x;
  }
  void detach(int64_t x) {
    const int64_t p = parent[x];
    if (prevSib[x] >= 0) nextSib[prevSib[x]] = nextSib[x];
    else firstChild[p] = nextSib[x];
    if (nextSib[x] >= 0) prevSib[nextSib[x]] = prevSib[x];
    parent[x] = -1;
    nextSib[x] = prevSib[x] = -1;
  }

  // Recomputes depth and potentials below `top` (whose own values are set) in preorder.
  void refresh(int64_t top, bool recomputePotentials, double shift) {
    stack_.clear();
    for (int64_t c = firstChild[top]; c >= 0; c = nextSib[c]) stack_.push_back(c);
    while (!stack_.empty()) {
      const int64_t x = stack_.back();
      stack_.pop_back();
      const int64_t p = parent[x];
      depth[x] = depth[p] + 1;
      if (recomputePotentials) pot[x] = arcCost(x, p) - pot[p];
      else pot[x] += isSource(x) ? shift : -shift;
      for (int64_t c = firstChild[x]; c >= 0; c = nextSib[c]) stack_.push_back(c);
    }
  }

  std::vector<int64_t> parent;
  std::vector<double> flow;  // on the arc between a node and its parent
  std::vector<int64_t> depth;
  std::vector<double> pot;  // u for sources, v for sinks
  std::vector<int64_t> firstChild, nextSib, prevSib;
  int64_t root = -1;

 private:
  const Cost& C_;
  size_t n_, m_;
  std::vector<int64_t> stack_;
};

// The order of sources and sinks for the starting tree: along the clouds' principal
// axis (the optimal order in 1-D), or the given order for a caller's cost matrix.
void startingOrder(const SqEuclideanCost& C, std::vector<int64_t>& oa, std::vector<int64_t>& ob) {
  const std::vector<double> dir = principalAxis(C.a(), C.b());
  oa = sortedAlong(C.a(), dir);
  ob = sortedAlong(C.b(), dir);
}
void startingOrder(const CostMatrix& C, std::vector<int64_t>& oa, std::vector<int64_t>& ob) {
  oa.resize(C.rows());
  ob.resize(C.cols());
  std::iota(oa.begin(), oa.end(), int64_t(0));
  std::iota(ob.begin(), ob.end(), int64_t(0));
}

// North-west corner rule in the starting order: the starting staircase tree.
template <class Cost>
void northWestCorner(const Cost& C, const double* a, const double* b, Tree<Cost>& T) {
  const size_t n = C.rows(), m = C.cols();
  std::vector<int64_t> oa, ob;
  startingOrder(C, oa, ob);
  size_t i = 0, j = 0;
  T.root = oa[0];
  double ra = a[oa[0]], rb = b[ob[0]];
  int64_t src = oa[0], snk = int64_t(n) + ob[0];
  T.attach(snk, src);  // the first arc hangs sink ob[0] below the root
  for (;;) {
    double x;
    if (i == n - 1) x = rb;
    else if (j == m - 1) x = ra;
    else x = std::min(ra, rb);
    // The arc (src, snk) carries x; it is stored at whichever end was attached last.
    if (T.parent[snk] == src) T.flow[snk] = x;
    else T.flow[src] = x;
    ra -= x;
    rb -= x;
    if (i == n - 1 && j == m - 1) break;
    if (i == n - 1 || (j < m - 1 && rb <= ra)) {
      ++j;
      snk = int64_t(n) + ob[j];
      rb = b[ob[j]];
      T.attach(snk, src);
    } else {
      ++i;
      src = oa[i];
      ra = a[oa[i]];
      T.attach(src, snk);
    }
  }
  T.depth[T.root] = 0;
  T.pot[T.root] = 0.0;
  T.refresh(T.root, true, 0.0);
}

struct EnteringArc {
  int64_t i = -1, j = -1;
  double cost = 0.0;
};

// Block search pricing over the implicit arcs, resuming where the last search stopped.
template <class Cost>
class Pricing {
 public:
  Pricing(const Cost& C, const SimplexOptions& opts, double tol)
      : C_(C), m_(C.cols()), arcs_(uint64_t(C.rows()) * uint64_t(C.cols())), tol_(tol), seg_(C.cols()) {
    block_ = std::min<uint64_t>(arcs_, std::max<uint64_t>(64, uint64_t(opts.blockFactor * std::sqrt(double(arcs_)))));
  }

  // The most negative reduced cost of the first block that has one below -tol, or i = -1.
  EnteringArc find(const double* pu, const double* pv, Progress& progress, SimplexStats& stats, int64_t N) {
    double best = -tol_;
    EnteringArc e;
    uint64_t scanned = 0, inBlock = 0;
    while (scanned < arcs_) {
      const size_t i = size_t(next_ / m_), j0 = size_t(next_ % m_);
      const size_t len = size_t(std::min<uint64_t>(m_ - j0, std::min(block_ - inBlock, arcs_ - scanned)));
      C_.row(i, seg_.data(), j0, len);
      const double ui = pu[i];
      for (size_t t = 0; t < len; ++t) {
        const double r = (seg_[t] - ui) - pv[j0 + t];
        if (r < best) best = r, e.i = int64_t(i), e.j = int64_t(j0 + t), e.cost = seg_[t];
      }
      if (((scanned + len) >> 20) != (scanned >> 20))  // long scans stay cancellable
        progress.checkpoint(std::min(0.99, 1.0 - std::exp(-double(stats.pivots) / (4.0 * double(N)))));
      scanned += len;
      inBlock += len;
      next_ += len;
      if (next_ == arcs_) next_ = 0;
      if (inBlock == block_) {
        if (e.i >= 0) break;
        inBlock = 0;
      }
    }
    stats.arcsPriced += scanned;
    return e;
  }

 private:
  const Cost& C_;
  size_t m_;
  uint64_t arcs_, block_ = 0, next_ = 0;
  double tol_;
  std::vector<double> seg_;
};

// Pivots arc (i, j) into the tree: pushes flow around the cycle it closes, removes the
// leaving arc and re-hangs the cut-off subtree with shifted potentials.
template <class Cost>
void pivot(Tree<Cost>& T, size_t n, const EnteringArc& e, SimplexStats& stats) {
  // The cycle: apex of i and j, then the leaving arc.
  const int64_t si = e.i, tj = int64_t(n) + e.j;
  int64_t x = si, y = tj;
  while (T.depth[x] > T.depth[y]) x = T.parent[x];
  while (T.depth[y] > T.depth[x]) y = T.parent[y];
  while (x != y) x = T.parent[x], y = T.parent[y];
  const int64_t apex = x;
  double delta = std::numeric_limits<double>::infinity();
  int64_t out = -1;
  bool outOnSourceSide = false;
  for (int64_t w = si; w != apex; w = T.parent[w])  // flow runs apex -> ... -> i: sources lose
    if (T.isSource(w) && T.flow[w] < delta) delta = T.flow[w], out = w, outOnSourceSide = true;
  for (int64_t w = tj; w != apex; w = T.parent[w])  // flow runs j -> ... -> apex: sinks lose
    if (!T.isSource(w) && T.flow[w] <= delta) delta = T.flow[w], out = w, outOnSourceSide = false;
  if (out < 0) fail(ErrorCode::Internal, "network simplex: unbounded cycle (no blocking arc)");

  if (delta > 0) {
    for (int64_t w = si; w != apex; w = T.parent[w]) T.flow[w] += T.isSource(w) ? -delta : delta;
    for (int64_t w = tj; w != apex; w = T.parent[w]) T.flow[w] += T.isSource(w) ? delta : -delta;
  } else {
    ++stats.degeneratePivots;
  }

  // Re-hang the subtree cut off below `out`: reverse the path from the entering
  // endpoint on that side up to `out`.
  const int64_t q = outOnSourceSide ? si : tj;
  const int64_t other = outOnSourceSide ? tj : si;
  int64_t prevNode = other, w = q;
  double prevFlow = delta;
  for (;;) {
    const int64_t oldParent = T.parent[w];
    const double oldFlow = T.flow[w];
    T.detach(w);
    T.attach(w, prevNode);
    T.flow[w] = prevFlow;
    if (w == out) break;
    prevNode = w;
    prevFlow = oldFlow;
    w = oldParent;
  }
  // Potentials of the moved subtree shift so the entering arc has zero reduced cost.
  const double target = e.cost - T.pot[other];
  const double shift = T.isSource(q) ? target - T.pot[q] : -(target - T.pot[q]);
  T.pot[q] = target;
  T.depth[q] = T.depth[other] + 1;
  T.refresh(q, false, shift);
}

// The positive-flow tree arcs as a plan.
template <class Cost>
SparsePlan treePlan(const Tree<Cost>& T, size_t n, int64_t N) {
  SparsePlan plan;
  for (int64_t x = 0; x < N; ++x) {
    if (x == T.root || !(T.flow[x] > 0)) continue;
    const int64_t p = T.parent[x];
    if (T.isSource(x)) plan.add(x, p - int64_t(n), T.flow[x]);
    else plan.add(p, x - int64_t(n), T.flow[x]);
  }
  return plan;
}

}  // namespace

template <class Cost>
void networkSimplex(const Cost& C, const double* a, const double* b, const SimplexOptions& opts,
                    SparsePlan& plan, std::vector<double>& u, std::vector<double>& v, Progress& progress,
                    SimplexStats& stats) {
  const size_t n = C.rows(), m = C.cols();
  if (n == 0 || m == 0) fail(ErrorCode::InvalidArgument, "network simplex needs non-empty clouds");
  Tree<Cost> T(C);
  const int64_t N = int64_t(n + m);
  northWestCorner(C, a, b, T);

  const double tol = opts.pivotTolerance > 0 ? opts.pivotTolerance : 64.0 * DBL_EPSILON * C.maxCostBound();
  const uint64_t maxPivots = opts.maxPivots ? opts.maxPivots : uint64_t(N) * 2000 + 1000000;
  const uint64_t refreshEvery = std::max<uint64_t>(1000, uint64_t(N));
  Pricing<Cost> pricing(C, opts, tol);
  bool freshPotentials = true;
  for (;;) {
    const EnteringArc e = pricing.find(T.pot.data(), T.pot.data() + n, progress, stats, N);
    if (e.i < 0) {
      if (freshPotentials) break;  // optimal with potentials straight from the tree
      T.refresh(T.root, true, 0.0);
      freshPotentials = true;
      continue;
    }
    pivot(T, n, e, stats);
    freshPotentials = false;
    ++stats.pivots;
    if (stats.pivots % refreshEvery == 0) {
      T.refresh(T.root, true, 0.0);
      freshPotentials = true;
    }
    if (stats.pivots >= maxPivots)
      fail(ErrorCode::NotConverged, "network simplex reached its pivot limit (" + std::to_string(maxPivots) +
                                        " pivots) on a " + std::to_string(n) + " x " + std::to_string(m) +
                                        " problem without proving optimality; no result is returned");
    if ((stats.pivots & 255) == 0)
      progress.checkpoint(std::min(0.99, 1.0 - std::exp(-double(stats.pivots) / (4.0 * double(N)))));
  }
  plan = treePlan(T, n, N);
  u.assign(T.pot.begin(), T.pot.begin() + int64_t(n));
  v.assign(T.pot.begin() + int64_t(n), T.pot.end());
  progress.checkpoint(1.0);
}

template void networkSimplex<SqEuclideanCost>(const SqEuclideanCost&, const double*, const double*, const SimplexOptions&,
                                              SparsePlan&, std::vector<double>&, std::vector<double>&, Progress&,
                                              SimplexStats&);
template void networkSimplex<CostMatrix>(const CostMatrix&, const double*, const double*, const SimplexOptions&,
                                         SparsePlan&, std::vector<double>&, std::vector<double>&, Progress&, SimplexStats&);

}  // namespace dw2::ot
