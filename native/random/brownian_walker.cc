#include "random/brownian_walker.h"
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <thread>
#include "core/errors.h"
#include "random/brownian_lanes.h"
#include "random/philox_lanes.h"

namespace dw2 {

namespace {

constexpr int kDepth = kBrownianPathDepth;
constexpr size_t kGroup = kPhiloxLanes;  // particles per lane group

// The frontier's shape (no values): pending levels, whether a head is in front of them, and
// where the first pending node starts (leaf units).
struct Frontier {
  bool pending[kDepth + 1] = {};
  bool head = false;
  uint64_t pos = 0;
};

using Op = BrownianWalker::Op;
using Move = BrownianWalker::Move;

// Node lengths and split points. Uniform tree: lengths span·2^-level, splits at midpoints.
// On a clock t(u): node [a, b] (dyadic u) has length t(a) − t(b) and splits at t(mid).
struct Geometry {
  double span;
  const TreeTime* t;  // null: uniform
  double at(uint64_t index, int level) const { return (*t)(std::ldexp(double(index), -level)); }
  double nodeLen(int level, uint64_t index) const { return t ? at(index, level) - at(index + 1, level) : std::ldexp(span, -level); }
  // The children's lengths and the left one's fraction of the node.
  void split(int level, uint64_t index, double& lenL, double& lenR, double& x) const {
    if (!t) {
      lenL = lenR = std::ldexp(span, -level - 1);
      x = 0.5;
      return;
    }
    const double ta = at(2 * index, level + 1), tm = at(2 * index + 1, level + 1), tb = at(2 * index + 2, level + 1);
    lenL = ta - tm;
    lenR = tm - tb;
    x = lenL / (ta - tb);
  }
  // Fraction of its leaf left of point p (u: the point's tree time).
  double leafX(PathPoint p, double u) const {
    if (!t || p.x == 0) return p.x;
    const double ts = at(p.leaf, kDepth), te = at(p.leaf + 1, kDepth);
    return std::min(1.0, std::max(0.0, (ts - (*t)(u)) / (ts - te)));
  }
};

// The descent from pending node (level, start) to b. A right sibling [mid, end) is folded into the
// head when the next point lies at or beyond its end (or there is no next point): the next
// interval would append it whole. Siblings are created right to left with decreasing ends, so
// the folded ones are the leftmost: the head stays one contiguous piece starting at b.
void planDescent(const Geometry& g, Frontier& f, int level, PathPoint b, double bx, const PathPoint* next, std::vector<Move>& moves) {
  auto units = [](int l) { return uint64_t(1) << (kDepth - l); };
  auto folds = [&](uint64_t end) { return !next || next->leaf >= end; };
  uint64_t start = f.pos, index = f.pos >> (kDepth - level), foldEnd = 0;
  double headLen = 0.0;
  for (int l = level;; ++l) {
    const uint32_t heap = static_cast<uint32_t>((uint64_t(1) << l) | index);
    if (l == kDepth) {
      moves.push_back({Op::SplitLeaf, false, l, heap, g.nodeLen(l, index), bx, headLen, 0, 0});
      f.head = true;
      f.pos = headLen > 0 ? foldEnd : start + 1;
      return;
    }
    double lenL, lenR, x;
    g.split(l, index, lenL, lenR, x);
    const double len = g.nodeLen(l, index);
    const uint64_t mid = start + units(l + 1), end = start + units(l);
    const bool stop = b.leaf == mid && b.x == 0;
    if (b.leaf >= mid && !stop) {
      moves.push_back({Op::GoRight, false, l, heap, len, x, 0, lenL, lenR});
      start = mid;
      index = 2 * index + 1;
      continue;
    }
    const bool fold = folds(end);
    moves.push_back({stop ? Op::StopAtMid : Op::GoLeft, fold, l, heap, len, x, headLen, lenL, lenR});
    if (fold) {
      if (headLen == 0) foldEnd = end;
      headLen += lenR;
    } else {
      f.pending[l + 1] = true;
    }
    if (stop) {
      f.head = headLen > 0;
      f.pos = f.head ? foldEnd : mid;
      return;
    }
    index = 2 * index;
  }
}

// The moves from the frontier's point to b (next: the point after b, if any); updates the frontier.
std::vector<Move> planInterval(const Geometry& g, Frontier& f, PathPoint b, double bx, const PathPoint* next) {
  std::vector<Move> moves;
  if (f.head) {
    moves.push_back({Op::AppendHead, false, kDepth, 0, 0, 0, 0, 0, 0});
    f.head = false;
    if (b.leaf == f.pos && b.x == 0) return moves;
  }
  for (int level = kDepth; level >= 0; --level) {
    if (!f.pending[level]) continue;
    f.pending[level] = false;
    const uint64_t end = f.pos + (uint64_t(1) << (kDepth - level));
    if (b.leaf >= end) {
      moves.push_back({Op::AppendPending, false, level, 0, g.nodeLen(level, f.pos >> (kDepth - level)), 0, 0, 0, 0});
      f.pos = end;
      if (b.leaf == end && b.x == 0) return moves;
      continue;
    }
    moves.push_back({Op::TakePending, false, level, 0, 0, 0, 0, 0, 0});
    planDescent(g, f, level, b, bx, next, moves);
    return moves;
  }
  fail(ErrorCode::Internal, "Brownian walker: point beyond the path's span");
}

}  // namespace

BrownianWalker::BrownianWalker(const BrownianPath& path, uint64_t first, size_t rows, size_t d, const std::vector<double>& points)
    : path_(path), first_(first), rows_(rows), d_(d), groupLanes_(kGroup * d), lanes_((rows + kGroup - 1) / kGroup * kGroup * d), at_(new std::atomic<int>[(rows + kGroup - 1) / kGroup]) {
  if (points.size() < 2 || points[0] != 0.0) fail(ErrorCode::InvalidArgument, "Brownian walker: points must start at 0");
  std::vector<double> u(points.size()), lengths(points.size() - 1);
  for (size_t k = 0; k < points.size(); ++k) {
    if (k > 0 && (!(points[k] > points[k - 1]) || points[k] > path.span)) fail(ErrorCode::InvalidArgument, "Brownian walker: points must increase within [0, span]");
    u[k] = points[k] / path.span;
    if (k > 0) lengths[k - 1] = points[k] - points[k - 1];
  }
  init(TreeTime(), u, lengths);
}

BrownianWalker::BrownianWalker(const BrownianPath& path, const TreeTime& clock, uint64_t first, size_t rows, size_t d, const std::vector<double>& u)
    : path_(path), first_(first), rows_(rows), d_(d), groupLanes_(kGroup * d), lanes_((rows + kGroup - 1) / kGroup * kGroup * d), at_(new std::atomic<int>[(rows + kGroup - 1) / kGroup]) {
  if (u.size() < 2 || u[0] != 0.0) fail(ErrorCode::InvalidArgument, "Brownian walker: points must start at 0");
  std::vector<double> lengths(u.size() - 1);
  for (size_t k = 0; k + 1 < u.size(); ++k) {
    if (!(u[k + 1] > u[k]) || u[k + 1] > 1.0) fail(ErrorCode::InvalidArgument, "Brownian walker: tree times must increase within [0, 1]");
    lengths[k] = clock ? clock(u[k]) - clock(u[k + 1]) : u[k + 1] * path.span - u[k] * path.span;
  }
  init(clock, u, lengths);
}

// Plans every interval, then allocates the state the plans use and draws the root.
void BrownianWalker::init(const TreeTime& clock, const std::vector<double>& u, const std::vector<double>& lengths) {
  const BrownianPath& path = path_;
  for (size_t g = 0; g * kGroup < rows_; ++g) at_[g].store(0);
  const Geometry geometry{path.span, clock ? &clock : nullptr};
  std::vector<PathPoint> at(u.size());
  for (size_t k = 0; k < u.size(); ++k) {
    at[k] = pathPointAt(u[k]);
    if (k > 0 && at[k].leaf == at[k - 1].leaf && (at[k - 1].x > 0 || at[k].x == at[k - 1].x))
      fail(ErrorCode::InvalidArgument, "noise 'path': two grid times lie inside one leaf of the Brownian tree (steps shorter than 2^-20 of the tree's time)");
  }
  Frontier f;
  f.pending[0] = true;
  for (size_t k = 0; k + 1 < u.size(); ++k) {
    plans_.push_back(planInterval(geometry, f, at[k + 1], geometry.leafX(at[k + 1], u[k + 1]), k + 2 < u.size() ? &at[k + 2] : nullptr));
  }
  lengths_ = lengths;
  // Storage only for the levels the plans keep (a dyadic grid of N steps: log₂ N + 1 levels).
  int levels = 1;
  bool head = false;
  for (const auto& plan : plans_)
    for (const Move& mv : plan) {
      if (mv.op == Op::AppendPending || mv.op == Op::TakePending) levels = std::max(levels, mv.level + 1);
      if ((mv.op == Op::GoLeft || mv.op == Op::StopAtMid) && !mv.fold) levels = std::max(levels, mv.level + 2);
      head = head || mv.op == Op::SplitLeaf || mv.fold;
    }
  const double bytes = 8.0 * double(lanes_) * (2.0 * levels + (head ? 4.0 : 2.0));
  if (bytes > 32.0 * 1024 * 1024 * 1024)
    fail(ErrorCode::TooLarge, "noise 'path' needs " + std::to_string(bytes / (1 << 30)) + " GiB of walker state for n × d = " + std::to_string(rows_ * d_) +
                                  " (8·(2·levels + 2–4) bytes per particle-coordinate); use fewer particles per call");
  levels_ = static_cast<size_t>(levels);
  pendW_.assign(levels_ * lanes_, 0.0);
  pendH_.assign(levels_ * lanes_, 0.0);
  if (head) {
    headW_.assign(lanes_, 0.0);
    headJ_.assign(lanes_, 0.0);
  }
  lastW_.assign(lanes_, 0.0);
  lastH_.assign(lanes_, 0.0);
  drawRoot();
}

// The root is the whole frontier at σ = 0 (every lane of every group, padding rows included).
void BrownianWalker::drawRoot() {
  const double r = std::sqrt(path_.span);
  std::vector<double> z1(groupLanes_), z2(groupLanes_);
  for (size_t g0 = 0; g0 < lanes_; g0 += groupLanes_) {
    groupNodeNormals(path_.seed, first_ + g0 / d_, d_, 1u, kBrownianPathRootStage, z1.data(), z2.data());
    for (size_t q = 0; q < groupLanes_; ++q) {
      pendW_[g0 * levels_ + q] = r * z1[q];
      pendH_[g0 * levels_ + q] = r * 0.28867513459481288225 * z2[q];  // √(span/12)
    }
  }
}

void BrownianWalker::interval(int k, size_t r0, size_t count, double* w, double* h) {
  if (r0 > rows_ || count > rows_ - r0 || k < 0 || k >= intervals())
    fail(ErrorCode::Internal, "Brownian walker: rows or interval out of range");
  const std::vector<Move>& plan = plans_[static_cast<size_t>(k)];
  const double len = lengths_[static_cast<size_t>(k)];
  for (size_t g = r0 / kGroup; g * kGroup < r0 + count; ++g) {
    // The first caller for a group moves all of it; a concurrent caller waits for it.
    std::atomic<int>& state = at_[g];
    int seen = k;
    if (state.compare_exchange_strong(seen, kMoving, std::memory_order_acq_rel)) {
      try {
        execute(plan, len, g * groupLanes_, first_ + g * kGroup);
      } catch (...) {
        state.store(k, std::memory_order_release);  // never leave a waiter spinning
        throw;
      }
      state.store(k + 1, std::memory_order_release);
    } else {
      while (seen == kMoving) {
        std::this_thread::yield();
        seen = state.load(std::memory_order_acquire);
      }
      if (seen != k + 1) fail(ErrorCode::Internal, "Brownian walker: rows must visit the intervals in order");
    }
    // Out in row-major order.
    const size_t gr = g * kGroup, lo = std::max(r0, gr) - gr, hi = std::min(r0 + count, gr + kGroup) - gr;
    const double *W = lastW_.data() + g * groupLanes_, *H = lastH_.data() + g * groupLanes_;
    for (size_t i = lo; i < hi; ++i) {
      const size_t o = (gr + i - r0) * d_;
      for (size_t j = 0; j < d_; ++j) w[o + j] = W[j * kGroup + i];
      if (h && areas_)
        for (size_t j = 0; j < d_; ++j) h[o + j] = H[j * kGroup + i];
    }
  }
}

namespace {

struct LaneScratch {
  std::vector<double> buffer;
  double *curW, *curH, *aW, *aH, *bW, *bH, *segW, *segJ, *z1, *z2;  // cur and a: the two pairs cur alternates between
  explicit LaneScratch(size_t n) : buffer(10 * n) {
    double* p = buffer.data();
    for (double** v : {&curW, &curH, &aW, &aH, &bW, &bH, &segW, &segJ, &z1, &z2}) {
      *v = p;
      p += n;
    }
  }
};

LaneScratch& laneScratch(size_t n) {
  thread_local std::vector<std::unique_ptr<LaneScratch>> cache;  // one per size seen by this thread
  for (auto& s : cache)
    if (s->buffer.size() == 10 * n) return *s;
  cache.push_back(std::make_unique<LaneScratch>(n));
  return *cache.back();
}

// The running interval (seg) and the head of one group's lanes, as (W, J); without areas only W
// is summed (J would feed nothing but the outputs' H).
struct Accumulators {
  size_t n;
  bool areas;
  double *segW, *segJ, *headW, *headJ;
  void clear() const {
    std::fill(segW, segW + n, 0.0);
    std::fill(segJ, segJ + n, 0.0);
  }
  void appendNode(const double* w, const double* h, double len) const {
    if (areas) return appendNodeLanes(n, segW, segJ, w, h, len);
    for (size_t q = 0; q < n; ++q) segW[q] += w[q];
  }
  void appendPiece(const double* w, const double* J, double len) const {
    if (areas) return appendPieceLanes(n, segW, segJ, w, J, len);
    for (size_t q = 0; q < n; ++q) segW[q] += w[q];
  }
  void prependNode(const double* w, const double* h, double len, double headLen) const {
    if (areas) return prependNodeLanes(n, headW, headJ, w, h, len, headLen);
    for (size_t q = 0; q < n; ++q) headW[q] = headLen == 0 ? w[q] : w[q] + headW[q];
  }
  void prependPiece(const double* w, const double* J, double headLen) const {
    if (areas) return prependPieceLanes(n, headW, headJ, w, J, headLen);
    for (size_t q = 0; q < n; ++q) headW[q] = headLen == 0 ? w[q] : w[q] + headW[q];
  }
  void finish(double len, double* w, double* h) const {
    if (areas) return finishLanes(n, segW, segJ, len, w, h);
    std::copy(segW, segW + n, w);
  }
};

// The node being descended: a pending node read in place, or one of two scratch pairs; a split
// writes the child it keeps into the pair the node is not in (next()).
struct Cursor {
  double* pairW[2];
  double* pairH[2];
  int pair = -1;
  const double *w = nullptr, *h = nullptr;
  void take(const double* W, const double* H) {
    w = W;
    h = H;
    pair = -1;
  }
  int next() const { return pair == 0 ? 1 : 0; }
  void moveTo(int p) {
    w = pairW[p];
    h = pairH[p];
    pair = p;
  }
};

// A node split: the midpoint formula (uniform tree), or the general law at the move's fraction.
void splitNodeMove(size_t n, const Move& mv, const Cursor& cur, const double* z1, const double* z2, double* wl, double* hl, double* wr, double* hr) {
  if (mv.x == 0.5) return splitNodeLanes(n, cur.w, cur.h, z1, z2, mv.len, wl, hl, wr, hr);
  LeafSplit split = leafSplit(mv.len, mv.x);
  split.len1 = mv.lenL;
  split.len2 = mv.lenR;
  splitNodeAtLanes(n, split, cur.w, cur.h, z1, z2, wl, hl, wr, hr);
}

}  // namespace

// Runs one interval's moves over a group's lanes (random/brownian_lanes.h): the cursor descends,
// the interval so far is appended to piece by piece, right children go pending or into the head.
void BrownianWalker::execute(const std::vector<Move>& plan, double h, size_t g0, uint64_t particle0) {
  const size_t n = groupLanes_;
  LaneScratch& s = laneScratch(n);
  double* headW = headW_.empty() ? nullptr : headW_.data() + g0;
  double* headJ = headJ_.empty() ? nullptr : headJ_.data() + g0;
  const Accumulators acc{n, areas_, s.segW, s.segJ, headW, headJ};
  Cursor cur{{s.curW, s.aW}, {s.curH, s.aH}};
  double *bW = s.bW, *bH = s.bH, *z1 = s.z1, *z2 = s.z2;
  auto pending = [&](std::vector<double>& v, int level) { return v.data() + g0 * levels_ + static_cast<size_t>(level) * n; };
  auto normals = [&](const Move& mv, uint32_t stage) { groupNodeNormals(path_.seed, particle0, d_, mv.node, stage, z1, z2); };
  acc.clear();
  for (const Move& mv : plan) {
    const int p = cur.next();
    switch (mv.op) {
      case Op::AppendHead:
        acc.appendPiece(headW, headJ, 0.0);
        break;
      case Op::AppendPending:
        acc.appendNode(pending(pendW_, mv.level), pending(pendH_, mv.level), mv.len);
        break;
      case Op::TakePending:
        cur.take(pending(pendW_, mv.level), pending(pendH_, mv.level));
        break;
      case Op::GoLeft:
      case Op::StopAtMid: {
        // Left child: descended (GoLeft) or appended (StopAtMid); right child: pending, or b and the head.
        normals(mv, kBrownianPathStage);
        double* rW = mv.fold ? bW : pending(pendW_, mv.level + 1);
        double* rH = mv.fold ? bH : pending(pendH_, mv.level + 1);
        splitNodeMove(n, mv, cur, z1, z2, cur.pairW[p], cur.pairH[p], rW, rH);
        if (mv.fold) acc.prependNode(bW, bH, mv.lenR, mv.headLen);
        if (mv.op == Op::GoLeft) cur.moveTo(p);
        else acc.appendNode(cur.pairW[p], cur.pairH[p], mv.lenL);
        break;
      }
      case Op::GoRight:
        normals(mv, kBrownianPathStage);
        splitNodeMove(n, mv, cur, z1, z2, bW, bH, cur.pairW[p], cur.pairH[p]);
        acc.appendNode(bW, bH, mv.lenL);
        cur.moveTo(p);
        break;
      case Op::SplitLeaf: {
        normals(mv, kBrownianPathLeafStage);
        const LeafSplit split = leafSplit(mv.len, mv.x);
        // Left piece (W, J) into the free pair, right piece (W, J) into b.
        splitLeafLanes(n, split, cur.w, cur.h, z1, z2, cur.pairW[p], cur.pairH[p], bW, bH);
        acc.appendPiece(cur.pairW[p], cur.pairH[p], split.len1);
        acc.prependPiece(bW, bH, mv.headLen);
        break;
      }
    }
  }
  acc.finish(h, lastW_.data() + g0, lastH_.data() + g0);
}

}  // namespace dw2
