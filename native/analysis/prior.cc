#include "analysis/prior.h"
#include <cmath>
#include <limits>
#include "core/errors.h"

namespace dw2::analysis {

Prior parsePrior(const std::string& name) {
  if (name == "normal") return Prior::Normal;
  if (name == "marginal-noise") return Prior::MarginalNoise;
  if (name == "exact") return Prior::Exact;
  if (name == "ot-gaussian") return Prior::OtGaussian;
  fail(ErrorCode::InvalidArgument, "prior must be one of 'normal', 'marginal-noise', 'exact', 'ot-gaussian', got '" + name + "'");
}

const char* priorName(Prior p) {
  switch (p) {
    case Prior::Normal: return "normal";
    case Prior::MarginalNoise: return "marginal-noise";
    case Prior::Exact: return "exact";
    default: return "ot-gaussian";
  }
}

double isotropicPriorVariance(Prior prior, const Process& process, double T) {
  const bool vpLike = process.variancePreserving();
  switch (prior) {
    case Prior::Normal: return vpLike ? 1.0 : process.sigma2(T);
    case Prior::MarginalNoise: return process.sigma2(T);
    default: return std::numeric_limits<double>::quiet_NaN();
  }
}

DiagonalGaussian marginalMoments(const Process& process, double t, const GaussianData& data) {
  const double a = process.alpha(t), s2 = process.sigma2(t);
  DiagonalGaussian g;
  g.mean.resize(data.d);
  g.variance.resize(data.d);
  for (size_t i = 0; i < data.d; ++i) {
    g.mean[i] = a * data.mean[i];
    g.variance[i] = a * a * data.lambda[i] + s2;
  }
  return g;
}

DiagonalGaussian priorMoments(Prior prior, const Process& process, double T, const GaussianData& data) {
  if (prior == Prior::Exact || prior == Prior::OtGaussian) return marginalMoments(process, T, data);
  DiagonalGaussian g;
  g.mean.assign(data.d, 0.0);
  g.variance.assign(data.d, isotropicPriorVariance(prior, process, T));
  return g;
}

}  // namespace dw2::analysis
