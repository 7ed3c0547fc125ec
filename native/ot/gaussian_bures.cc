// Bures-Wasserstein formula in float64 with Eigen's symmetric eigensolver:
//   B^2(S1, S2) = tr S1 + tr S2 - 2 tr (S1^1/2 S2 S1^1/2)^1/2.
// S1^1/2 comes from the eigendecomposition of S1 (negative round-off eigenvalues
// clamped to 0); the middle matrix is symmetrised before its own eigenvalues are
// taken, and the square roots of its clamped eigenvalues are summed.
#include "ot/gaussian_bures.h"
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <string>
#include "core/errors.h"
#include "linalg/bures.h"
#include "ot/compensated.h"

namespace dw2::ot {

namespace {

using Mat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

Mat loadSymmetric(const double* S, size_t d, const char* name) {
  Mat M = Eigen::Map<const Mat>(S, Eigen::Index(d), Eigen::Index(d));
  const double scale = M.cwiseAbs().maxCoeff();
  const double asym = (M - M.transpose()).cwiseAbs().maxCoeff();
  if (asym > 1e-10 * scale)
    fail(ErrorCode::InvalidArgument, std::string(name) + " is not symmetric: max |S - S^T| = " + std::to_string(asym) +
                                         " for max |S| = " + std::to_string(scale));
  return 0.5 * (M + M.transpose());
}

}  // namespace

double buresSquared(const double* S1p, const double* S2p, size_t d) {
  if (d == 0) return 0.0;
  const Mat S1 = loadSymmetric(S1p, d, "cov1"), S2 = loadSymmetric(S2p, d, "cov2");
  if (S1 == S2) return 0.0;  // identical inputs: exactly zero, not round-off
  Eigen::SelfAdjointEigenSolver<Mat> e1(S1, Eigen::EigenvaluesOnly);
  if (e1.info() != Eigen::Success) fail(ErrorCode::NotConverged, "eigendecomposition of cov1 failed");
  const double top1 = e1.eigenvalues().cwiseAbs().maxCoeff();
  if (e1.eigenvalues().minCoeff() < -1e-10 * top1)
    fail(ErrorCode::InvalidArgument,
         "cov1 is not positive semi-definite: eigenvalue " + std::to_string(e1.eigenvalues().minCoeff()));
  Eigen::SelfAdjointEigenSolver<Mat> e2(S2, Eigen::EigenvaluesOnly);
  const double top2 = e2.eigenvalues().cwiseAbs().maxCoeff();
  if (e2.eigenvalues().minCoeff() < -1e-10 * top2)
    fail(ErrorCode::InvalidArgument,
         "cov2 is not positive semi-definite: eigenvalue " + std::to_string(e2.eigenvalues().minCoeff()));
  // The formula itself is the library's one Bures implementation (linalg/bures.h), on the
  // symmetrised, validated matrices.
  const std::vector<double> zeros(d, 0.0);
  return std::max(0.0, buresW2Squared(zeros.data(), S1.data(), zeros.data(), S2.data(), d));
}

GaussianW2 gaussianW2(const double* m1, const double* S1, const double* m2, const double* S2, size_t d) {
  GaussianW2 r;
  NeumaierSum mt;
  for (size_t k = 0; k < d; ++k) mt.add((m1[k] - m2[k]) * (m1[k] - m2[k]));
  r.meanTerm = mt.value();
  // Neumaier's compensation turns an overflowed sum into NaN: say why instead.
  if (!std::isfinite(r.meanTerm))
    fail(ErrorCode::NonFinite, "the squared distance between the means overflows double precision (means beyond ~1e154)");
  r.buresTerm = buresSquared(S1, S2, d);
  r.w2sq = r.meanTerm + r.buresTerm;
  if (!std::isfinite(r.w2sq)) fail(ErrorCode::NonFinite, "W2² between these Gaussians overflows double precision");
  return r;
}

void empiricalMoments(const double* x, size_t n, size_t d, const double* w, std::vector<double>& mean,
                      std::vector<double>& cov) {
  mean.assign(d, 0.0);
  cov.assign(d * d, 0.0);
  NeumaierSum total;
  for (size_t i = 0; i < n; ++i) total.add(w ? w[i] : 1.0);
  const double W = total.value();
  for (size_t k = 0; k < d; ++k) {
    NeumaierSum s;
    for (size_t i = 0; i < n; ++i) s.add((w ? w[i] : 1.0) * x[i * d + k]);
    mean[k] = s.value() / W;
  }
  for (size_t k = 0; k < d; ++k)
    for (size_t l = k; l < d; ++l) {
      NeumaierSum s;
      for (size_t i = 0; i < n; ++i) s.add((w ? w[i] : 1.0) * (x[i * d + k] - mean[k]) * (x[i * d + l] - mean[l]));
      cov[k * d + l] = cov[l * d + k] = s.value() / W;
    }
}

}  // namespace dw2::ot
