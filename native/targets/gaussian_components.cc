#include "targets/gaussian_components.h"
#include <Eigen/Dense>
#include <cmath>
#include <cstdio>
#include <functional>
#include "core/errors.h"
#include "runtime/simd.h"
#include "targets/basis_kernels.h"

namespace dw2 {

namespace {

std::string formatNumber(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

// Round-off may leave a PSD matrix with eigenvalues a little below zero; larger
// negative ones mean the input is not a covariance.
constexpr double kNegativeEigenvalueTolerance = 1e-12;
// Entries Σ_ij and Σ_ji may differ by round-off, relative to the largest entry.
constexpr double kSymmetryTolerance = 1e-10;

bool offDiagonalsZero(size_t K, size_t d, const double* covariances) {
  for (size_t k = 0; k < K; ++k)
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j)
        if (i != j && covariances[(k * d + i) * d + j] != 0.0) return false;
  return true;
}

// point_scores.h's basis changes, once per SIMD path.
DW2_SIMD_CLONES void rowsToBasis(const double* rows, size_t d, const double* v, double* out) { point::toBasis(rows, d, v, out); }
DW2_SIMD_CLONES void rowsFromBasis(const double* rows, size_t d, const double* w, double* out) { point::fromBasis(rows, d, w, out); }

}  // namespace

DW2_SIMD_CLONES void pointGaussianScore(const point::Components& g, double alpha, double sigma2, const double* x, double* s,
                                        double* work) {
  point::gaussianScore(g, alpha, sigma2, x, s, work);
}

DW2_SIMD_CLONES void pointMixtureScore(const point::Components& g, const point::CachedConstants& c, const double* logWeights,
                                       double alpha, const double* x, double* s, const KeptComponents& w) {
  point::mixtureScore(g, c, logWeights, alpha, x, s, w);
}

GaussianComponents::GaussianComponents(size_t K, size_t d, const double* means, const double* covariances,
                                       const double* variances, const Names& names)
    : K_(K), d_(d), means_(means, means + K * d), eigenvalues_(K * d) {
  if (K == 0 || d == 0) fail(ErrorCode::InvalidArgument, "a Gaussian target needs at least one component and dimension >= 1");
  if ((covariances == nullptr) == (variances == nullptr))
    fail(ErrorCode::InvalidArgument, "give exactly one of a full covariance and diagonal variances");
  for (size_t i = 0; i < K * d; ++i)
    if (!std::isfinite(means[i])) fail(ErrorCode::NonFinite, names.means + " contains a non-finite value at index " + std::to_string(i));
  const std::function<std::string(size_t)> name = [&](size_t k) {
    return K == 1 ? names.covariances : names.covariances + "[" + std::to_string(k) + "]";
  };

  if (variances != nullptr) {
    for (size_t i = 0; i < K * d; ++i) {
      const double v = variances[i];
      if (!std::isfinite(v)) fail(ErrorCode::NonFinite, names.variances + " contains a non-finite value at index " + std::to_string(i));
      if (v < 0) fail(ErrorCode::InvalidArgument, names.variances + " must be >= 0, got " + formatNumber(v) + " at index " + std::to_string(i));
      eigenvalues_[i] = v;
      if (v == 0) nonsingular_ = false;
    }
    return;
  }

  for (size_t k = 0; k < K; ++k)
    for (size_t i = 0; i < d * d; ++i)
      if (!std::isfinite(covariances[k * d * d + i]))
        fail(ErrorCode::NonFinite, name(k) + " contains a non-finite value at index " + std::to_string(i));
  if (offDiagonalsZero(K, d, covariances)) {
    diagonalFromMatrices(covariances, name);
    return;
  }

  basis_.resize(K * d * d);
  meansInBasis_.resize(K * d);
  for (size_t k = 0; k < K; ++k) {
    const double* c = covariances + k * d * d;
    double largest = 0.0;
    for (size_t i = 0; i < d * d; ++i) largest = std::max(largest, std::abs(c[i]));
    Eigen::MatrixXd sym(d, d);
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j) {
        const double a = c[i * d + j], b = c[j * d + i];
        if (std::abs(a - b) > kSymmetryTolerance * largest)
          fail(ErrorCode::InvalidArgument, name(k) + " is not symmetric: entry (" + std::to_string(i) + ", " + std::to_string(j) +
                                               ") is " + formatNumber(a) + " but (" + std::to_string(j) + ", " +
                                               std::to_string(i) + ") is " + formatNumber(b));
        sym(i, j) = 0.5 * a + 0.5 * b;  // halves first: a + b overflows near ±1e308
      }
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(sym);
    if (eig.info() != Eigen::Success) fail(ErrorCode::NotConverged, "eigendecomposition of " + name(k) + " did not converge");
    const Eigen::VectorXd& lambda = eig.eigenvalues();  // ascending
    if (!lambda.allFinite()) fail(ErrorCode::NonFinite, "the eigenvalues of " + name(k) + " overflow double precision");
    const double scale = std::max(std::abs(lambda(0)), std::abs(lambda(d - 1)));
    if (lambda(0) < -kNegativeEigenvalueTolerance * scale)
      fail(ErrorCode::InvalidArgument,
           name(k) + " is not positive semidefinite (smallest eigenvalue " + formatNumber(lambda(0)) + ")");
    for (size_t j = 0; j < d; ++j) {
      const double l = std::max(0.0, lambda(j));
      eigenvalues_[k * d + j] = l;
      if (l == 0) nonsingular_ = false;
      for (size_t i = 0; i < d; ++i) basis_[(k * d + j) * d + i] = eig.eigenvectors()(i, j);
    }
    point::toBasis(basis(k), d, mean(k), meansInBasis_.data() + k * d);
  }
}

// Covariance matrices that are all diagonal take the diagonal path (O(d) per component instead of
// O(d²)): their eigenvalues are the diagonal entries, with the PSD check of the full path.
void GaussianComponents::diagonalFromMatrices(const double* covariances, const std::function<std::string(size_t)>& name) {
  for (size_t k = 0; k < K_; ++k) {
    double smallest = INFINITY, scale = 0.0;
    for (size_t j = 0; j < d_; ++j) {
      const double v = covariances[(k * d_ + j) * d_ + j];
      smallest = std::min(smallest, v);
      scale = std::max(scale, std::abs(v));
    }
    if (smallest < -kNegativeEigenvalueTolerance * scale)
      fail(ErrorCode::InvalidArgument, name(k) + " is not positive semidefinite (smallest eigenvalue " + formatNumber(smallest) + ")");
    for (size_t j = 0; j < d_; ++j) {
      const double l = std::max(0.0, covariances[(k * d_ + j) * d_ + j]);
      eigenvalues_[k * d_ + j] = l;
      if (l == 0) nonsingular_ = false;
    }
  }
}

void GaussianComponents::toBasis(size_t k, const double* v, double* out) const {
  if (diagonal()) {
    for (size_t i = 0; i < d_; ++i) out[i] = v[i];
  } else {
    rowsToBasis(basis(k), d_, v, out);
  }
}

void GaussianComponents::fromBasis(size_t k, const double* w, double* out) const {
  if (diagonal()) {
    for (size_t i = 0; i < d_; ++i) out[i] = w[i];
  } else {
    rowsFromBasis(basis(k), d_, w, out);
  }
}

void GaussianComponents::addDiagonalInBasis(size_t k, const double* c, double* out) const {
  if (diagonal()) {
    for (size_t i = 0; i < d_; ++i) out[i * d_ + i] += c[i];
  } else {
    addFromBasisDiagonal(basis_.data() + k * d_ * d_, c, d_, out);
  }
}

void GaussianComponents::residualInBasis(size_t k, const MarginalScales& m, const double* x, double* yhat) const {
  point::residualInBasis(view(), k, m.alpha, x, yhat);
}

// Marks a filled cache; any other value in slot 0 (zero-filled memory included) means empty.
static constexpr double kTimeCacheMarker = 7.477831228305512e+101;

// cache[0]: a use counter; then kTimeCacheSlots slots of [marker, α, σ², last use, H built,
// 1/ℓ (K·d), log normalisers (K), H_k = −Σ_{k,t}⁻¹ (K·d·d, when precisionCached())]. A new time
// replaces the least recently used slot, so the times of a step stay cached while a randomized
// scheme's per-particle times pass through; H_k is built only when asked for (K·d³ work).
GaussianComponents::TimeConstants GaussianComponents::timeConstants(const MarginalScales& m, double* cache,
                                                                    bool withHessian) const {
  constexpr size_t kHeader = 5;
  const size_t slotSize = timeSlotSize();
  const double use = cache[0] >= 0.0 ? cache[0] + 1.0 : 1.0;
  cache[0] = use;
  // Empty slots rank below every used one (uses count from 1).
  auto lastUse = [](const double* c) { return c[0] == kTimeCacheMarker ? c[3] : -1.0; };
  double* slot = nullptr;
  double* oldest = cache + 1;
  for (size_t q = 0; q < kTimeCacheSlots; ++q) {
    double* c = cache + 1 + q * slotSize;
    if (c[0] == kTimeCacheMarker && c[1] == m.alpha && c[2] == m.sigma2) {
      slot = c;
      break;
    }
    if (lastUse(c) < lastUse(oldest)) oldest = c;
  }
  double* inverseEll;
  double* logNormaliser;
  if (slot) {
    inverseEll = slot + kHeader;
    logNormaliser = inverseEll + K_ * d_;
  } else {
    slot = oldest;
    inverseEll = slot + kHeader;
    logNormaliser = inverseEll + K_ * d_;
    const point::Components g = view();
    const point::FreshConstants fresh{g, m.alpha * m.alpha, m.sigma2};
    for (size_t k = 0; k < K_; ++k) {
      for (size_t j = 0; j < d_; ++j) inverseEll[k * d_ + j] = fresh.inverseEll(k, j);
      logNormaliser[k] = fresh.logNormaliser(k);
    }
    slot[0] = kTimeCacheMarker;
    slot[1] = m.alpha;
    slot[2] = m.sigma2;
    slot[4] = 0.0;  // H not built
  }
  slot[3] = use;
  double* hessian = precisionCached() ? logNormaliser + K_ : nullptr;
  if (hessian && withHessian && slot[4] != 1.0) {
    buildHessians(inverseEll, hessian);
    slot[4] = 1.0;
  }
  return {inverseEll, logNormaliser, withHessian ? hessian : nullptr};
}

// H_k = Σ_j (−1/ℓ_kj) u_kj u_kjᵀ (basis_kernels.h).
void GaussianComponents::buildHessians(const double* inverseEll, double* hessian) const {
  for (size_t k = 0; k < K_; ++k) hessianFromBasis(basis(k), inverseEll + k * d_, d_, hessian + k * d_ * d_);
}

void GaussianComponents::scoreInBasis(size_t k, const MarginalScales& m, const double* yhat, double* shat) const {
  point::scoreInBasis(eigenvalues(k), d_, m.alpha, m.sigma2, yhat, shat);
}

// With ℓ = α²λ + σ², ℓ′ = 2fℓ + g² (α′ = fα, (σ²)′ = 2fσ² + g²) and ŷ = x̂ − αμ̂, ŝ = −ŷ/ℓ:
//   ∂_t log N = Σ_j [ −fαμ̂_j ŝ_j + ½ ℓ′_j ŝ_j² − ½ ℓ′_j/ℓ_j ].
double GaussianComponents::logDensityTimeDerivative(size_t k, const MarginalScales& m, const double* shat) const {
  const double* lambda = eigenvalues(k);
  const double* muhat = meanInBasis(k);
  const double a2 = m.alpha * m.alpha, fa = m.f * m.alpha;
  double sum = 0.0;
  for (size_t j = 0; j < d_; ++j) {
    const double ell = point::marginalEigenvalue(a2, lambda[j], m.sigma2);
    const double dell = 2.0 * m.f * ell + m.g2;
    sum += -fa * muhat[j] * shat[j] + 0.5 * dell * (shat[j] * shat[j] - 1.0 / ell);
  }
  return sum;
}

// ∂_t ŝ_j = (fαμ̂_j − ℓ′_j ŝ_j)/ℓ_j.
void GaussianComponents::scoreTimeDerivativeInBasis(size_t k, const MarginalScales& m, const double* shat, double* out) const {
  const double* lambda = eigenvalues(k);
  const double* muhat = meanInBasis(k);
  const double a2 = m.alpha * m.alpha, fa = m.f * m.alpha;
  for (size_t j = 0; j < d_; ++j) {
    const double ell = point::marginalEigenvalue(a2, lambda[j], m.sigma2);
    const double dell = 2.0 * m.f * ell + m.g2;
    out[j] = (fa * muhat[j] - dell * shat[j]) / ell;
  }
}

void GaussianComponents::hessianInBasis(size_t k, const MarginalScales& m, double* out) const {
  const double* lambda = eigenvalues(k);
  const double a2 = m.alpha * m.alpha;
  for (size_t j = 0; j < d_; ++j) out[j] = -1.0 / point::marginalEigenvalue(a2, lambda[j], m.sigma2);
}

void GaussianComponents::transformNormal(size_t k, const double* z, double* out, double* scratch) const {
  const double* lambda = eigenvalues(k);
  for (size_t j = 0; j < d_; ++j) scratch[j] = std::sqrt(lambda[j]) * z[j];
  fromBasis(k, scratch, out);
  const double* mu = mean(k);
  for (size_t i = 0; i < d_; ++i) out[i] += mu[i];
}

void GaussianComponents::covariance(size_t k, double* out) const {
  for (size_t i = 0; i < d_ * d_; ++i) out[i] = 0.0;
  addDiagonalInBasis(k, eigenvalues(k), out);
}

}  // namespace dw2
