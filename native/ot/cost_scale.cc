#include "ot/cost_scale.h"
#include <algorithm>
#include <cmath>
#include "core/errors.h"

namespace dw2::ot {

namespace {

// log2 of the safe band for the largest squared distance: far from overflow (2^1024)
// with room for sums of prices and potentials, and far from the subnormal range (2^-1022).
constexpr int kMaxCostLog2 = 900;
constexpr int kMinCostLog2 = -900;

// Largest half-extent max_k (hi_k - lo_k) / 2 over coordinates; halving first keeps it finite.
double largestHalfExtent(const Cloud& a, const Cloud& b) {
  double widest = 0.0;
  for (size_t k = 0; k < a.d; ++k) {
    double lo = a.n ? a.x[k] : b.x[k], hi = lo;
    for (const Cloud* c : {&a, &b})
      for (size_t i = 0; i < c->n; ++i) {
        const double v = c->x[i * c->d + k];
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    widest = std::max(widest, 0.5 * hi - 0.5 * lo);
  }
  return widest;
}

}  // namespace

CostScale chooseCostScale(const Cloud& a, const Cloud& b) {
  CostScale s;
  if (a.d == 0 || a.n + b.n == 0) return s;
  const double h = largestHalfExtent(a, b);
  if (!(h > 0)) return s;  // every point identical: all costs are 0
  // Largest cost <= d * (2h)^2, so log2 <= 2 + 2 log2(h) + log2(d).
  const int e = std::ilogb(h) + 1;  // h < 2^e
  const int costLog2 = 2 + 2 * e + int(std::ceil(std::log2(double(a.d))));
  if (costLog2 > kMaxCostLog2 || 2 * e < kMinCostLog2) s.exponent = e;
  return s;
}

double CostScale::unscale(double cost) const { return std::ldexp(cost, 2 * exponent); }
double CostScale::scaleCost(double cost) const { return std::ldexp(cost, -2 * exponent); }

std::vector<double> CostScale::coordinates(const Cloud& c) const {
  std::vector<double> out(c.n * c.d);
  for (size_t t = 0; t < out.size(); ++t) out[t] = std::ldexp(c.x[t], -exponent);
  return out;
}

void unscaleCertificate(Certificate& c, const CostScale& s) {
  if (!s.active()) return;
  c.primal = s.unscale(c.primal);
  c.dual = s.unscale(c.dual);
  c.primalDualGap = s.unscale(c.primalDualGap);
  c.maxViolation = s.unscale(c.maxViolation);
  c.bound = s.unscale(c.bound);
}

void requireRepresentable(double x, const std::string& what) {
  if (!std::isfinite(x))
    fail(ErrorCode::NonFinite, what + " exceeds the float64 range (about 1.8e308): the points are too far apart for " +
                                   "squared distances; rescale the data (W2 scales linearly with the coordinates)");
}

}  // namespace dw2::ot
