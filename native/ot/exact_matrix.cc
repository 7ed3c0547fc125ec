#include "ot/exact_matrix.h"
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <string>
#include "core/errors.h"
#include "ot/cost_matrix.h"
#include "ot/cost_scale.h"

namespace dw2::ot {

namespace {

double maxAbs(const std::vector<double>& x) {
  double r = 0.0;
  for (double t : x) r = std::max(r, std::fabs(t));
  return r;
}

bool uniform(const double* w, size_t k) { return !w || std::all_of(w, w + k, [w](double x) { return x == w[0]; }); }

// Supplies: whole units when both sides are uniform (exact flows, a permutation when
// n = m), else the normalised weights. Returns the common total.
double supplies(size_t n, size_t m, const std::vector<double>& pa, const std::vector<double>& pb, bool integral,
                std::vector<double>& sa, std::vector<double>& sb) {
  if (!integral) {
    sa = pa;
    sb = pb;
    return 1.0;
  }
  sa.assign(n, n == m ? 1.0 : double(m));
  sb.assign(m, n == m ? 1.0 : double(n));
  return n == m ? double(n) : double(n) * double(m);
}

// Power-of-two exponent bringing max |M| into float64's comfortable range, or 0.
int costExponent(const double* M, size_t count) {
  double big = 0.0;
  for (size_t k = 0; k < count; ++k) big = std::max(big, std::fabs(M[k]));
  if (!(big > 0)) return 0;
  const int e = std::ilogb(big) + 1;
  return (e > 900 || e < -900) ? e : 0;
}

// The rows and columns of positive supply, and the matrix restricted to them.
struct PositiveBlock {
  std::vector<int64_t> rows, cols, droppedCols;
  std::vector<double> costs, sa, sb;
  PositiveBlock(const double* M, size_t n, size_t m, const std::vector<double>& a, const std::vector<double>& b) {
    for (size_t i = 0; i < n; ++i)
      if (a[i] > 0) rows.push_back(int64_t(i)), sa.push_back(a[i]);
    for (size_t j = 0; j < m; ++j) (b[j] > 0 ? cols : droppedCols).push_back(int64_t(j));
    for (int64_t j : cols) sb.push_back(b[size_t(j)]);
    costs.reserve(rows.size() * cols.size());
    for (int64_t i : rows)
      for (int64_t j : cols) costs.push_back(M[size_t(i) * m + size_t(j)]);
  }
};

ExactResult solveInRange(const double* M, size_t n, size_t m, const std::vector<double>& pa, const std::vector<double>& pb,
                         bool integral, const ExactOptions& opts, Progress& progress) {
  ExactResult r;
  std::vector<double> sa, sb;
  const double total = supplies(n, m, pa, pb, integral, sa, sb);
  const PositiveBlock P(M, n, m, sa, sb);
  const CostMatrix sub(P.costs.data(), P.rows.size(), P.cols.size()), full(M, n, m);
  SimplexOptions so;
  so.maxPivots = opts.maxIterations;
  SparsePlan subPlan;
  std::vector<double> su, sv;
  networkSimplex(sub, P.sa.data(), P.sb.data(), so, subPlan, su, sv, progress, r.simplex);
  r.solver = "network-simplex";
  r.u.assign(n, 0.0);
  r.v.assign(m, 0.0);
  for (size_t t = 0; t < P.rows.size(); ++t) r.u[size_t(P.rows[t])] = su[t];
  for (size_t t = 0; t < P.cols.size(); ++t) r.v[size_t(P.cols[t])] = sv[t];
  for (size_t t = 0; t < subPlan.size(); ++t)
    r.plan.add(P.rows[size_t(subPlan.rows[t])], P.cols[size_t(subPlan.cols[t])], subPlan.mass[t] / total);
  tightenColumns(full, P.rows, r.u, P.droppedCols, r.v);
  ProgressRange certifying(progress, 0.99, 1.0);
  r.cert = certify(full, pa.data(), pb.data(), r.plan, r.u, r.v, true, certifying);
  r.w2sq = r.cert.primal;
  r.tolerance = opts.tolerance * std::fabs(r.w2sq) + 8.0 * DBL_EPSILON * (full.maxCostBound() + maxAbs(r.u) + maxAbs(r.v));
  r.certified = r.cert.bound <= r.tolerance;
  r.dense = true;
  r.workingBytes = 8.0 * double(n) * double(m) + 8.0 * double(P.costs.size()) + 64.0 * double(n + m);
  return r;
}

}  // namespace

ExactResult solveExactMatrix(const double* M, size_t n, size_t m, const double* wa, const double* wb,
                             const ExactOptions& opts, Progress& progress) {
  if (n == 0 || m == 0)
    fail(ErrorCode::InvalidArgument, "empty cost matrix: " + std::to_string(n) + " x " + std::to_string(m));
  if (n > size_t(INT32_MAX) || m > size_t(INT32_MAX))
    fail(ErrorCode::TooLarge, "cost matrices beyond 2^31 - 1 rows or columns are not supported");
  if (16.0 * double(n) * double(m) > opts.memoryBudgetBytes)
    fail(ErrorCode::TooLarge, "an exact solve on a " + std::to_string(n) + " x " + std::to_string(m) +
                                  " cost matrix needs up to " + std::to_string(16.0 * double(n) * double(m) / 1048576.0) +
                                  " MiB, more than memoryBudgetBytes");
  const std::vector<double> pa = normalisedWeights(wa, n, "weightsA"), pb = normalisedWeights(wb, m, "weightsB");
  requireEqualTotals(wa, n, wb, m);
  const bool integral = uniform(wa, n) && uniform(wb, m) && (n == m || double(n) * double(m) <= 4503599627370496.0);
  const int e = costExponent(M, n * m);
  ExactResult r;
  if (e == 0) {
    r = solveInRange(M, n, m, pa, pb, integral, opts, progress);
  } else {
    std::vector<double> scaled(M, M + n * m);
    for (double& c : scaled) c = std::ldexp(c, -e);
    r = solveInRange(scaled.data(), n, m, pa, pb, integral, opts, progress);
    for (double* x : {&r.w2sq, &r.tolerance, &r.cert.primal, &r.cert.dual, &r.cert.primalDualGap, &r.cert.maxViolation,
                      &r.cert.bound})
      *x = std::ldexp(*x, e);
    for (std::vector<double>* p : {&r.u, &r.v})
      for (double& x : *p) requireRepresentable(x = std::ldexp(x, e), "a dual potential");
    requireRepresentable(r.w2sq, "the optimal cost");
    requireRepresentable(r.tolerance, "the certificate tolerance");
    r.costExponent = e;
  }
  if (integral && n == m) {
    r.assignment = true;
    r.permutation.assign(n, -1);
    for (size_t t = 0; t < r.plan.size(); ++t) r.permutation[size_t(r.plan.rows[t])] = r.plan.cols[t];
    if (r.plan.size() != n || std::count(r.permutation.begin(), r.permutation.end(), -1) > 0)
      fail(ErrorCode::Internal, "cost-matrix transport: the uniform n = n plan is not a permutation");
  }
  progress.checkpoint(1.0);
  return r;
}

}  // namespace dw2::ot
