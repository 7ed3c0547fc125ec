#include "ot/exact.h"
#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include "core/errors.h"
#include "ot/atoms.h"
#include "ot/compensated.h"
#include "ot/cost_scale.h"
#include "runtime/threads.h"

namespace dw2::ot {

namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kAuctionOnTheFlyMaxDim = 8;
constexpr size_t kSparseMinPoints = 20000;  // d = 2, 'auto': candidate sets from here on
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string mib(double bytes) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / 1048576.0);
  return buf;
}

double maxAbs(const std::vector<double>& x) {
  double r = 0.0;
  for (double t : x) r = std::max(r, std::fabs(t));
  return r;
}

void finishTolerance(ExactResult& r, const SqEuclideanCost& C, double relTol) {
  const double scale = C.maxCostBound() + maxAbs(r.u) + maxAbs(r.v);
  r.tolerance = relTol * r.w2sq + 8.0 * DBL_EPSILON * scale;
  r.certified = r.cert.bound <= r.tolerance;
}

// Certifies a complete or partial assignment (masses 1/n): plan from s.col4row,
// row potentials tightened to the row minima of C - v.
Certificate certifyMatching(const SqEuclideanCost& C, AssignmentState& s, ExactResult& r, Progress& progress) {
  const size_t n = C.rows();
  const std::vector<double> w(n, 1.0 / double(n));
  SparsePlan plan;
  for (size_t i = 0; i < n; ++i)
    if (s.col4row[i] >= 0) plan.add(int64_t(i), s.col4row[i], 1.0 / double(n));
  auto tc = Clock::now();
  Certificate c = certify(C, w.data(), w.data(), plan, s.u, s.v, true, progress);
  r.secondsCertify += since(tc);
  r.plan = std::move(plan);
  return c;
}

// Frees the rows whose own column is not (to round-off) a row minimum of C - v;
// returns how many rows are free afterwards.
size_t freeSlackRows(const SqEuclideanCost& C, AssignmentState& s) {
  const size_t n = C.rows();
  const double eta = 8.0 * DBL_EPSILON * C.maxCostBound() + 8.0 * DBL_EPSILON * maxAbs(s.v);
  size_t freed = 0;
  for (size_t i = 0; i < n; ++i) {
    const int64_t j = s.col4row[i];
    if (j < 0) continue;
    const double slack = (C.entry(i, size_t(j)) - s.v[j]) - s.u[i];
    if (slack > eta) {
      s.col4row[i] = -1;
      s.row4col[j] = -1;
    }
  }
  for (size_t i = 0; i < n; ++i) freed += s.col4row[i] < 0;
  return freed;
}

void solveAssignment(const SqEuclideanCost& C, const ExactOptions& opts, ExactResult& r, Progress& progress) {
  const size_t n = C.rows();
  AssignmentState s;
  const double epsScale = DBL_EPSILON * C.maxCostBound();
  auto t0 = Clock::now();

  if (opts.solver == ExactSolver::ShortestPath) {
    s.reset(n);
    ProgressRange solving(progress, 0.0, 0.85);
    shortestPathAssign(C, s, solving, r.shortestPath);
    r.solver = "shortest-path";
    r.secondsSolve = since(t0);
    ProgressRange certifying(progress, 0.85, 1.0);
    certifyAssignment(C, s, false, opts, r, certifying);
    return;
  }
  if (opts.solver == ExactSolver::Auto && C.dim() <= kAuctionOnTheFlyMaxDim) {
    // Tie-heavy data (lattices, grids and their shifts) can make the auction's price
    // wars slow while shortest paths find almost every augmenting path in one row scan.
    // A budget of 1.25 n row scans (a few percent of a typical auction) tells them apart:
    // within it shortest paths finish and are kept; past it the auction starts afresh.
    s.reset(n);
    ProgressRange start(progress, 0.0, 0.0);
    if (shortestPathAssign(C, s, start, r.shortestPath, n + n / 4)) {
      r.solver = "shortest-path";
      r.secondsSolve = since(t0);
      ProgressRange certifying(progress, 0.85, 1.0);
      certifyAssignment(C, s, false, opts, r, certifying);
      return;
    }
  }
  AuctionOptions ao;
  // Low dimensions have many near-ties: longer lists save more rebuilds than they cost.
  ao.listSize = opts.listSize ? opts.listSize : (C.dim() <= 3 ? std::min<size_t>(192, std::max<size_t>(64, n / 64)) : 24);
  ao.relGap = 0.5 * opts.tolerance;
  ao.absGap = 2.0 * double(n) * epsScale;
  ao.maxBids = opts.maxIterations;
  // Costly rows (d > 8) are rebuilt in batches, where the estimates' matrix product
  // shares every loaded column of b between rows.
  ao.deferStale = C.dim() > kAuctionOnTheFlyMaxDim;
  ProgressRange bidding(progress, 0.0, 0.8);
  auctionAssign(C, s, ao, bidding, r.auction);
  r.solver = "auction";
  r.secondsSolve = since(t0);
  ProgressRange certifying(progress, 0.8, 1.0);
  certifyAssignment(C, s, r.auction.exhausted, opts, r, certifying);
}

void requireCompatible(const Cloud& a, const Cloud& b) {
  const size_t n = a.n, m = b.n;
  if (n == 0 || m == 0)
    fail(ErrorCode::InvalidArgument, "empty cloud: a has " + std::to_string(n) + " points, b has " + std::to_string(m));
  if (a.d != b.d)
    fail(ErrorCode::ShapeMismatch, "point dimensions differ: a is " + std::to_string(n) + " x " + std::to_string(a.d) +
                                       ", b is " + std::to_string(m) + " x " + std::to_string(b.d));
  if (n > size_t(INT32_MAX) || m > size_t(INT32_MAX))
    fail(ErrorCode::TooLarge, "clouds of " + std::to_string(n) + " and " + std::to_string(m) +
                                  " points exceed the 2^31 - 1 point limit");
}

bool uniformWeights(const double* w, size_t k) {
  if (!w) return true;
  for (size_t i = 1; i < k; ++i)
    if (w[i] != w[0]) return false;
  return true;
}

bool anyZero(const std::vector<double>& w) {
  return std::any_of(w.begin(), w.end(), [](double x) { return x == 0.0; });
}

// The problem after validation: normalised weights and the solver family.
struct Problem {
  Cloud a, b;
  const double *wa, *wb;  // raw weights (null = uniform)
  std::vector<double> pa, pb;
  bool square = false;  // uniform weights and n = m
  bool useAssignment = false;
};

// Working memory without a dense matrix; throws TooLarge beyond the budget.
double baseBytes(const Problem& P, const ExactOptions& opts) {
  const size_t n = P.a.n, m = P.b.n, d = P.a.d;
  const int threads = std::max(1, maxThreads());
  double base = 8.0 * double(n + m) * double(d) + 8.0 * 24.0 * double(n + m);
  if (P.useAssignment)
    base += double(n) * double(std::min<size_t>(n, opts.listSize ? opts.listSize : 192)) * 12.0 +
            double(threads) * 4.0 * 8.0 * double(n);
  else
    base += 8.0 * double(m);
  if (base > opts.memoryBudgetBytes)
    fail(ErrorCode::TooLarge, "an exact solve of " + std::to_string(n) + " x " + std::to_string(m) + " points in d = " +
                                  std::to_string(d) + " needs at least " + mib(base) + " of working memory, more than " +
                                  "memoryBudgetBytes = " + mib(opts.memoryBudgetBytes));
  return base;
}

// d = 2: sparse candidate sets proven optimal over all pairs (sparse_assignment.h);
// nullopt when they do not certify within their rounds (the caller solves densely).
std::optional<ExactResult> solveSparse(const Problem& P, const ExactOptions& opts, Progress& progress) {
  ExactResult r;
  SqEuclideanCost C(P.a, P.b);
  AssignmentState s;
  SparseOptions so;
  so.relGap = 0.5 * opts.tolerance;
  auto t0 = Clock::now();
  ProgressRange sp(progress, 0.0, 0.95);
  const bool ok = sparseAssign2D(C, so, s, r.cert, r.sparse, sp);
  r.secondsSolve = since(t0);
  if (!ok) return std::nullopt;
  r.solver = "sparse-auction";
  r.assignment = true;
  r.permutation = s.col4row;
  for (size_t i = 0; i < P.a.n; ++i) r.plan.add(int64_t(i), s.col4row[i], 1.0 / double(P.a.n));
  r.u = s.u;
  r.v = s.v;
  r.w2sq = std::max(0.0, r.cert.primal);
  r.auction.bids = r.sparse.bids;
  r.workingBytes = 8.0 * double(P.a.n) * (2.0 * double(r.sparse.candidates) / double(P.a.n) + 16.0);
  finishTolerance(r, C, opts.tolerance);
  if (!r.certified) return std::nullopt;
  return r;
}

ExactResult solveSquare(const Problem& P, const ExactOptions& opts, double base, Progress& progress) {
  const bool sparse = P.a.d == 2 && (opts.solver == ExactSolver::Sparse ||
                                     (opts.solver == ExactSolver::Auto && P.a.n >= kSparseMinPoints));
  if (sparse)
    if (std::optional<ExactResult> r = solveSparse(P, opts, progress)) return *std::move(r);
  ExactResult r;
  const size_t n = P.a.n, m = P.b.n, d = P.a.d;
  const double denseBytes = SqEuclideanCost::denseBytes(n, m);
  // The auction reads each cost row only when a candidate list is rebuilt: for small d,
  // computing the row from coordinates (in cache) is faster than streaming it from a
  // dense matrix in memory, so the matrix is built only for larger d (or other solvers).
  const bool auctionPath = opts.solver != ExactSolver::ShortestPath;
  const bool dense = base + denseBytes <= opts.memoryBudgetBytes && !(auctionPath && d <= kAuctionOnTheFlyMaxDim);
  r.workingBytes = base + (dense ? denseBytes : 0.0);
  SqEuclideanCost C(P.a, P.b);
  auto t0 = Clock::now();
  if (dense) {
    ProgressRange sp(progress, 0.0, 0.1);
    C.buildDense(sp);
  } else if (d > kAuctionOnTheFlyMaxDim && base + 2.0 * 8.0 * double(n + m) * double(d + 2) <= opts.memoryBudgetBytes) {
    // Rows of many coordinates: estimate them in blocks (a matrix product) and compute
    // only the candidates exactly (cost_filter.h); results are the same.
    C.buildFilter();
    r.costEstimates = C.filter() != nullptr;
    r.workingBytes += 2.0 * 8.0 * double(n + m) * double(d + 2);
  }
  r.secondsCosts = since(t0);
  r.dense = dense;
  ProgressRange rest(progress, dense ? 0.1 : 0.0, 1.0);
  solveAssignment(C, opts, r, rest);
  return r;
}

// Points of positive mass, as a compact cloud when some points carry none.
struct PositivePart {
  std::vector<int64_t> kept, dropped;
  std::vector<double> x, mass;
  Cloud cloud;
  PositivePart(const Cloud& c, const std::vector<double>& w) : cloud(c) {
    for (size_t i = 0; i < c.n; ++i) (w[i] > 0 ? kept : dropped).push_back(int64_t(i));
    for (int64_t i : kept) mass.push_back(w[size_t(i)]);
    if (dropped.empty()) return;
    x.resize(kept.size() * c.d);
    for (size_t t = 0; t < kept.size(); ++t) std::copy_n(c.row(size_t(kept[t])), c.d, x.data() + t * c.d);
    cloud = Cloud{x.data(), kept.size(), c.d};
  }
};

// Network simplex on a (possibly compacted) cost, results mapped back to full indices.
void runSimplex(const SqEuclideanCost& Csub, const PositivePart& A, const PositivePart& B, const ExactOptions& opts,
                ExactResult& r, Progress& progress) {
  auto t0 = Clock::now();
  SimplexOptions so;
  so.maxPivots = opts.maxIterations;
  SparsePlan subPlan;
  std::vector<double> su, sv;
  {
    ProgressRange sp(progress, 0.05, 0.85);
    networkSimplex(Csub, A.mass.data(), B.mass.data(), so, subPlan, su, sv, sp, r.simplex);
  }
  r.secondsSolve = since(t0);
  r.solver = "network-simplex";
  for (size_t t = 0; t < A.kept.size(); ++t) r.u[A.kept[t]] = su[t];
  for (size_t t = 0; t < B.kept.size(); ++t) r.v[B.kept[t]] = sv[t];
  for (size_t t = 0; t < subPlan.size(); ++t) r.plan.add(A.kept[subPlan.rows[t]], B.kept[subPlan.cols[t]], subPlan.mass[t]);
}

// Transportation problem: drop zero-mass points, solve, then give them potentials.
ExactResult solveTransport(const Problem& P, const ExactOptions& opts, double base, Progress& progress) {
  ExactResult r;
  const PositivePart A(P.a, P.pa), B(P.b, P.pb);
  const bool filtered = !A.dropped.empty() || !B.dropped.empty();
  SqEuclideanCost Csub(A.cloud, B.cloud);
  auto t0 = Clock::now();
  const double subBytes = SqEuclideanCost::denseBytes(A.cloud.n, B.cloud.n);
  const bool denseSub = base + subBytes <= opts.memoryBudgetBytes;
  if (denseSub) {
    ProgressRange sp(progress, 0.0, 0.05);
    Csub.buildDense(sp);
  }
  r.dense = denseSub;
  r.workingBytes = base + (denseSub ? subBytes : 0.0);
  r.secondsCosts = since(t0);
  r.u.assign(P.a.n, 0.0);
  r.v.assign(P.b.n, 0.0);
  runSimplex(Csub, A, B, opts, r, progress);

  auto tc = Clock::now();
  std::optional<SqEuclideanCost> full;
  if (filtered) {
    full.emplace(P.a, P.b);
    tightenColumns(*full, A.kept, r.u, B.dropped, r.v);
  }
  const SqEuclideanCost& C = filtered ? *full : Csub;
  ProgressRange certifying(progress, 0.85, 1.0);
  r.cert = certify(C, P.pa.data(), P.pb.data(), r.plan, r.u, r.v, true, certifying);
  r.w2sq = std::max(0.0, r.cert.primal);
  r.secondsCertify = since(tc);
  finishTolerance(r, C, opts.tolerance);
  return r;
}

// Supplies of the points of one side: whole units when both sides are uniform (1 per
// point when n = m, else the other side's size: totals n m), else normalised weights.
std::vector<double> pointSupply(const Problem& P, bool first, bool integral) {
  const size_t n = P.a.n, m = P.b.n;
  if (!integral) return first ? P.pa : P.pb;
  const double unit = P.square ? 1.0 : double(first ? m : n);
  return std::vector<double>(first ? n : m, unit);
}

// Solves the problem between the atoms of both sides (network simplex, certified on the
// atoms, whose costs are exactly the points' costs) and expands it back to points.
ExactResult solveAtoms(const Problem& P, const Atoms& A, const Atoms& B, const std::vector<double>& sa,
                       const std::vector<double>& sb, double total, const ExactOptions& opts, Progress& progress) {
  ExactResult r;
  SqEuclideanCost C(A.cloud(), B.cloud());
  const double bytes = SqEuclideanCost::denseBytes(A.count(), B.count());
  auto t0 = Clock::now();
  r.dense = 8.0 * double(P.a.n + P.b.n) * 6.0 + bytes <= opts.memoryBudgetBytes;
  if (r.dense) {
    ProgressRange sp(progress, 0.0, 0.05);
    C.buildDense(sp);
  }
  r.workingBytes = 8.0 * double(P.a.n + P.b.n) * (6.0 + double(P.a.d)) + (r.dense ? bytes : 0.0);
  r.secondsCosts = since(t0);
  t0 = Clock::now();
  SimplexOptions so;
  so.maxPivots = opts.maxIterations;
  SparsePlan atomPlan;
  {
    ProgressRange sp(progress, 0.05, 0.85);
    networkSimplex(C, A.supply.data(), B.supply.data(), so, atomPlan, r.u, r.v, sp, r.simplex);
  }
  r.secondsSolve = since(t0);
  r.solver = "atoms+network-simplex";
  auto tc = Clock::now();
  std::vector<double> wa(A.supply), wb(B.supply);
  for (double& w : wa) w /= total;
  for (double& w : wb) w /= total;
  SparsePlan certPlan = atomPlan;
  for (double& x : certPlan.mass) x /= total;
  ProgressRange certifying(progress, 0.85, 1.0);
  r.cert = certify(C, wa.data(), wb.data(), certPlan, r.u, r.v, true, certifying);
  r.cert.worstRow = r.cert.worstRow >= 0 ? A.representative(r.cert.worstRow) : -1;
  r.cert.worstCol = r.cert.worstCol >= 0 ? B.representative(r.cert.worstCol) : -1;
  r.w2sq = std::max(0.0, r.cert.primal);
  r.secondsCertify = since(tc);
  finishTolerance(r, C, opts.tolerance);
  r.plan = expandPlan(atomPlan, A, sa, B, sb, total);
  r.u = expandPotentials(r.u, A, P.a.n);
  r.v = expandPotentials(r.v, B, P.b.n);
  r.atomsA = A.count();
  r.atomsB = B.count();
  return r;
}

// Collapses duplicated points when that divides the number of pairs by 4 or more (and no
// point has zero weight, which the plain transport path handles); nullopt otherwise.
std::optional<ExactResult> solveCollapsed(const Problem& P, const ExactOptions& opts, Progress& progress) {
  if (opts.solver == ExactSolver::Auction || opts.solver == ExactSolver::ShortestPath || opts.solver == ExactSolver::Sparse)
    return std::nullopt;
  if (anyZero(P.pa) || anyZero(P.pb)) return std::nullopt;
  const size_t n = P.a.n, m = P.b.n;
  const size_t ua = distinctPoints(P.a), ub = distinctPoints(P.b);
  if (4.0 * double(ua) * double(ub) > double(n) * double(m)) return std::nullopt;
  const bool integral = uniformWeights(P.wa, n) && uniformWeights(P.wb, m) &&
                        (P.square || double(n) * double(m) <= 4503599627370496.0);  // 2^52: exact units
  const std::vector<double> sa = pointSupply(P, true, integral), sb = pointSupply(P, false, integral);
  const Atoms A = collapseDuplicates(P.a, sa), B = collapseDuplicates(P.b, sb);
  const double total = !integral ? 1.0 : P.square ? double(n) : double(n) * double(m);
  ExactResult r = solveAtoms(P, A, B, sa, sb, total, opts, progress);
  if (P.square && integral) {
    r.assignment = true;
    r.permutation.assign(n, -1);
    for (size_t t = 0; t < r.plan.size(); ++t) r.permutation[size_t(r.plan.rows[t])] = r.plan.cols[t];
    if (r.plan.size() != n || std::count(r.permutation.begin(), r.permutation.end(), -1) > 0)
      fail(ErrorCode::Internal, "duplicate collapsing: the expanded plan is not a permutation");
  }
  return r;
}

ExactResult solveInRange(const Problem& P, const ExactOptions& opts, Progress& progress) {
  if (std::optional<ExactResult> r = solveCollapsed(P, opts, progress)) return *std::move(r);
  const double base = baseBytes(P, opts);
  return P.useAssignment ? solveSquare(P, opts, base, progress) : solveTransport(P, opts, base, progress);
}

// Scales a result of the rescaled problem back to the original units (cost_scale.h).
void unscaleResult(ExactResult& r, const CostScale& s) {
  r.w2sq = s.unscale(r.w2sq);
  requireRepresentable(r.w2sq, "W2^2");
  for (std::vector<double>* p : {&r.u, &r.v})
    for (double& x : *p) {
      x = s.unscale(x);
      requireRepresentable(x, "a dual potential");
    }
  unscaleCertificate(r.cert, s);
  r.tolerance = s.unscale(r.tolerance);
  requireRepresentable(r.cert.bound, "the certificate bound");
  requireRepresentable(r.tolerance, "the certificate tolerance");
}

}  // namespace

ExactResult solveScaled(const Cloud& a, const Cloud& b, const std::function<ExactResult(const Cloud&, const Cloud&)>& solve) {
  const CostScale s = chooseCostScale(a, b);
  if (!s.active()) return solve(a, b);
  const std::vector<double> xa = s.coordinates(a), xb = s.coordinates(b);
  ExactResult r = solve(Cloud{xa.data(), a.n, a.d}, Cloud{xb.data(), b.n, b.d});
  unscaleResult(r, s);
  r.costExponent = 2 * s.exponent;
  return r;
}

void certifyAssignment(const SqEuclideanCost& C, AssignmentState& s, bool exhausted, const ExactOptions& opts, ExactResult& r,
                       Progress& progress) {
  const bool repairable = r.solver != "shortest-path";
  ProgressRange certifying(progress, 0.0, repairable ? 0.5 : 1.0);
  r.cert = certifyMatching(C, s, r, certifying);
  r.u = s.u;
  r.v = s.v;
  r.w2sq = r.cert.primal;
  finishTolerance(r, C, opts.tolerance);
  if (repairable && (exhausted || !r.certified)) {
    // Repair: keep rows whose own column is (to round-off) a row minimum of C - v,
    // free the rest and finish with shortest augmenting paths from these prices.
    auto tr = Clock::now();
    r.repairedRows += freeSlackRows(C, s);
    ProgressRange repairing(progress, 0.5, 0.75);
    shortestPathAssign(C, s, repairing, r.shortestPath);
    r.solver += "+shortest-path";
    r.secondsSolve += since(tr);
    ProgressRange recertifying(progress, 0.75, 1.0);
    r.cert = certifyMatching(C, s, r, recertifying);
  }
  r.assignment = true;
  r.permutation = s.col4row;
  r.u = s.u;
  r.v = s.v;
  r.w2sq = std::max(0.0, r.cert.primal);
  finishTolerance(r, C, opts.tolerance);
}

std::vector<double> normalisedWeights(const double* w, size_t n, const char* name) {
  std::vector<double> out(n, n ? 1.0 / double(n) : 0.0);
  if (!w) return out;
  NeumaierSum total;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(w[i]))
      fail(ErrorCode::NonFinite, std::string(name) + " contains a non-finite value at index " + std::to_string(i));
    if (w[i] < 0)
      fail(ErrorCode::InvalidArgument,
           std::string(name) + " must be >= 0, got " + std::to_string(w[i]) + " at index " + std::to_string(i));
    total.add(w[i]);
  }
  const double t = total.value();
  if (!(t > 0)) fail(ErrorCode::InvalidArgument, std::string(name) + " must have a positive total, got " + std::to_string(t));
  for (size_t i = 0; i < n; ++i) out[i] = w[i] / t;
  return out;
}

void requireEqualTotals(const double* wa, size_t n, const double* wb, size_t m) {
  if (!wa || !wb) return;  // uniform weights take the other side's total
  NeumaierSum ta, tb;
  for (size_t i = 0; i < n; ++i) ta.add(wa[i]);
  for (size_t j = 0; j < m; ++j) tb.add(wb[j]);
  const double x = ta.value(), y = tb.value();
  if (std::fabs(x - y) > 1e-6 * std::max(std::fabs(x), std::fabs(y)))
    fail(ErrorCode::InvalidArgument, "weight totals differ: weightsA sum to " + std::to_string(x) + ", weightsB to " +
                                         std::to_string(y) + " (they must agree to relative 1e-6)");
}

ExactResult solveExact(const Cloud& a, const double* wa, const Cloud& b, const double* wb, const ExactOptions& opts,
                       Progress& progress) {
  requireCompatible(a, b);
  Problem P{a, b, wa, wb, normalisedWeights(wa, a.n, "weightsA"), normalisedWeights(wb, b.n, "weightsB")};
  requireEqualTotals(wa, a.n, wb, b.n);
  P.square = a.n == b.n && uniformWeights(wa, a.n) && uniformWeights(wb, b.n);
  if (opts.solver == ExactSolver::Sparse && (!P.square || a.d != 2))
    fail(ErrorCode::InvalidArgument, "solver 'sparse' needs uniform weights, n = m and d = 2 (got n = " +
                                         std::to_string(a.n) + ", m = " + std::to_string(b.n) + ", d = " +
                                         std::to_string(a.d) + ")");
  if (!P.square && (opts.solver == ExactSolver::Auction || opts.solver == ExactSolver::ShortestPath))
    fail(ErrorCode::InvalidArgument, std::string("solver '") +
                                         (opts.solver == ExactSolver::Auction ? "auction" : "shortest-path") +
                                         "' needs uniform weights and n = m (got n = " + std::to_string(a.n) +
                                         ", m = " + std::to_string(b.n) + "); use 'network-simplex' or 'auto'");
  P.useAssignment = P.square && opts.solver != ExactSolver::NetworkSimplex;
  ExactResult r = solveScaled(a, b, [&](const Cloud& sa, const Cloud& sb) {
    Problem Q = P;
    Q.a = sa;
    Q.b = sb;
    return solveInRange(Q, opts, progress);
  });
  progress.checkpoint(1.0);
  return r;
}

}  // namespace dw2::ot
