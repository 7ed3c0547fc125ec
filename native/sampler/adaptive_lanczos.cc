#include "sampler/adaptive_lanczos.h"

namespace dw2 {

AdaptiveLanczos::AdaptiveLanczos(size_t d, int maxDim)
    : d_(d), maxDim_(std::max(1, maxDim)),
      basis_(static_cast<size_t>(maxDim_) * d), alpha_(maxDim_), beta_(maxDim_), diag_(maxDim_), off_(maxDim_),
      y_(maxDim_), theta_(maxDim_), work_(d) {
  rotations_.reserve(static_cast<size_t>(4 * maxDim_ * maxDim_ + 16));
  // Built in place: Eigen allocates on first use (assigning a fresh solver reads its uninitialised status).
  eigenDiag_.resize(maxDim_);
  eigenSub_.resize(maxDim_ - 1);
}

bool AdaptiveLanczos::start(const double* v) {
  vNorm_ = std::sqrt(dotProduct(v, v, d_));
  k_ = 0;
  broke_ = false;
  estimate_ = resultNorm_ = 0;
  if (!(vNorm_ > 0)) return false;
  double* q0 = basis(0);
  for (size_t r = 0; r < d_; ++r) q0[r] = v[r] / vNorm_;
  return true;
}

QrProblem AdaptiveLanczos::qrProblem() {
  for (int l = 0; l < k_; ++l) {
    diag_[l] = alpha_[l];
    y_[l] = l == 0 ? 1.0 : 0.0;
  }
  for (int l = 0; l + 1 < k_; ++l) off_[l] = beta_[l];
  return {diag_.data(), off_.data(), k_, y_.data(), 1, &rotations_};
}

// Converged: the eigenvalues are on diag_ and y_ holds e₁ in eigen-coordinates. Otherwise (never
// seen) T_k is padded to maxDim with a decoupled zero block (f(T) e₁ is unchanged on the first k
// entries) and decomposed by Eigen.
const double* AdaptiveLanczos::ritzValues(bool qrConverged, int* count) {
  qrConverged_ = qrConverged;
  if (qrConverged) {
    *count = k_;
    return diag_.data();
  }
  const int m = maxDim_;
  for (int l = 0; l < m; ++l) eigenDiag_[l] = l < k_ ? alpha_[l] : 0.0;
  for (int l = 0; l + 1 < m; ++l) eigenSub_[l] = l + 1 < k_ ? beta_[l] : 0.0;
  solver_.computeFromTridiagonal(eigenDiag_, eigenSub_, Eigen::ComputeEigenvectors);
  for (int c = 0; c < m; ++c) theta_[c] = solver_.eigenvalues()[c];
  *count = m;
  return theta_.data();
}

void AdaptiveLanczos::setWeights(const double* f) {
  double* y = y_.data();
  if (qrConverged_) {
    for (int l = 0; l < k_; ++l) y[l] *= f[l];
    applyTransposed(rotations_, y);
  } else {
    const auto& V = solver_.eigenvectors();
    for (int l = 0; l < k_; ++l) y[l] = 0.0;
    for (int c = 0; c < maxDim_; ++c) {
      const double s = f[c] * V(0, c);
      for (int l = 0; l < k_; ++l) y[l] += V(l, c) * s;
    }
  }
  double size = 0;
  for (int l = 0; l < k_; ++l) size += y[l] * y[l];
  resultNorm_ = vNorm_ * std::sqrt(size);
  estimate_ = vNorm_ * beta_[k_ - 1] * std::fabs(y[k_ - 1]);
}

void AdaptiveLanczos::addTo(double* out) const {
  for (int l = 0; l < k_; ++l) {
    const double c = vNorm_ * y_[l];
    const double* ql = basis(l);
    for (size_t r = 0; r < d_; ++r) out[r] += c * ql[r];
  }
}

}  // namespace dw2
