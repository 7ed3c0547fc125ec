// d = 1: sort both samples and merge their quantile functions. The merge walks the
// two sorted lists, moving min(remaining mass) between the current pair each step:
// this is the north-west corner rule in sorted order, optimal because (x - y)^2 is a
// Monge cost on sorted points. Its n + m - 1 cells form a staircase spanning tree,
// whose potentials (u_i + v_j = C_ij on the staircase) are the dual certificate.
//
// Checking u_i + v_j <= (x_i - y_j)^2 for all pairs in O((n + m) log): for fixed y
// the right side minus u_i is the line (x_i^2 - u_i) - 2 x_i y in y, so the largest
// violation at y_j is v_j - y_j^2 - (lower envelope of those lines at y_j).
#include "ot/one_dimensional.h"
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include "ot/compensated.h"
#include "ot/cost_scale.h"

namespace dw2::ot {

namespace {

std::vector<int64_t> argsort(const double* x, size_t n) {
  std::vector<int64_t> o(n);
  std::iota(o.begin(), o.end(), int64_t(0));
  std::stable_sort(o.begin(), o.end(), [&](int64_t p, int64_t q) { return x[p] < x[q]; });
  return o;
}

// Largest u_i + v_j - C_ij over all pairs (and a pair attaining it, up to round-off).
void envelopeCheck(const double* x, const std::vector<double>& u, const std::vector<int64_t>& ox, const double* y,
                   const std::vector<double>& v, const std::vector<int64_t>& oy, Certificate& cert) {
  // Lines L_i(t) = c_i + s_i t with s_i = -2 x_i (decreasing in x) and c_i = x_i^2 - u_i.
  // Visiting x in decreasing order gives increasing slopes; the lower envelope, queried
  // at increasing t, is then traversed from its last line to its first.
  struct Line { double s, c; int64_t i; };
  std::vector<Line> hull;
  auto bad = [](const Line& l1, const Line& l2, const Line& l3) {
    // l2 is never strictly lowest if l1 and l3 meet at or below it.
    return (l3.c - l1.c) * (l2.s - l1.s) <= (l2.c - l1.c) * (l3.s - l1.s);
  };
  for (size_t k = ox.size(); k-- > 0;) {
    const int64_t i = ox[k];
    Line l{-2.0 * x[i], x[i] * x[i] - u[i], i};
    if (!hull.empty() && hull.back().s == l.s) {
      if (hull.back().c <= l.c) continue;
      hull.pop_back();
    }
    while (hull.size() >= 2 && bad(hull[hull.size() - 2], hull.back(), l)) hull.pop_back();
    hull.push_back(l);
  }
  // Slopes increase along `hull`; at large t the line with the smallest slope is lowest.
  double worst = -std::numeric_limits<double>::infinity();
  size_t at = hull.size() - 1;
  for (size_t k = 0; k < oy.size(); ++k) {
    const int64_t j = oy[k];
    const double t = y[j];
    while (at > 0 && hull[at - 1].c + hull[at - 1].s * t <= hull[at].c + hull[at].s * t) --at;
    const int64_t i = hull[at].i;
    const double diff = x[i] - t;
    const double viol = (u[i] + v[j]) - diff * diff;
    if (viol > worst) worst = viol, cert.worstRow = i, cert.worstCol = j;
  }
  cert.maxViolation = worst;
}

OneDimResult sortAndMerge(const double* x, const double* a, size_t n, const double* y, const double* b, size_t m,
                          Progress& progress) {
  OneDimResult r;
  const std::vector<int64_t> ox = argsort(x, n), oy = argsort(y, m);
  progress.checkpoint(0.3);
  r.u.assign(n, 0.0);
  r.v.assign(m, 0.0);
  NeumaierSum total;
  size_t p = 0, q = 0;
  int64_t i = ox[0], j = oy[0];
  double ra = a[i], rb = b[j];
  r.u[i] = 0.0;
  r.v[j] = (x[i] - y[j]) * (x[i] - y[j]);
  for (;;) {
    double mass;
    if (p == n - 1) mass = rb;
    else if (q == m - 1) mass = ra;
    else mass = std::min(ra, rb);
    const double diff = x[i] - y[j];
    if (mass > 0) {
      r.plan.add(i, j, mass);
      total.add(mass * (diff * diff));
    }
    ra -= mass;
    rb -= mass;
    if (p == n - 1 && q == m - 1) break;
    if (p == n - 1 || (q < m - 1 && rb <= ra)) {
      j = oy[++q];
      rb = b[j];
      const double dj = x[i] - y[j];
      r.v[j] = dj * dj - r.u[i];
    } else {
      i = ox[++p];
      ra = a[i];
      const double di = x[i] - y[j];
      r.u[i] = di * di - r.v[j];
    }
  }
  r.w2sq = std::max(0.0, total.value());
  progress.checkpoint(0.6);

  // Certificate: primal, dual, marginals, and feasibility by the envelope.
  Certificate& c = r.cert;
  NeumaierSum dual;
  for (size_t k = 0; k < n; ++k) dual.add(a[k] * r.u[k]);
  for (size_t k = 0; k < m; ++k) dual.add(b[k] * r.v[k]);
  std::vector<double> rs(n, 0.0), cs(m, 0.0);
  for (size_t t = 0; t < r.plan.size(); ++t) rs[r.plan.rows[t]] += r.plan.mass[t], cs[r.plan.cols[t]] += r.plan.mass[t];
  for (size_t k = 0; k < n; ++k) c.marginalError = std::max(c.marginalError, std::fabs(rs[k] - a[k]));
  for (size_t k = 0; k < m; ++k) c.marginalError = std::max(c.marginalError, std::fabs(cs[k] - b[k]));
  c.primal = r.w2sq;
  c.dual = dual.value();
  c.primalDualGap = c.primal - c.dual;
  envelopeCheck(x, r.u, ox, y, r.v, oy, c);
  c.bound = std::max(0.0, c.primalDualGap) + std::max(0.0, c.maxViolation);
  progress.checkpoint(1.0);
  return r;
}

}  // namespace

OneDimResult oneDimensional(const double* x, const double* a, size_t n, const double* y, const double* b, size_t m,
                            Progress& progress) {
  const CostScale s = chooseCostScale(Cloud{x, n, 1}, Cloud{y, m, 1});
  if (!s.active()) return sortAndMerge(x, a, n, y, b, m, progress);
  const std::vector<double> xs = s.coordinates(Cloud{x, n, 1}), ys = s.coordinates(Cloud{y, m, 1});
  OneDimResult r = sortAndMerge(xs.data(), a, n, ys.data(), b, m, progress);
  r.w2sq = s.unscale(r.w2sq);
  requireRepresentable(r.w2sq, "W2^2");
  for (std::vector<double>* p : {&r.u, &r.v})
    for (double& t : *p) requireRepresentable(t = s.unscale(t), "a dual potential");
  unscaleCertificate(r.cert, s);
  requireRepresentable(r.cert.bound, "the certificate bound");
  return r;
}

double oneDimensionalSortedValue(const double* xs, const double* as, size_t n, const double* ys, const double* bs,
                                 size_t m) {
  NeumaierSum total;
  size_t p = 0, q = 0;
  double ra = as[0], rb = bs[0];
  for (;;) {
    double mass;
    if (p == n - 1) mass = rb;
    else if (q == m - 1) mass = ra;
    else mass = std::min(ra, rb);
    const double diff = xs[p] - ys[q];
    total.add(mass * (diff * diff));
    ra -= mass;
    rb -= mass;
    if (p == n - 1 && q == m - 1) break;
    if (p == n - 1 || (q < m - 1 && rb <= ra)) rb = bs[++q];
    else ra = as[++p];
  }
  return std::max(0.0, total.value());
}

}  // namespace dw2::ot
