#include "otprior/gaussian_map.h"
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <string>
#include "core/errors.h"
#include "runtime/threads.h"

namespace dw2 {

void sampleMeanCovariance(const double* data, size_t n, size_t d, double* mean, double* covariance) {
  if (n < 2) fail(ErrorCode::InvalidArgument, "estimating a covariance needs at least 2 data points, got " + std::to_string(n));
  using Map = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
  Map x(data, Eigen::Index(n), Eigen::Index(d));
  Eigen::RowVectorXd mu = x.colwise().mean();
  Eigen::MatrixXd centred = x.rowwise() - mu;
  Eigen::MatrixXd cov = (centred.transpose() * centred) / double(n - 1);
  for (size_t k = 0; k < d; ++k) mean[k] = mu(Eigen::Index(k));
  for (size_t i = 0; i < d; ++i)
    for (size_t j = 0; j < d; ++j) covariance[i * d + j] = cov(Eigen::Index(i), Eigen::Index(j));
}

void gaussianOtMap(double alpha, double sigma, const double* mean, const double* covariance, size_t d, double* shift, double* matrix) {
  if (!std::isfinite(alpha) || !std::isfinite(sigma) || !(sigma >= 0))
    fail(ErrorCode::InvalidArgument, "alpha and sigma must be finite with sigma >= 0");
  Eigen::MatrixXd S(d, d);
  double scale = 0;
  for (size_t i = 0; i < d; ++i)
    for (size_t j = 0; j < d; ++j) {
      S(i, j) = covariance[i * d + j];
      scale = std::max(scale, std::abs(S(i, j)));
    }
  for (size_t i = 0; i < d; ++i)
    for (size_t j = 0; j < i; ++j)
      if (std::abs(S(i, j) - S(j, i)) > 1e-10 * std::max(scale, 1e-300))
        fail(ErrorCode::InvalidArgument, "covariance must be symmetric: entries (" + std::to_string(i) + ", " + std::to_string(j) +
                                             ") and (" + std::to_string(j) + ", " + std::to_string(i) + ") differ");
  S = 0.5 * (S + S.transpose());
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(S);
  if (eig.info() != Eigen::Success) fail(ErrorCode::NotConverged, "eigendecomposition of the covariance failed");
  const double minEig = eig.eigenvalues().minCoeff();
  if (minEig < -1e-9 * std::max(scale, 1e-300))
    fail(ErrorCode::InvalidArgument, "covariance must be positive semidefinite; its smallest eigenvalue is " + std::to_string(minEig));
  // (α² Σ + σ² I)^{1/2} = U diag(sqrt(α² λ + σ²)) Uᵀ: Σ and the map share eigenvectors.
  Eigen::VectorXd root = (alpha * alpha * eig.eigenvalues().cwiseMax(0.0).array() + sigma * sigma).sqrt();
  Eigen::MatrixXd A = eig.eigenvectors() * root.asDiagonal() * eig.eigenvectors().transpose();
  for (size_t i = 0; i < d; ++i) {
    shift[i] = alpha * mean[i];
    for (size_t j = 0; j < d; ++j) matrix[i * d + j] = 0.5 * (A(i, j) + A(j, i));
  }
}

void applyAffineMap(const double* shift, const double* matrix, size_t d, const double* z, size_t n, double* out) {
  const int threads = threadsFor(double(n) * double(d) * double(d), 2.0);
  const long long rows = static_cast<long long>(n);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (long long r = 0; r < rows; ++r) {
    const double* zr = z + size_t(r) * d;
    double* o = out + size_t(r) * d;
    for (size_t i = 0; i < d; ++i) {
      double s = 0;
      for (size_t k = 0; k < d; ++k) s += matrix[i * d + k] * zr[k];
      o[i] = shift[i] + s;
    }
  }
}

}  // namespace dw2
