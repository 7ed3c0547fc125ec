#include "analysis/gaussian_data.h"
#include <Eigen/Dense>
#include <algorithm>
#include <cstdio>
#include <cmath>
#include <limits>
#include "core/errors.h"
#include "linalg/symmetric_matrix.h"
#include "random/noise.h"

namespace dw2::analysis {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

bool GaussianData::scoreDefinedAtZero() const {
  for (double l : lambda)
    if (!(l > 0.0)) return false;
  return true;
}

bool GaussianData::centred() const {
  for (double m : mean)
    if (m != 0.0) return false;
  return true;
}

void clampSpectrum(std::vector<double>& lambda, double relativeTolerance, const char* what, std::vector<std::string>& warnings) {
  double scale = 0.0;
  for (size_t i = 0; i < lambda.size(); ++i) {
    if (!std::isfinite(lambda[i])) fail(ErrorCode::NonFinite, std::string(what) + " contains a non-finite value at index " + std::to_string(i));
    scale = std::max(scale, std::fabs(lambda[i]));
  }
  const double tolerance = relativeTolerance * scale;
  size_t clamped = 0;
  double worst = 0.0;
  for (size_t i = 0; i < lambda.size(); ++i) {
    if (lambda[i] >= 0.0) continue;
    if (lambda[i] < -tolerance)
      fail(ErrorCode::InvalidArgument, std::string(what) + "[" + std::to_string(i) + "] = " + std::to_string(lambda[i]) +
                                           " is negative: a covariance must be positive semi-definite");
    worst = std::min(worst, lambda[i]);
    lambda[i] = 0.0;
    ++clamped;
  }
  if (clamped > 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3g", worst);
    warnings.push_back(std::string(what) + ": " + std::to_string(clamped) + " round-off negative value(s) (down to " + buf +
                       ") clamped to 0");
  }
}

static void requireFiniteValues(const double* p, size_t n, const char* what) {
  for (size_t i = 0; i < n; ++i)
    if (!std::isfinite(p[i])) fail(ErrorCode::NonFinite, std::string(what) + " contains a non-finite value at index " + std::to_string(i));
}

// Rotates an ambient mean into the eigenbasis: μ̃ = Uᵀμ.
static void setMean(GaussianData& g, const double* mean) {
  g.mean.assign(g.d, 0.0);
  if (!mean) return;
  requireFiniteValues(mean, g.d, "mean");
  if (g.basis.empty()) {
    g.mean.assign(mean, mean + g.d);
    return;
  }
  Eigen::Map<const RowMatrix> U(g.basis.data(), g.d, g.d);
  Eigen::Map<Eigen::VectorXd>(g.mean.data(), g.d) = U.transpose() * Eigen::Map<const Eigen::VectorXd>(mean, g.d);
}

// Orthonormal columns, checked fully for small d and by column norms and neighbouring
// columns' inner products otherwise (a full UᵀU is O(d³)).
static void requireOrthonormal(const double* U, size_t d) {
  Eigen::Map<const RowMatrix> u(U, d, d);
  const double tolerance = 1e-8 * std::sqrt(double(d));
  auto bad = [&](const std::string& what) {
    fail(ErrorCode::InvalidArgument, "eigenvectors must be orthonormal columns (row-major d × d, column i for eigenvalue i): " + what);
  };
  if (d <= 512) {
    const double err = (u.transpose() * u - Eigen::MatrixXd::Identity(d, d)).cwiseAbs().maxCoeff();
    if (err > tolerance) bad("max |UᵀU − I| = " + std::to_string(err));
    return;
  }
  for (size_t i = 0; i < d; ++i) {
    const double n = u.col(i).squaredNorm();
    if (std::fabs(n - 1.0) > tolerance) bad("column " + std::to_string(i) + " has squared norm " + std::to_string(n));
    if (i + 1 < d) {
      const double dot = u.col(i).dot(u.col(i + 1));
      if (std::fabs(dot) > tolerance) bad("columns " + std::to_string(i) + " and " + std::to_string(i + 1) + " have inner product " + std::to_string(dot));
    }
  }
}

GaussianData gaussianFromSpectrum(const double* eigenvalues, size_t d, const double* mean, const double* eigenvectors) {
  if (d == 0) fail(ErrorCode::InvalidArgument, "eigenvalues must not be empty");
  GaussianData g;
  g.d = d;
  g.lambda.assign(eigenvalues, eigenvalues + d);
  clampSpectrum(g.lambda, 1e-12, "eigenvalues", g.warnings);
  if (eigenvectors) {
    requireFiniteValues(eigenvectors, d * d, "eigenvectors");
    requireOrthonormal(eigenvectors, d);
    g.basis.assign(eigenvectors, eigenvectors + d * d);
  }
  setMean(g, mean);
  return g;
}

GaussianData gaussianFromCovariance(const double* covariance, size_t d, const double* mean, bool needBasis) {
  if (d == 0) fail(ErrorCode::InvalidArgument, "covariance must not be empty");
  requireFiniteValues(covariance, d * d, "covariance");
  const double asym = asymmetry(covariance, d);
  if (asym > 1e-10) fail(ErrorCode::InvalidArgument, "covariance must be symmetric (max |Σ_ij − Σ_ji| / max |Σ| = " + std::to_string(asym) + ")");
  GaussianData g;
  g.d = d;
  g.lambda.resize(d);
  bool centred = true;
  for (size_t i = 0; mean && i < d; ++i) centred = centred && mean[i] == 0.0;
  if (needBasis || !centred) g.basis.resize(d * d);
  symmetricEigen(covariance, d, g.lambda.data(), g.basis.empty() ? nullptr : g.basis.data());
  const double tolerance = std::max(1e-12, 4.0 * double(d) * std::numeric_limits<double>::epsilon());
  clampSpectrum(g.lambda, tolerance, "covariance eigenvalues", g.warnings);
  setMean(g, mean);
  return g;
}

void estimateFromSamples(const GaussianData& data, size_t m, uint64_t seed, double* meanOut, double* covarianceOut) {
  const size_t d = data.d;
  if (m < 2) fail(ErrorCode::InvalidArgument, "fromSamples must be >= 2 to estimate a covariance, got " + std::to_string(m));
  if (double(m) * double(d) > 2.0e9) fail(ErrorCode::TooLarge, "fromSamples × d is too large (" + std::to_string(m) + " × " + std::to_string(d) + ")");
  // Samples in the eigenbasis first (y = μ̃ + √λ ∘ z), then rotated once: X = Y Uᵀ.
  RowMatrix Y(m, d);
  std::vector<double> z(d);
  for (size_t j = 0; j < m; ++j) {
    normalRow(NoiseKey{seed, 0, 0}, j, d, z.data());
    for (size_t i = 0; i < d; ++i) Y(j, i) = data.mean[i] + std::sqrt(data.lambda[i]) * z[i];
  }
  RowMatrix X = data.basis.empty() ? Y : RowMatrix(Y * Eigen::Map<const RowMatrix>(data.basis.data(), d, d).transpose());
  const Eigen::RowVectorXd mu = X.colwise().mean();
  X.rowwise() -= mu;
  Eigen::Map<Eigen::RowVectorXd>(meanOut, d) = mu;
  Eigen::Map<RowMatrix>(covarianceOut, d, d) = (X.transpose() * X) / double(m - 1);
}

}  // namespace dw2::analysis
