#include "ot/sparse_assignment.h"
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <utility>
#include "ot/compensated.h"
#include "ot/grid2d.h"

namespace dw2::ot {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Calls f(cell) for every grid cell at Chebyshev distance exactly `ring` from (cx, cy).
template <class F>
void forRing(const Grid2D& g, int cx, int cy, int ring, F&& f) {
  for (int y = cy - ring; y <= cy + ring; ++y) {
    if (y < 0 || y >= g.ny()) continue;
    const bool edge = y == cy - ring || y == cy + ring;
    for (int x = cx - ring; x <= cx + ring; x += (edge || ring == 0) ? 1 : 2 * ring) {
      if (x >= 0 && x < g.nx()) f(g.cell(x, y));
    }
  }
}

bool ringCoversGrid(const Grid2D& g, int cx, int cy, int ring) {
  return ring >= std::max({cx, g.nx() - 1 - cx, cy, g.ny() - 1 - cy});
}

// Candidate pairs per row with their exact costs.
struct Candidates {
  std::vector<std::vector<int32_t>> col;
  std::vector<std::vector<double>> cost;
  size_t pairs() const {
    size_t s = 0;
    for (const auto& c : col) s += c.size();
    return s;
  }
  void add(const SqEuclideanCost& C, size_t i, int32_t j) {
    if (std::find(col[i].begin(), col[i].end(), j) != col[i].end()) return;
    col[i].push_back(j);
    cost[i].push_back(C.entry(i, size_t(j)));
  }
};

// The k nearest points of `pts` (bucketed in g) to q, ties by index, by rings of cells.
void nearest(const double* q, const Cloud& pts, const Grid2D& g, size_t k, std::vector<std::pair<double, int32_t>>& heap) {
  const int cx = g.cellX(q[0]), cy = g.cellY(q[1]);
  heap.clear();
  for (int r = 0;; ++r) {
    forRing(g, cx, cy, r, [&](size_t c) {
      for (const int32_t* p = g.begin(c); p != g.end(c); ++p) {
        const std::pair<double, int32_t> e{sqDist(q, pts.row(size_t(*p)), 2), *p};
        if (heap.size() < k) {
          heap.push_back(e);
          std::push_heap(heap.begin(), heap.end());
        } else if (e < heap.front()) {
          std::pop_heap(heap.begin(), heap.end());
          heap.back() = e;
          std::push_heap(heap.begin(), heap.end());
        }
      }
    });
    if (ringCoversGrid(g, cx, cy, r)) break;
    if (heap.size() == k && g.outsideBound(q, cx, cy, r) > heap.front().first) break;
  }
}

// Per-axis affine map x -> m_to + (s_to / s_from)(x - m_from) between the clouds' means
// and spreads: neighbours are looked for where a point is roughly transported, so a
// shifted or rescaled cloud still gets useful candidates (only the choice of candidates
// depends on it; their costs are exact).
struct AxisMap {
  double scale[2], from[2], to[2];
  AxisMap(const Cloud& x, const Cloud& y) {
    for (int k = 0; k < 2; ++k) {
      double mx = 0, my = 0, vx = 0, vy = 0;
      for (size_t i = 0; i < x.n; ++i) mx += x.x[2 * i + k] / double(x.n);
      for (size_t j = 0; j < y.n; ++j) my += y.x[2 * j + k] / double(y.n);
      for (size_t i = 0; i < x.n; ++i) vx += (x.x[2 * i + k] - mx) * (x.x[2 * i + k] - mx);
      for (size_t j = 0; j < y.n; ++j) vy += (y.x[2 * j + k] - my) * (y.x[2 * j + k] - my);
      scale[k] = vx > 0 && vy > 0 ? std::sqrt((vy / double(y.n)) / (vx / double(x.n))) : 1.0;
      from[k] = mx, to[k] = my;
    }
  }
  void apply(const double* p, double* q) const {
    for (int k = 0; k < 2; ++k) q[k] = to[k] + scale[k] * (p[k] - from[k]);
  }
};

// Each a-point's k nearest b-points and each b-point's k/2 nearest a-points (so that
// every column has candidates), near the transported positions.
void addNeighbours(const SqEuclideanCost& C, const Grid2D& gb, const Grid2D& ga, size_t k, Candidates& cand) {
  std::vector<std::pair<double, int32_t>> heap;
  const AxisMap ab(C.a(), C.b()), ba(C.b(), C.a());
  double q[2];
  for (size_t i = 0; i < C.rows(); ++i) {
    ab.apply(C.a().row(i), q);
    nearest(q, C.b(), gb, std::min(k, C.cols()), heap);
    for (const auto& e : heap) cand.add(C, i, e.second);
  }
  for (size_t j = 0; j < C.cols(); ++j) {
    ba.apply(C.b().row(j), q);
    nearest(q, C.a(), ga, std::min(std::max<size_t>(2, k / 2), C.rows()), heap);
    for (const auto& e : heap) cand.add(C, size_t(e.second), int32_t(j));
  }
}

// Epsilon-scaling forward auction on the candidate pairs (as in auction.cc, with exact
// second-best values since every admissible column is listed). Warm: keeps prices and
// assignments; rows violating epsilon-CS are freed at each phase start.
class SparseAuction {
 public:
  SparseAuction(const Candidates& cand, AssignmentState& s, std::vector<double>& p) : cand_(cand), s_(s), p_(p) {}

  struct Best {
    double w1 = kInf, w2 = kInf, c1 = 0;
    int32_t j1 = -1;
  };
  Best scan(size_t i) const {
    Best b;
    const auto& cols = cand_.col[i];
    const auto& costs = cand_.cost[i];
    for (size_t t = 0; t < cols.size(); ++t) {
      const double w = costs[t] + p_[size_t(cols[t])];
      if (w < b.w1 || (w == b.w1 && cols[t] < b.j1)) b.w2 = b.w1, b.w1 = w, b.j1 = cols[t], b.c1 = costs[t];
      else if (w < b.w2) b.w2 = w;
    }
    return b;
  }

  // Runs phases from eps down to the gap target; false when a phase exceeds its bid
  // budget (without a perfect matching among the candidates, prices rise for ever).
  bool run(double eps, double relGap, double absGap, uint64_t phaseBids, uint64_t& bids, Progress& progress,
           double fraction) {
    const size_t n = cand_.col.size();
    std::vector<int64_t> queue;
    for (;;) {
      const uint64_t maxBids = bids + phaseBids;
      queue.clear();
      for (size_t i = 0; i < n; ++i) {
        if (s_.col4row[i] >= 0 && ownValue(i) - scan(i).w1 <= eps) continue;
        if (s_.col4row[i] >= 0) s_.row4col[size_t(s_.col4row[i])] = -1, s_.col4row[i] = -1;
        queue.push_back(int64_t(i));
      }
      for (size_t h = 0; h < queue.size(); ++h) {
        if (++bids > maxBids) return false;
        if ((bids & 0xffff) == 0) progress.checkpoint(fraction);  // stays cancellable
        const size_t i = size_t(queue[h]);
        const Best b = scan(i);
        const double second = std::isfinite(b.w2) ? b.w2 : b.w1 + 64.0 * eps;  // one candidate: any raise is valid
        double price = (second + eps) - b.c1;
        if (!(price > p_[size_t(b.j1)])) price = std::max(p_[size_t(b.j1)] + eps, std::nextafter(p_[size_t(b.j1)], kInf));
        p_[size_t(b.j1)] = price;
        const int64_t prev = s_.row4col[size_t(b.j1)];
        s_.row4col[size_t(b.j1)] = int64_t(i);
        s_.col4row[i] = b.j1;
        if (prev >= 0) s_.col4row[size_t(prev)] = -1, queue.push_back(prev);
      }
      double gap = 0.0, primal = 0.0;
      for (size_t i = 0; i < n; ++i) {
        gap += ownValue(i) - scan(i).w1;
        primal += ownCost(i);
      }
      const double target = relGap * primal + absGap;
      if (gap <= target || eps <= 0.5 * target / double(n)) return true;
      eps = std::max(eps / 8.0, 0.5 * target / double(n));
    }
  }

 private:
  double ownCost(size_t i) const {
    const auto& cols = cand_.col[i];
    const size_t t = size_t(std::find(cols.begin(), cols.end(), int32_t(s_.col4row[i])) - cols.begin());
    return cand_.cost[i][t];
  }
  double ownValue(size_t i) const { return ownCost(i) + p_[size_t(s_.col4row[i])]; }

  const Candidates& cand_;
  AssignmentState& s_;
  std::vector<double>& p_;
};

struct RowCheck {
  double worst = -kInf;  // largest computed violation, or bound on pruned pairs
  int32_t worstCol = -1;
  size_t evaluated = 0;
};

// All-pairs check of row i: u_i + v_j <= C_ij, evaluating only cells that can violate.
// Columns violating by more than addAbove are appended to `add` as (-violation, column).
RowCheck checkRow(const SqEuclideanCost& C, const Grid2D& g, const std::vector<double>& cellVmax, double vmax, double vabs,
                  const std::vector<double>& v, size_t i, double ui, double addAbove,
                  std::vector<std::pair<double, int32_t>>& add) {
  RowCheck r;
  const double* q = C.a().row(i);
  const int cx = g.cellX(q[0]), cy = g.cellY(q[1]);
  const double round = 4.0 * DBL_EPSILON;
  auto pruned = [&](double vTop, double lb) { return (ui + vTop - lb) + round * (std::fabs(ui) + vabs + lb); };
  for (int ring = 0;; ++ring) {
    forRing(g, cx, cy, ring, [&](size_t c) {
      if (g.empty(c)) return;
      const double bound = pruned(cellVmax[c], g.lowerBound(q, c));
      if (bound < 0.0) {
        if (bound > r.worst) r.worst = bound, r.worstCol = *g.begin(c);
        return;
      }
      for (const int32_t* p = g.begin(c); p != g.end(c); ++p) {
        const double viol = (ui + v[size_t(*p)]) - C.entry(i, size_t(*p));
        ++r.evaluated;
        if (viol > r.worst || (viol == r.worst && *p < r.worstCol)) r.worst = viol, r.worstCol = *p;
        if (viol > addAbove) add.emplace_back(-viol, *p);
      }
    });
    if (ringCoversGrid(g, cx, cy, ring)) break;
    const double beyond = pruned(vmax, g.outsideBound(q, cx, cy, ring));
    if (beyond < 0.0) {
      r.worst = std::max(r.worst, beyond);
      break;
    }
  }
  return r;
}

// Fills cert from the assignment and potentials (uniform masses 1/n).
void sums(const SqEuclideanCost& C, const AssignmentState& s, Certificate& cert) {
  const size_t n = C.rows();
  NeumaierSum primal, dual;
  for (size_t i = 0; i < n; ++i) {
    primal.add(C.entry(i, size_t(s.col4row[i])) / double(n));
    dual.add(s.u[i] / double(n));
    dual.add(s.v[i] / double(n));
  }
  cert.primal = primal.value();
  cert.dual = dual.value();
  cert.primalDualGap = cert.primal - cert.dual;
  cert.marginalError = 0.0;
  cert.bound = std::max(0.0, cert.primalDualGap) + std::max(0.0, cert.maxViolation);
}

// The rank-wise pairs of both clouds sorted along their principal axis (the optimal
// coupling of that 1-D projection): a perfect matching, so the candidate graph always
// has one and the auction always ends; the certificate adds whatever else is needed.
void addProjectionMatching(const SqEuclideanCost& C, Candidates& cand) {
  const size_t n = C.rows();
  double m[2] = {0, 0}, sxx = 0, sxy = 0, syy = 0;
  for (const Cloud* c : {&C.a(), &C.b()})
    for (size_t i = 0; i < c->n; ++i) m[0] += c->x[2 * i] / double(2 * n), m[1] += c->x[2 * i + 1] / double(2 * n);
  for (const Cloud* c : {&C.a(), &C.b()})
    for (size_t i = 0; i < c->n; ++i) {
      const double x = c->x[2 * i] - m[0], y = c->x[2 * i + 1] - m[1];
      sxx += x * x, sxy += x * y, syy += y * y;
    }
  // Principal eigenvector of [[sxx, sxy], [sxy, syy]].
  const double angle = 0.5 * std::atan2(2.0 * sxy, sxx - syy);
  const double dir[2] = {std::cos(angle), std::sin(angle)};
  auto order = [&](const Cloud& c) {
    std::vector<std::pair<double, int32_t>> key(c.n);
    for (size_t i = 0; i < c.n; ++i) key[i] = {dir[0] * c.x[2 * i] + dir[1] * c.x[2 * i + 1], int32_t(i)};
    std::sort(key.begin(), key.end());
    return key;
  };
  const auto ka = order(C.a()), kb = order(C.b());
  for (size_t r = 0; r < n; ++r) cand.add(C, size_t(ka[r].second), kb[r].second);
}

// The typical spread of a row's candidate costs: the first epsilon.
double startingEpsilon(const Candidates& cand) {
  const size_t n = cand.col.size();
  double eps = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const auto& c = cand.cost[i];
    eps += (*std::max_element(c.begin(), c.end()) - *std::min_element(c.begin(), c.end())) / double(n);
  }
  return eps;
}

}  // namespace

namespace {

// Potentials of the sparse solution: v = -p, u_i = the row minimum over candidates.
void potentialsFromPrices(const Candidates& cand, const std::vector<double>& p, AssignmentState& s) {
  for (size_t j = 0; j < p.size(); ++j) s.v[j] = -p[j];
  for (size_t i = 0; i < cand.col.size(); ++i) {
    double lo = kInf;
    for (size_t t = 0; t < cand.col[i].size(); ++t) lo = std::min(lo, cand.cost[i][t] - s.v[size_t(cand.col[i][t])]);
    s.u[i] = lo;
  }
}

// One all-pairs check of (s.u, s.v) into cert.maxViolation / worst pair; the most violated
// pairs of every row join the candidates. Returns how many joined (0: certified).
size_t checkAllPairs(const SqEuclideanCost& C, const Grid2D& g, const SparseOptions& opts, const AssignmentState& s,
                     Candidates& cand, Certificate& cert, SparseStats& stats, Progress& progress, double fraction) {
  const size_t n = C.rows();
  double vmax = -kInf, vabs = 0.0, uabs = 0.0, primal = 0.0;
  for (double x : s.v) vmax = std::max(vmax, x), vabs = std::max(vabs, std::fabs(x));
  for (double x : s.u) uabs = std::max(uabs, std::fabs(x));
  std::vector<double> cellVmax(g.cells(), -kInf);
  for (size_t c = 0; c < g.cells(); ++c)
    for (const int32_t* q = g.begin(c); q != g.end(c); ++q) cellVmax[c] = std::max(cellVmax[c], s.v[size_t(*q)]);
  for (size_t i = 0; i < n; ++i) primal += C.entry(i, size_t(s.col4row[i])) / double(n);
  // A quarter of the certificate's tolerance (exact.cc's finishTolerance) per pair.
  const double addAbove = opts.addShare * (opts.relGap * primal + 8.0 * DBL_EPSILON * (C.maxCostBound() + uabs + vabs));
  cert = Certificate{};
  cert.maxViolation = -kInf;
  size_t added = 0;
  std::vector<std::pair<double, int32_t>> add;
  for (size_t i = 0; i < n; ++i) {
    add.clear();
    const RowCheck r = checkRow(C, g, cellVmax, vmax, vabs, s.v, i, s.u[i], addAbove, add);
    stats.pairsEvaluated += r.evaluated;
    if (r.worst > cert.maxViolation) cert.maxViolation = r.worst, cert.worstRow = int64_t(i), cert.worstCol = r.worstCol;
    // Column generation: the most violated pairs of the row join the candidates.
    const size_t keep = std::min(add.size(), opts.addPerRow);
    std::partial_sort(add.begin(), add.begin() + ptrdiff_t(keep), add.end());
    for (size_t t = 0; t < keep; ++t) cand.add(C, i, add[t].second);
    added += keep;
    if ((i & 1023) == 0) progress.checkpoint(fraction);
  }
  return added;
}

}  // namespace

bool sparseAssign2D(const SqEuclideanCost& C, const SparseOptions& opts, AssignmentState& s, Certificate& cert,
                    SparseStats& stats, Progress& progress) {
  const size_t n = C.rows();
  const Grid2D g(C.b(), 4), ga(C.a(), 4);
  Candidates cand;
  cand.col.resize(n);
  cand.cost.resize(n);
  size_t k = std::max<size_t>(2, opts.k);
  addNeighbours(C, g, ga, k, cand);
  addProjectionMatching(C, cand);
  const double cmax = C.maxCostBound();
  const double absGap = std::max(opts.absGap, 2.0 * double(n) * DBL_EPSILON * cmax);
  std::vector<double> p;
  double eps = 0.0;
  auto coldStart = [&] {
    s.reset(n);
    p.assign(n, 0.0);
    eps = startingEpsilon(cand);
    if (!(eps > 0)) eps = cmax / 16.0 + DBL_MIN;  // every candidate cost equal
  };
  coldStart();
  SparseAuction auction(cand, s, p);
  for (stats.rounds = 1; stats.rounds <= opts.maxRounds; ++stats.rounds) {
    const double fraction = std::min(0.9, 0.1 * double(stats.rounds));
    progress.checkpoint(fraction);
    uint64_t bids = 0;
    const bool done = auction.run(eps, opts.relGap, absGap, uint64_t(100) * n + 100000, bids, progress, fraction);
    stats.bids += bids;
    if (!done) {
      if (k >= n || stats.kDoublings >= opts.maxDoublings) return false;
      k = std::min(n, 2 * k);
      ++stats.kDoublings;
      addNeighbours(C, g, ga, k, cand);
      coldStart();  // the prices of a graph without a perfect matching run away
      continue;
    }
    potentialsFromPrices(cand, p, s);
    const size_t added = checkAllPairs(C, g, opts, s, cand, cert, stats, progress, fraction);
    if (added == 0) {
      sums(C, s, cert);
      stats.candidates = cand.pairs();
      return true;
    }
    stats.addedPairs += added;
  }
  return false;
}

}  // namespace dw2::ot
