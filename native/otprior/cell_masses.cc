#include "otprior/cell_masses.h"
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include "core/errors.h"

namespace dw2 {

namespace {
constexpr uint64_t kChunkDraws = 1 << 15;
double normalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }
double normalPdf(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI); }
}  // namespace

MassEstimate monteCarloMasses(const PackedCells& cells, NoiseKey key, uint64_t draws, bool withFacets, Progress& progress) {
  if (draws == 0) fail(ErrorCode::InvalidArgument, "at least one Monte Carlo draw is needed");
  if (draws - 1 > 0xffffffffULL) fail(ErrorCode::TooLarge, "at most 2^32 Monte Carlo draws per estimate");
  const size_t m = cells.m, d = cells.d;
  std::vector<uint64_t> count(m, 0);
  std::vector<double> z(kChunkDraws * d), gap(kChunkDraws);
  std::vector<int32_t> index(kChunkDraws), index2(kChunkDraws);
  std::vector<double> gaps;  // per draw, for the facet estimate
  std::vector<int32_t> pairI, pairJ;
  for (uint64_t first = 0; first < draws; first += kChunkDraws) {
    const size_t rows = static_cast<size_t>(std::min<uint64_t>(kChunkDraws, draws - first));
    fillNormals(key, first, rows, d, z.data());
    laguerreArgmax(cells, z.data(), rows, index.data(), gap.data(), index2.data());
    for (size_t r = 0; r < rows; ++r) ++count[index[r]];
    if (withFacets && m > 1)
      for (size_t r = 0; r < rows; ++r) {
        gaps.push_back(gap[r]);
        pairI.push_back(std::min(index[r], index2[r]));
        pairJ.push_back(std::max(index[r], index2[r]));
      }
    progress.checkpoint(double(first + rows) / double(draws));
  }
  MassEstimate out;
  out.draws = draws;
  out.mass.resize(m);
  for (size_t i = 0; i < m; ++i) out.mass[i] = double(count[i]) / double(draws);
  if (!withFacets || m == 1) return out;

  // ε = the 10% quantile of the gaps: small enough for little bias, large enough for counts.
  std::vector<double> sorted(gaps);
  const size_t q = std::max<size_t>(1, sorted.size() / 10);
  std::nth_element(sorted.begin(), sorted.begin() + (q - 1), sorted.end());
  const double eps = sorted[q - 1];
  if (!(eps > 0) || !std::isfinite(eps)) return out;
  std::map<std::pair<int32_t, int32_t>, uint64_t> pairs;
  for (size_t p = 0; p < gaps.size(); ++p)
    if (gaps[p] < eps) ++pairs[{pairI[p], pairJ[p]}];
  // Points on both sides of a facet within ε (in score units) are counted: hence 2Nε.
  for (const auto& [ij, n] : pairs) {
    out.facetI.push_back(ij.first);
    out.facetJ.push_back(ij.second);
    out.facetWeight.push_back(double(n) / (2.0 * double(draws) * eps));
  }
  return out;
}

MassEstimate exactMasses1d(const double* y, const double* h, size_t m, double scale) {
  // Lines by increasing slope; equal slopes keep the larger offset (the lower index on ties).
  std::vector<int32_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    if (y[a] != y[b]) return y[a] < y[b];
    if (h[a] != h[b]) return h[a] > h[b];
    return a < b;
  });
  auto cross = [&](int32_t a, int32_t b) { return (h[a] - h[b]) / (scale * (y[b] - y[a])); };  // slope(a) < slope(b)
  std::vector<int32_t> hull;
  for (size_t k = 0; k < m; ++k) {
    const int32_t c = order[k];
    if (!hull.empty() && y[hull.back()] == y[c]) continue;  // dominated (or a later-index tie)
    while (hull.size() >= 2 && cross(hull.back(), c) <= cross(hull[hull.size() - 2], hull.back())) hull.pop_back();
    hull.push_back(c);
  }
  MassEstimate out;
  out.mass.assign(m, 0.0);
  const double inf = std::numeric_limits<double>::infinity();
  for (size_t k = 0; k < hull.size(); ++k) {
    const double a = k == 0 ? -inf : cross(hull[k - 1], hull[k]);
    const double b = k + 1 == hull.size() ? inf : cross(hull[k], hull[k + 1]);
    // Φ(b) − Φ(a) through the upper tail when both are positive, to keep relative accuracy.
    out.mass[hull[k]] = a > 0 ? 0.5 * (std::erfc(a / std::sqrt(2.0)) - std::erfc(b / std::sqrt(2.0)))
                              : normalCdf(b) - normalCdf(a);
    if (k + 1 < hull.size()) {
      const int32_t i = hull[k], j = hull[k + 1];
      out.facetI.push_back(std::min(i, j));
      out.facetJ.push_back(std::max(i, j));
      out.facetWeight.push_back(normalPdf(b) / std::abs(scale * (y[j] - y[i])));
    }
  }
  return out;
}

MassError relativeMassError(const std::vector<double>& mass) {
  MassError e;
  const double m = double(mass.size());
  for (size_t i = 0; i < mass.size(); ++i) {
    const double r = std::abs(m * mass[i] - 1.0);
    e.mean += r;
    if (r > e.max) {
      e.max = r;
      e.worst = static_cast<int32_t>(i);
    }
  }
  e.mean /= m;
  return e;
}

// Acklam's rational approximation refined by one Halley step (|error| < 1e-15 in double).
double normalQuantile(double p) {
  if (!(p > 0 && p < 1)) fail(ErrorCode::InvalidArgument, "quantile probability must be in (0, 1)");
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  static const double dd[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
  double x;
  if (p < 0.02425) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((dd[0] * q + dd[1]) * q + dd[2]) * q + dd[3]) * q + 1);
  } else if (p > 1 - 0.02425) {
    const double q = std::sqrt(-2 * std::log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((dd[0] * q + dd[1]) * q + dd[2]) * q + dd[3]) * q + 1);
  } else {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  const double e = normalCdf(x) - p;
  const double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

double simultaneousNoiseBound(size_t m, uint64_t draws) {
  const double q = normalQuantile(1.0 - 0.025 / double(m));
  return q * std::sqrt(double(m) / double(draws));
}

double checkDrawsFor(size_t m, double tolerance) {
  const double q = normalQuantile(1.0 - 0.025 / double(m));
  return std::ceil(double(m) * (2.0 * q / tolerance) * (2.0 * q / tolerance));
}

}  // namespace dw2
