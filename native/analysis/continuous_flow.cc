#include "analysis/continuous_flow.h"
#include <cmath>
#include <string>
#include "core/errors.h"

namespace dw2::analysis {

namespace {

// The transfer factor k of the η-flow from T to t for one direction (see the header). η = 0
// and η = 1 keep their closed forms (no pow), so those columns are exactly the spec's formulas.
double transferFactor(double eta, double ellT, double ellt, double alphaRatio) {
  if (eta == 0.0) return std::sqrt(ellt / ellT);
  if (eta == 1.0) return alphaRatio * ellt / ellT;
  const double e2 = eta * eta;
  return std::pow(ellt / ellT, 0.5 * (1.0 + e2)) * std::pow(alphaRatio, e2);
}

}  // namespace

DirectionMaps continuousFlowMaps(double eta, const Process& p, double T, double t, const ScoreSpectrum& score) {
  if (!(t >= 0.0 && t < T)) fail(ErrorCode::InvalidArgument, "the flow needs 0 <= t < T");
  if (!(std::isfinite(eta) && eta >= 0.0)) fail(ErrorCode::InvalidArgument, "the flow's eta must be finite and >= 0, got " + std::to_string(eta));
  const double aT = p.alpha(T), at = p.alpha(t), sT = p.sigma2(T), st = p.sigma2(t);
  const double ratio = aT / at;
  DirectionMaps maps;
  maps.resetIdentity(score.d);
  for (size_t i = 0; i < score.d; ++i) {
    const double ellT = aT * aT * score.lambda[i] + sT;
    const double ellt = at * at * score.lambda[i] + st;
    const double k = transferFactor(eta, ellT, ellt, ratio);
    maps.gain[i] = k;
    maps.offset[i] = (at - k * aT) * score.centre[i];
    maps.noiseVariance[i] = eta == 0.0 ? 0.0 : std::fmax(0.0, ellt - k * k * ellT);
  }
  return maps;
}

}  // namespace dw2::analysis
