#include <algorithm>
#include <cmath>
#include <string>
#include "core/errors.h"
#include "otprior/cell_masses.h"
#include "otprior/noise_streams.h"
#include "otprior/semidiscrete.h"

namespace dw2 {

CheckResult checkCellMasses(const double* y, const double* h, size_t m, size_t d, const SemidiscreteOptions& o,
                            uint32_t checkIndex, Progress& progress) {
  CheckResult r;
  MassEstimate est;
  double noise = 0;
  if (d == 1) {
    est = exactMasses1d(y, h, m, o.scale);
  } else {
    const double wanted = checkDrawsFor(m, o.tolerance);
    // At least 16 draws per cell, so that even a capped check means something.
    r.draws = static_cast<uint64_t>(std::max<double>(16.0 * double(m), std::min<double>(wanted, double(o.maxCheckDraws))));
    PackedCells cells = packCells(y, h, m, d, o.scale);
    est = monteCarloMasses(cells, {o.seed, checkIndex, otstream::kCheck}, r.draws, false, progress);
    noise = simultaneousNoiseBound(m, r.draws);
  }
  MassError e = relativeMassError(est.mass);
  r.mass = std::move(est.mass);
  r.maxError = e.max;
  r.meanError = e.mean;
  r.bound = e.max + noise;
  r.passed = r.bound <= o.tolerance;
  return r;
}

std::vector<double> voronoiWeights(const double* y, size_t m, size_t d, double scale) {
  std::vector<double> h(m);
  for (size_t i = 0; i < m; ++i) {
    double s = 0;
    for (size_t k = 0; k < d; ++k) s += y[i * d + k] * y[i * d + k];
    h[i] = -0.5 * s;  // scores ⟨z, s·y⟩ + h = ⟨x, y⟩ − |y|²/2 for the source point x = s·z
  }
  return h;
}

SemidiscreteResult fitSemidiscrete(const double* y, size_t m, size_t d, const double* hInit, const SemidiscreteOptions& o,
                                   Progress& progress) {
  if (m == 0) fail(ErrorCode::InvalidArgument, "m must be >= 1 (no points to transport to)");
  if (d == 0) fail(ErrorCode::InvalidArgument, "dimension d must be >= 1");
  if (!(o.tolerance > 0) || !std::isfinite(o.tolerance)) fail(ErrorCode::InvalidArgument, "tolerance must be finite and > 0");
  if (!(o.scale > 0) || !std::isfinite(o.scale)) fail(ErrorCode::InvalidArgument, "source scale must be finite and > 0");
  if (o.maxIterations == 0) fail(ErrorCode::InvalidArgument, "maxIterations must be >= 1");
  std::vector<double> h = hInit ? std::vector<double>(hInit, hInit + m) : voronoiWeights(y, m, d, o.scale);
  if (o.method == SemidiscreteMethod::Newton) return fitSemidiscreteNewton(y, m, d, std::move(h), o, progress);
  return fitSemidiscreteSgd(y, m, d, std::move(h), o, progress);
}

}  // namespace dw2
