#include "ot/certificate.h"
#include <omp.h>
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include "ot/compensated.h"
#include "ot/cost_filter.h"
#include "ot/cost_matrix.h"
#include "ot/cost_scale.h"
#include "runtime/threads.h"

namespace dw2::ot {

namespace {

const ExpandedCosts* filterOf(const SqEuclideanCost& C) { return C.isDense() ? nullptr : C.filter(); }
const ExpandedCosts* filterOf(const CostMatrix&) { return nullptr; }

struct RowScan {
  double worst;
  size_t at;
};

// One row of the certificate pass from estimates (cost_filter.h), with the same result
// as the exact scan. With M the estimate margin, rho = M (1 + eps) + eps (cmax + vmax)
// bounds |estimated - exact| for h_j = C_ij - v_j (in float64). The exact minimiser of h
// has an estimate <= lowest + 2 rho, so it is a candidate (estimate <= threshold); a
// column outside has exact h_j > threshold - rho, which makes its computed violation
// (u_i + v_j) - C_ij lower than the minimiser's by more than the rounding of either
// (2 eps (|u_i| + vmax + cmax) each): the row's maximum and its first argmax are among
// the candidates, which are evaluated exactly, in column order.
template <class Cost>
RowScan scanRowFiltered(const Cost& C, size_t i, const double* est, double margin, const std::vector<double>& v,
                        double vmax, double cmax, bool tightenRows, double& ui) {
  const size_t m = v.size();
  double lowest = std::numeric_limits<double>::infinity();
  for (size_t j = 0; j < m; ++j) lowest = std::min(lowest, est[j] - v[j]);
  const double uBound = tightenRows ? std::fabs(lowest) + 2.0 * margin : std::fabs(ui);
  const double threshold = lowest + 4.0 * margin + 16.0 * DBL_EPSILON * (uBound + vmax + cmax);
  thread_local std::vector<size_t> cand;
  thread_local std::vector<double> cost;
  cand.clear();
  cost.clear();
  for (size_t j = 0; j < m; ++j)
    if (est[j] - v[j] <= threshold) cand.push_back(j);
  for (size_t j : cand) cost.push_back(C.entry(i, j));
  if (tightenRows) {
    double best = std::numeric_limits<double>::infinity();
    for (size_t t = 0; t < cand.size(); ++t) best = std::min(best, cost[t] - v[cand[t]]);
    ui = best;
  }
  RowScan r{-std::numeric_limits<double>::infinity(), 0};
  for (size_t t = 0; t < cand.size(); ++t) {
    const double viol = (ui + v[cand[t]]) - cost[t];
    if (viol > r.worst) r.worst = viol, r.at = cand[t];
  }
  return r;
}

}  // namespace

template <class Cost>
Certificate certify(const Cost& C, const double* wa, const double* wb, const SparsePlan& plan,
                    std::vector<double>& u, const std::vector<double>& v, bool tightenRows, Progress& progress) {
  const size_t n = C.rows(), m = C.cols();
  Certificate cert;
  const double inf = std::numeric_limits<double>::infinity();

  // Pass over all pairs: (optionally) row minima, then the largest violation.
  const ExpandedCosts* F = n && m ? filterOf(C) : nullptr;
  const double cost = C.isDense() ? 3.0 : F ? 2.0 * double(C.dim()) + 6.0 : 3.0 * double(C.dim()) + 3.0;
  const int threads = threadsFor(double(n) * double(m), cost);
  const size_t group = F ? 32 : 4;
  const size_t groups = (n + group - 1) / group;
  const size_t chunk = std::max<size_t>(2, (size_t(1) << 26) / std::max<size_t>(1, m * size_t(cost) * group));
  std::vector<std::vector<double>> buf(std::max(1, threads), std::vector<double>(C.isDense() ? 0 : group * m));
  std::vector<std::vector<float>> pack(std::max(1, threads));
  const double vmax = F ? std::max(*std::max_element(v.begin(), v.end()), -*std::min_element(v.begin(), v.end())) : 0.0;
  const double cmax = F ? C.maxCostBound() : 0.0;
  double worst = -inf;
  int64_t wi = -1, wj = -1;
  for (size_t g0 = 0; g0 < groups; g0 += chunk) {
    const long long lo = static_cast<long long>(g0), hi = static_cast<long long>(std::min(groups, g0 + chunk));
#pragma omp parallel num_threads(threads)
    {
      double tWorst = -inf;
      int64_t ti = -1, tj = -1;
      const int tid = omp_get_thread_num();
#pragma omp for schedule(static)
      for (long long g = lo; g < hi; ++g) {
        const size_t i0 = size_t(g) * group, cnt = std::min(group, n - i0);
        if (F) {
          int64_t idx[32];
          for (size_t q = 0; q < cnt; ++q) idx[q] = int64_t(i0 + q);
          F->rows(idx, cnt, buf[tid].data(), m, pack[tid]);
          for (size_t q = 0; q < cnt; ++q) {
            const size_t i = i0 + q;
            const RowScan r = scanRowFiltered(C, i, buf[tid].data() + q * m, F->margin(i), v, vmax, cmax, tightenRows, u[i]);
            if (r.worst > tWorst) tWorst = r.worst, ti = int64_t(i), tj = int64_t(r.at);
          }
          continue;
        }
        for (size_t q = 0; q < cnt; ++q) {
          const size_t i = i0 + q;
          const double* row;
          if (C.isDense()) row = C.rowPtr(i, nullptr);
          else {
            if (q == 0) C.rows(i0, cnt, buf[tid].data(), m);
            row = buf[tid].data() + q * m;
          }
          if (tightenRows) {
            double lowest = inf;
            for (size_t j = 0; j < m; ++j) lowest = std::min(lowest, row[j] - v[j]);
            u[i] = lowest;
          }
          const double ui = u[i];
          double rw = -inf;
          size_t rj = 0;
          for (size_t j = 0; j < m; ++j) {
            const double viol = (ui + v[j]) - row[j];
            if (viol > rw) rw = viol, rj = j;
          }
          if (rw > tWorst) tWorst = rw, ti = int64_t(i), tj = int64_t(rj);
        }
      }
#pragma omp critical(dw2_certify_merge)
      if (tWorst > worst || (tWorst == worst && ti >= 0 && (wi < 0 || ti < wi))) worst = tWorst, wi = ti, wj = tj;
    }
    progress.checkpoint(double(hi) / double(groups));
  }
  cert.maxViolation = (n == 0 || m == 0) ? 0.0 : worst;
  cert.worstRow = wi;
  cert.worstCol = wj;

  NeumaierSum primal, dual;
  std::vector<double> rowSum(n, 0.0), colSum(m, 0.0);
  for (size_t t = 0; t < plan.size(); ++t) {
    const int64_t i = plan.rows[t], j = plan.cols[t];
    primal.add(plan.mass[t] * C.entry(size_t(i), size_t(j)));
    rowSum[i] += plan.mass[t];
    colSum[j] += plan.mass[t];
  }
  for (size_t i = 0; i < n; ++i) dual.add(wa[i] * u[i]);
  for (size_t j = 0; j < m; ++j) dual.add(wb[j] * v[j]);
  double marg = 0.0;
  for (size_t i = 0; i < n; ++i) marg = std::max(marg, std::fabs(rowSum[i] - wa[i]));
  for (size_t j = 0; j < m; ++j) marg = std::max(marg, std::fabs(colSum[j] - wb[j]));
  cert.primal = primal.value();
  cert.dual = dual.value();
  cert.primalDualGap = cert.primal - cert.dual;
  cert.marginalError = marg;
  cert.bound = std::max(0.0, cert.primalDualGap) + std::max(0.0, cert.maxViolation);
  return cert;
}

Certificate certifyClouds(const Cloud& a, const double* wa, const Cloud& b, const double* wb, const SparsePlan& plan,
                          std::vector<double> u, std::vector<double> v, Progress& progress) {
  const CostScale s = chooseCostScale(a, b);
  if (!s.active()) return certify(SqEuclideanCost(a, b), wa, wb, plan, u, v, false, progress);
  for (std::vector<double>* p : {&u, &v})
    for (double& t : *p) t = s.scaleCost(t);
  const std::vector<double> xa = s.coordinates(a), xb = s.coordinates(b);
  Certificate c = certify(SqEuclideanCost(Cloud{xa.data(), a.n, a.d}, Cloud{xb.data(), b.n, b.d}), wa, wb, plan, u, v,
                          false, progress);
  unscaleCertificate(c, s);
  requireRepresentable(c.primal, "the plan's cost");
  requireRepresentable(c.bound, "the certificate bound");
  return c;
}

template <class Cost>
void tightenColumns(const Cost& C, const std::vector<int64_t>& rows, const std::vector<double>& u,
                    const std::vector<int64_t>& cols, std::vector<double>& v) {
  for (int64_t j : cols) {
    double lowest = std::numeric_limits<double>::infinity();
    for (int64_t i : rows) lowest = std::min(lowest, C.entry(size_t(i), size_t(j)) - u[i]);
    v[j] = lowest;
  }
}

template Certificate certify<SqEuclideanCost>(const SqEuclideanCost&, const double*, const double*, const SparsePlan&,
                                              std::vector<double>&, const std::vector<double>&, bool, Progress&);
template Certificate certify<CostMatrix>(const CostMatrix&, const double*, const double*, const SparsePlan&,
                                         std::vector<double>&, const std::vector<double>&, bool, Progress&);
template void tightenColumns<SqEuclideanCost>(const SqEuclideanCost&, const std::vector<int64_t>&,
                                              const std::vector<double>&, const std::vector<int64_t>&, std::vector<double>&);
template void tightenColumns<CostMatrix>(const CostMatrix&, const std::vector<int64_t>&, const std::vector<double>&,
                                         const std::vector<int64_t>&, std::vector<double>&);

}  // namespace dw2::ot
