#include "linalg/bures.h"
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include "core/errors.h"
#include "linalg/symmetric_matrix.h"

namespace dw2 {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

namespace {
bool isDiagonal(const double* S, size_t d) {
  for (size_t i = 0; i < d; ++i)
    for (size_t j = 0; j < d; ++j)
      if (i != j && S[i * d + j] != 0.0) return false;
  return true;
}
double squaredDistance(const double* a, const double* b, size_t d) {
  double s = 0;
  for (size_t i = 0; i < d; ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return s;
}
double trace(const double* S, size_t d) {
  double t = 0;
  for (size_t i = 0; i < d; ++i) t += S[i * d + i];
  return t;
}
}  // namespace

double buresW2SquaredDiagonal(const double* m1, const double* v1, const double* m2, const double* v2, size_t d) {
  double s = 0;
  for (size_t i = 0; i < d; ++i) {
    const double dm = m1[i] - m2[i];
    const double ds = std::sqrt(std::fmax(0.0, v1[i])) - std::sqrt(std::fmax(0.0, v2[i]));
    s += dm * dm + ds * ds;
  }
  return s;
}

double buresCrossTrace(const double* root1, const double* S2, size_t d) {
  if (d == 0) return 0.0;
  Eigen::Map<const RowMatrix> R(root1, d, d), B(S2, d, d);
  const Eigen::MatrixXd M = R * B * R;
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(M, Eigen::EigenvaluesOnly);
  if (solver.info() != Eigen::Success) fail(ErrorCode::NotConverged, "symmetric eigensolver did not converge in the Bures distance");
  return solver.eigenvalues().cwiseMax(0.0).cwiseSqrt().sum();
}

double buresW2Squared(const double* m1, const double* S1, const double* m2, const double* S2, size_t d) {
  if (isDiagonal(S1, d) && isDiagonal(S2, d)) {
    std::vector<double> v1(d), v2(d);
    for (size_t i = 0; i < d; ++i) v1[i] = S1[i * d + i], v2[i] = S2[i * d + i];
    return buresW2SquaredDiagonal(m1, v1.data(), m2, v2.data(), d);
  }
  return BuresReference(m1, S1, d).w2Squared(m2, S2);
}

BuresReference::BuresReference(const double* mean, const double* covariance, size_t d)
    : d_(d), mean_(mean, mean + d), root_(d * d), trace_(trace(covariance, d)) {
  symmetricSqrt(covariance, d, root_.data());
}

BuresReference BuresReference::fromRoot(const double* mean, const double* root, size_t d) {
  BuresReference r;
  r.d_ = d;
  r.mean_.assign(mean, mean + d);
  r.root_.assign(root, root + d * d);
  // tr S = tr R² = Σ_ij R_ij² (R symmetric).
  double t = 0;
  for (size_t k = 0; k < d * d; ++k) t += root[k] * root[k];
  r.trace_ = t;
  return r;
}

double BuresReference::w2Squared(const double* mean, const double* covariance) const {
  const double cross = buresCrossTrace(root_.data(), covariance, d_);
  const double spread = trace_ + trace(covariance, d_) - 2.0 * cross;
  return squaredDistance(mean_.data(), mean, d_) + std::fmax(0.0, spread);
}

}  // namespace dw2

namespace dw2 {

double buresW2SquaredDiagonalReference(const double* m1, const double* v1, const double* m2, const double* S2, size_t d) {
  if (d == 0) return 0.0;
  Eigen::MatrixXd M(d, d);
  std::vector<double> r(d);
  double t1 = 0.0, t2 = 0.0, dm = 0.0;
  for (size_t i = 0; i < d; ++i) {
    r[i] = std::sqrt(std::fmax(0.0, v1[i]));
    t1 += v1[i];
    t2 += S2[i * d + i];
    dm += (m1[i] - m2[i]) * (m1[i] - m2[i]);
  }
  for (size_t i = 0; i < d; ++i)
    for (size_t j = 0; j < d; ++j) M(i, j) = r[i] * S2[i * d + j] * r[j];
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(M, Eigen::EigenvaluesOnly);
  if (solver.info() != Eigen::Success) fail(ErrorCode::NotConverged, "symmetric eigensolver did not converge in the Bures distance");
  const double cross = solver.eigenvalues().cwiseMax(0.0).cwiseSqrt().sum();
  return dm + std::fmax(0.0, t1 + t2 - 2.0 * cross);
}

}  // namespace dw2
