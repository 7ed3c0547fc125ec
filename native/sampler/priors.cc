#include "sampler/priors.h"
#include <omp.h>
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include "core/errors.h"
#include "core/parallel_failure.h"
#include "otprior/noise_streams.h"
#include "otprior/transport_map.h"
#include "random/noise.h"
#include "runtime/threads.h"
#include "sampler/noise_keys.h"

namespace dw2 {

void ScaledNormalPrior::draw(uint64_t seed, uint64_t particle, double* x, double*) const {
  normalRow(NoiseKey{seed, kPriorStep, 0}, particle, d_, x);
  for (size_t j = 0; j < d_; ++j) x[j] *= scale_;
}

void ScaledNormalPrior::drawRows(uint64_t seed, uint64_t first, size_t rows, size_t d, double* x, double*) const {
  normalBlock(NoiseKey{seed, kPriorStep, 0}, first, rows, d, x);
  for (size_t j = 0; j < rows * d; ++j) x[j] *= scale_;
}

void AffineGaussianPrior::draw(uint64_t seed, uint64_t particle, double* x, double* z) const {
  const size_t d = mean_.size();
  normalRow(NoiseKey{seed, kPriorStep, 0}, particle, d, z);
  for (size_t i = 0; i < d; ++i) {
    double s = mean_[i];
    const double* a = factor_.data() + i * d;
    for (size_t j = 0; j < d; ++j) s += a[j] * z[j];
    x[i] = s;
  }
}

void TargetMarginalPrior::draw(uint64_t seed, uint64_t particle, double* x, double* scratch) const {
  target_->sampleMarginal(p_, T_, seed, particle, x, scratch);
}

TransportMapPrior::TransportMapPrior(std::vector<double> points, const std::vector<double>& weights, size_t d, double scale, double tau)
    : points_(std::move(points)), d_(d), tau_(tau) {
  const size_t m = weights.size();
  if (d == 0 || m == 0 || points_.size() != m * d)
    fail(ErrorCode::ShapeMismatch, "the OT prior's points must be m × d with one weight per point (m = " + std::to_string(m) + ", d = " + std::to_string(d) + ")");
  if (!(tau >= 0) || !std::isfinite(tau)) fail(ErrorCode::InvalidArgument, "the OT prior's tau must be finite and >= 0 (0: hard map)");
  cells_ = packCells(points_.data(), weights.data(), m, d, scale);
  // The soft map keeps rows × m scores (≤ 32 KiB); the hard map only indices, so whole blocks of 32
  // rows share each pass over the cells (2 rows at a time made m = 2000 2.4× slower than one call).
  rowsAtOnce_ = tau > 0 ? std::max<size_t>(1, std::min<size_t>(32, 4096 / m)) : 32;
}

// z (rows × d), then the soft map's scores (rows × m) or the hard map's indices.
size_t TransportMapPrior::scratchSize() const { return rowsAtOnce_ * (d_ + (tau_ > 0 ? cells_.m : 1)); }

void TransportMapPrior::drawRows(uint64_t seed, uint64_t first, size_t rows, size_t d, double* x, double* scratch) const {
  double* z = scratch;
  double* scores = z + rowsAtOnce_ * d;
  int32_t* index = reinterpret_cast<int32_t*>(scores);
  for (size_t r0 = 0; r0 < rows; r0 += rowsAtOnce_) {
    const size_t count = std::min(rowsAtOnce_, rows - r0);
    normalBlock(NoiseKey{seed, 0, otstream::kPriorSample}, first + r0, count, d, z);
    mapRows(cells_, points_.data(), tau_, z, count, scores, index, x + r0 * d);
  }
}

std::unique_ptr<Prior> otGaussianPrior(const Process& p, double T, const double* mean, const double* covariance, size_t d) {
  Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> S(covariance, d, d);
  double scale = 0.0;
  for (size_t i = 0; i < d * d; ++i) {
    if (!std::isfinite(covariance[i])) fail(ErrorCode::NonFinite, "prior covariance contains a non-finite value");
    scale = std::fmax(scale, std::fabs(covariance[i]));
  }
  for (size_t i = 0; i < d; ++i)
    if (!std::isfinite(mean[i])) fail(ErrorCode::NonFinite, "prior mean contains a non-finite value");
  if ((S - S.transpose()).cwiseAbs().maxCoeff() > 1e-10 * std::fmax(1.0, scale))
    fail(ErrorCode::InvalidArgument, "prior covariance must be symmetric");
  const Eigen::MatrixXd dense = S;
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(dense);
  if (es.eigenvalues().minCoeff() < -1e-10 * std::fmax(1.0, scale))
    fail(ErrorCode::InvalidArgument, "prior covariance must be positive semi-definite (smallest eigenvalue " +
                                         std::to_string(es.eigenvalues().minCoeff()) + ")");
  const double a = p.alpha(T), s2 = p.sigma2(T);
  Eigen::VectorXd root = (a * a * es.eigenvalues().cwiseMax(0.0).array() + s2).sqrt();
  Eigen::MatrixXd A = es.eigenvectors() * root.asDiagonal() * es.eigenvectors().transpose();
  std::vector<double> m(d), f(d * d);
  for (size_t i = 0; i < d; ++i) {
    m[i] = a * mean[i];
    for (size_t j = 0; j < d; ++j) f[i * d + j] = 0.5 * (A(i, j) + A(j, i));
  }
  return std::make_unique<AffineGaussianPrior>(std::move(m), std::move(f));
}

std::unique_ptr<Prior> makePrior(const std::string& name, const Process& p, double T, size_t d,
                                 std::shared_ptr<const Target> target, const double* mean, const double* covariance) {
  const bool vpLike = p.variancePreserving();
  if (name == "normal") return std::make_unique<ScaledNormalPrior>(d, vpLike ? 1.0 : p.sigma(T));
  if (name == "marginal-noise") return std::make_unique<ScaledNormalPrior>(d, p.sigma(T));
  if (name == "exact") {
    if (!target) fail(ErrorCode::InvalidArgument, "prior 'exact' needs an analytic target (not a score callback)");
    return std::make_unique<TargetMarginalPrior>(target, p, T);
  }
  if (name == "ot-gaussian") {
    if (mean && covariance) return otGaussianPrior(p, T, mean, covariance, d);
    if (!target) fail(ErrorCode::InvalidArgument, "prior 'ot-gaussian' with a score callback needs prior.mean and prior.cov");
    std::vector<double> mu(d), cov(d * d);
    target->moments(mu.data(), cov.data());
    return otGaussianPrior(p, T, mu.data(), cov.data(), d);
  }
  fail(ErrorCode::InvalidArgument, "prior must be one of 'normal', 'marginal-noise', 'exact', 'ot-gaussian', got '" + name + "'");
}

template <class T>
void drawPrior(const Prior& prior, uint64_t seed, uint64_t first, size_t n, size_t d, T* x) {
  const int threads = threadsFor(double(n) * double(d), 80.0);
  // Blocks of rows (Prior::drawRows), as many as fit in 32 KiB.
  const size_t blockRows = std::max<size_t>(1, std::min<size_t>(32, 4096 / std::max<size_t>(d, 1)));
  const size_t scratch = prior.scratchSize() + blockRows * d;
  std::vector<double> work(static_cast<size_t>(threads) * scratch);
  const long long blocks = static_cast<long long>((n + blockRows - 1) / blockRows);
  ParallelFailure failure;  // the OT prior's map allocates
#pragma omp parallel num_threads(threads)
  {
    double* rows = work.data() + static_cast<size_t>(omp_get_thread_num()) * scratch;
    double* extra = rows + blockRows * d;
#pragma omp for schedule(static)
    for (long long b = 0; b < blocks; ++b) {
      failure.guard([&] {
        const size_t i0 = static_cast<size_t>(b) * blockRows, m = std::min(blockRows, n - i0);
        prior.drawRows(seed, first + i0, m, d, rows, extra);
        T* out = x + i0 * d;
        for (size_t j = 0; j < m * d; ++j) out[j] = static_cast<T>(rows[j]);
      });
    }
  }
  failure.rethrow();
}

template void drawPrior<double>(const Prior&, uint64_t, uint64_t, size_t, size_t, double*);
template void drawPrior<float>(const Prior&, uint64_t, uint64_t, size_t, size_t, float*);

}  // namespace dw2
