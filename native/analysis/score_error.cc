#include "analysis/score_error.h"
#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include "core/errors.h"
#include "linalg/symmetric_matrix.h"

namespace dw2::analysis {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

bool ApproxScore::definedAtZero() const {
  for (double l : lambda)
    if (!(l > 0.0)) return false;
  return true;
}

bool ApproxScore::centred() const {
  for (double c : centre)
    if (c != 0.0) return false;
  return true;
}

ApproxScore makeApproxScore(const GaussianData& data, const double* mean, const double* covariance, Progress& progress) {
  const size_t d = data.d;
  for (size_t k = 0; k < d * d; ++k)
    if (!std::isfinite(covariance[k])) fail(ErrorCode::NonFinite, "approxScore.covariance contains a non-finite value at index " + std::to_string(k));
  if (mean)
    for (size_t i = 0; i < d; ++i)
      if (!std::isfinite(mean[i])) fail(ErrorCode::NonFinite, "approxScore.mean contains a non-finite value at index " + std::to_string(i));
  const double asym = asymmetry(covariance, d);
  if (asym > 1e-10) fail(ErrorCode::InvalidArgument, "approxScore.covariance must be symmetric (relative asymmetry " + std::to_string(asym) + ")");

  ApproxScore a;
  a.d = d;
  a.lambda.resize(d);
  RowMatrix V(d, d);
  progress.checkpoint(0.0);
  symmetricEigen(covariance, d, a.lambda.data(), V.data());
  // Measured on d = 3072: the eigendecomposition is about 3/4 of this function's time.
  progress.checkpoint(0.75);
  clampSpectrum(a.lambda, std::max(1e-12, 4.0 * double(d) * std::numeric_limits<double>::epsilon()), "approxScore.covariance eigenvalues", a.warnings);

  a.centre.assign(d, 0.0);
  if (mean) Eigen::Map<Eigen::VectorXd>(a.centre.data(), d) = V.transpose() * Eigen::Map<const Eigen::VectorXd>(mean, d);

  RowMatrix W = data.basis.empty() ? V : RowMatrix(Eigen::Map<const RowMatrix>(data.basis.data(), d, d).transpose() * V);
  const Eigen::Map<const Eigen::VectorXd> lam(data.lambda.data(), d);
  a.basisChange.assign(W.data(), W.data() + d * d);
  a.targetMean.resize(d);
  Eigen::Map<Eigen::VectorXd>(a.targetMean.data(), d) = W.transpose() * Eigen::Map<const Eigen::VectorXd>(data.mean.data(), d);
  a.targetCovariance.resize(d * d);
  Eigen::Map<RowMatrix>(a.targetCovariance.data(), d, d) = W.transpose() * lam.asDiagonal() * W;
  progress.checkpoint(0.875);
  const RowMatrix root = W.transpose() * lam.cwiseSqrt().asDiagonal() * W;
  a.target = BuresReference::fromRoot(a.targetMean.data(), root.data(), d);
  return a;
}

void approxStart(const ApproxScore& a, Prior prior, const Process& process, double T, std::vector<double>& mean,
                 std::vector<double>& covariance) {
  const size_t d = a.d;
  mean.assign(d, 0.0);
  covariance.assign(d * d, 0.0);
  if (prior == Prior::Normal || prior == Prior::MarginalNoise) {
    const double v = isotropicPriorVariance(prior, process, T);
    for (size_t i = 0; i < d; ++i) covariance[i * d + i] = v;
    return;
  }
  // p_T = N(α_T μ, α_T² Σ + σ_T² I) in V coordinates.
  const double aT = process.alpha(T), s2 = process.sigma2(T);
  for (size_t i = 0; i < d; ++i) mean[i] = aT * a.targetMean[i];
  for (size_t k = 0; k < d * d; ++k) covariance[k] = aT * aT * a.targetCovariance[k];
  for (size_t i = 0; i < d; ++i) covariance[i * d + i] += s2;
}

}  // namespace dw2::analysis
