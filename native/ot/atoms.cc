#include "ot/atoms.h"
#include <algorithm>
#include <numeric>

namespace dw2::ot {

namespace {

// Point indices sorted lexicographically by coordinates (ties by index: deterministic).
std::vector<int64_t> lexicographicOrder(const Cloud& c) {
  std::vector<int64_t> order(c.n);
  std::iota(order.begin(), order.end(), int64_t(0));
  std::sort(order.begin(), order.end(), [&](int64_t p, int64_t q) {
    const double *x = c.row(size_t(p)), *y = c.row(size_t(q));
    for (size_t k = 0; k < c.d; ++k)
      if (x[k] != y[k]) return x[k] < y[k];
    return p < q;
  });
  return order;
}

bool samePoint(const Cloud& c, int64_t p, int64_t q) {
  const double *x = c.row(size_t(p)), *y = c.row(size_t(q));
  for (size_t k = 0; k < c.d; ++k)
    if (x[k] != y[k]) return false;
  return true;
}

// A queue over the members of one atom with the supply each still has to place.
struct MemberQueue {
  size_t at, end;
  double left;
};

}  // namespace

size_t distinctPoints(const Cloud& c) {
  const std::vector<int64_t> order = lexicographicOrder(c);
  size_t count = c.n ? 1 : 0;
  for (size_t t = 1; t < c.n; ++t) count += !samePoint(c, order[t - 1], order[t]);
  return count;
}

Atoms collapseDuplicates(const Cloud& c, const std::vector<double>& pointSupply) {
  Atoms A;
  A.d = c.d;
  const std::vector<int64_t> order = lexicographicOrder(c);
  for (size_t t = 0; t < c.n; ++t) {
    const int64_t i = order[t];
    if (t == 0 || !samePoint(c, order[t - 1], i)) {
      A.start.push_back(int64_t(A.member.size()));
      A.supply.push_back(0.0);
      const double* p = c.row(size_t(i));
      for (size_t k = 0; k < c.d; ++k) A.x.push_back(p[k] == 0.0 ? 0.0 : p[k]);
    }
    A.member.push_back(i);  // ties were sorted by index: members stay in index order
    A.supply.back() += pointSupply[size_t(i)];
  }
  A.start.push_back(int64_t(A.member.size()));
  return A;
}

SparsePlan expandPlan(const SparsePlan& atomPlan, const Atoms& A, const std::vector<double>& pointSupplyA,
                      const Atoms& B, const std::vector<double>& pointSupplyB, double total) {
  auto queues = [](const Atoms& X, const std::vector<double>& s) {
    std::vector<MemberQueue> q(X.count());
    for (size_t t = 0; t < X.count(); ++t) {
      q[t].at = size_t(X.start[t]);
      q[t].end = size_t(X.start[t + 1]);
      q[t].left = s[size_t(X.member[q[t].at])];
    }
    return q;
  };
  std::vector<MemberQueue> qa = queues(A, pointSupplyA), qb = queues(B, pointSupplyB);
  // Moves on to the next member once this one is used up; the last member of an atom
  // absorbs what round-off leaves over (exact with integer supplies).
  auto advance = [](MemberQueue& q, const Atoms& X, const std::vector<double>& s) {
    if (q.left <= 0 && q.at + 1 < q.end) q.left += s[size_t(X.member[++q.at])];
  };
  SparsePlan plan;
  for (size_t e = 0; e < atomPlan.size(); ++e) {
    MemberQueue &ra = qa[size_t(atomPlan.rows[e])], &rb = qb[size_t(atomPlan.cols[e])];
    double flow = atomPlan.mass[e];
    while (flow > 0) {
      const bool lastA = ra.at + 1 == ra.end, lastB = rb.at + 1 == rb.end;
      double x = flow;
      if (!lastA) x = std::min(x, ra.left);
      if (!lastB) x = std::min(x, rb.left);
      if (x > 0) plan.add(A.member[ra.at], B.member[rb.at], x / total);
      flow -= x;
      ra.left -= x;
      rb.left -= x;
      advance(ra, A, pointSupplyA);
      advance(rb, B, pointSupplyB);
      if (x <= 0 && lastA && lastB) break;
    }
  }
  return plan;
}

std::vector<double> expandPotentials(const std::vector<double>& atomPotential, const Atoms& A, size_t points) {
  std::vector<double> out(points, 0.0);
  for (size_t t = 0; t < A.count(); ++t)
    for (int64_t k = A.start[t]; k < A.start[t + 1]; ++k) out[size_t(A.member[size_t(k)])] = atomPotential[t];
  return out;
}

}  // namespace dw2::ot
