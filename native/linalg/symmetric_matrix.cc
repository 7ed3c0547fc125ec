#include "linalg/symmetric_matrix.h"
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include "core/errors.h"

namespace dw2 {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void symmetricEigen(const double* S, size_t d, double* values, double* vectors) {
  if (d == 0) return;
  Eigen::Map<const RowMatrix> m(S, d, d);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(m, vectors ? Eigen::ComputeEigenvectors : Eigen::EigenvaluesOnly);
  if (solver.info() != Eigen::Success) fail(ErrorCode::NotConverged, "symmetric eigensolver did not converge");
  Eigen::Map<Eigen::VectorXd>(values, d) = solver.eigenvalues();
  if (vectors) Eigen::Map<RowMatrix>(vectors, d, d) = solver.eigenvectors();
}

void symmetricSqrt(const double* S, size_t d, double* root) {
  if (d == 0) return;
  Eigen::Map<const RowMatrix> m(S, d, d);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(m);
  if (solver.info() != Eigen::Success) fail(ErrorCode::NotConverged, "symmetric eigensolver did not converge");
  const Eigen::VectorXd r = solver.eigenvalues().cwiseMax(0.0).cwiseSqrt();
  const Eigen::MatrixXd& U = solver.eigenvectors();
  Eigen::Map<RowMatrix>(root, d, d) = U * r.asDiagonal() * U.transpose();
}

double asymmetry(const double* S, size_t d) {
  double scale = 0, worst = 0;
  for (size_t i = 0; i < d; ++i)
    for (size_t j = 0; j < d; ++j) {
      scale = std::max(scale, std::fabs(S[i * d + j]));
      if (j < i) worst = std::max(worst, std::fabs(S[i * d + j] - S[j * d + i]));
    }
  return scale > 0 ? worst / scale : 0.0;
}

}  // namespace dw2
