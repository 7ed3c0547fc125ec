// f(L) v for one symmetric L given by products, by Lanczos with an adaptive Krylov dimension
// (the cached-product route of local linearization). With the orthonormal basis V_j of
// span{v, Lv, …, L^{j−1}v} and T_j = V_jᵀ L V_j (tridiagonal), f(L) v ≈ |v| V_j f(T_j) e₁
// (Saad, SIAM J. Numer. Anal. 29 (1992), eq. 2.4; exact once the space is invariant). The dimension
// grows until two successive approximations, at checkpoint dimensions j′ < j, agree:
//   |v| ‖f(T_j) e₁ − f(T_j′) e₁‖ ≤ tol · max(|v| ‖f(T_j) e₁‖, scale),
// the difference being the usual a-posteriori estimate of the error of the earlier one (so the
// accepted, later one is conservatively covered). f(T_j) e₁ comes from the implicit QR iteration
// on e₁ alone (tridiagonal_qr.h). Every buffer is allocated by the constructor; a call allocates
// nothing. One instance per thread.
#pragma once
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>
#include "sampler/tridiagonal_qr.h"

namespace dw2 {

class AdaptiveLanczos {
 public:
  AdaptiveLanczos(size_t d, int maxDim);

  // out += f(L) v. apply(in, out): out = L in (d entries). weights(theta, k, w): w[l] = f(theta[l])
  // for the k Ritz values. Returns the dimension used (0 when v = 0); *converged says whether
  // the tolerance was met (or the space became invariant) before maxDim.
  // firstCheck: the first checkpoint dimension (a guess from a similar run saves evaluations of f(T_j)).
  template <class Apply, class Weights>
  int accumulate(const double* v, Apply&& apply, Weights&& weights, double tol, double scale, int firstCheck, double* out,
                 bool* converged);

  // The norm of the last result |v| ‖f(T_j) e₁‖ (= ‖added vector‖, V_j orthonormal).
  double lastNorm() const { return lastNorm_; }

 private:
  double* basis(int j) { return basis_.data() + static_cast<size_t>(j) * d_; }
  // One Lanczos step from q_j: alpha_j, beta_j and q_{j+1} (when beta_j > 0). Returns false at breakdown.
  template <class Apply>
  bool extend(int j, Apply& apply);
  // y_[0..k) = f(T_k) e₁.
  template <class Weights>
  void functionOfT(int k, Weights& weights);
  static int nextCheckpoint(int j) { return j < 12 ? j + 2 : j + j / 4; }

  size_t d_;
  int maxDim_;
  std::vector<double> basis_, alpha_, beta_, diag_, off_, y_, theta_, w_, work_;
  std::vector<GivensRotation> rotations_;
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver_;  // fallback when the QR iteration does not converge
  Eigen::VectorXd eigenDiag_, eigenSub_;
  double lastNorm_ = 0;
};

template <class Apply>
bool AdaptiveLanczos::extend(int j, Apply& apply) {
  const size_t d = d_;
  const double* q = basis(j);
  double* w = work_.data();
  apply(q, w);
  double a = 0;
  for (size_t r = 0; r < d; ++r) a += q[r] * w[r];
  alpha_[j] = a;
  // Three-term recurrence, then one pass of full reorthogonalization against the basis so far.
  const double* qPrev = j > 0 ? basis(j - 1) : nullptr;
  const double bPrev = j > 0 ? beta_[j - 1] : 0.0;
  for (size_t r = 0; r < d; ++r) w[r] -= a * q[r] + (qPrev ? bPrev * qPrev[r] : 0.0);
  for (int l = 0; l <= j; ++l) {
    const double* ql = basis(l);
    double c = 0;
    for (size_t r = 0; r < d; ++r) c += ql[r] * w[r];
    for (size_t r = 0; r < d; ++r) w[r] -= c * ql[r];
  }
  double b = 0;
  for (size_t r = 0; r < d; ++r) b += w[r] * w[r];
  b = std::sqrt(b);
  double size = std::fabs(a) + bPrev;
  for (int l = 0; l < j; ++l) size = std::fmax(size, std::fabs(alpha_[l]) + beta_[l]);
  beta_[j] = b;
  if (!(b > 1e-12 * size)) return false;  // invariant subspace (also b = 0, and NaN stops here)
  if (j + 1 < maxDim_) {
    double* next = basis(j + 1);
    for (size_t r = 0; r < d; ++r) next[r] = w[r] / b;
  }
  return true;
}

template <class Weights>
void AdaptiveLanczos::functionOfT(int k, Weights& weights) {
  double* y = y_.data();
  for (int l = 0; l < k; ++l) {
    diag_[l] = alpha_[l];
    y[l] = l == 0 ? 1.0 : 0.0;
  }
  for (int l = 0; l + 1 < k; ++l) off_[l] = beta_[l];
  if (tridiagonalQr(diag_.data(), off_.data(), k, y, 1, rotations_)) {
    weights(diag_.data(), k, w_.data());
    for (int l = 0; l < k; ++l) y[l] *= w_[l];
    applyTransposed(rotations_, y);
    return;
  }
  // Not converged (never seen): T_k padded with a decoupled zero block, Eigen's eigenvectors.
  const int m = maxDim_;
  for (int l = 0; l < m; ++l) eigenDiag_[l] = l < k ? alpha_[l] : 0.0;
  for (int l = 0; l + 1 < m; ++l) eigenSub_[l] = l + 1 < k ? beta_[l] : 0.0;
  solver_.computeFromTridiagonal(eigenDiag_, eigenSub_, Eigen::ComputeEigenvectors);
  const auto& V = solver_.eigenvectors();
  for (int c = 0; c < m; ++c) theta_[c] = solver_.eigenvalues()[c];
  weights(theta_.data(), m, w_.data());
  for (int l = 0; l < k; ++l) y[l] = 0.0;
  for (int c = 0; c < m; ++c) {
    const double s = w_[c] * V(0, c);
    for (int l = 0; l < k; ++l) y[l] += V(l, c) * s;
  }
}

template <class Apply, class Weights>
int AdaptiveLanczos::accumulate(const double* v, Apply&& apply, Weights&& weights, double tol, double scale, int firstCheck,
                                double* out, bool* converged) {
  const size_t d = d_;
  double norm = 0;
  for (size_t r = 0; r < d; ++r) norm += v[r] * v[r];
  norm = std::sqrt(norm);
  lastNorm_ = 0;
  *converged = true;
  if (!(norm > 0)) return 0;
  double* q0 = basis(0);
  for (size_t r = 0; r < d; ++r) q0[r] = v[r] / norm;
  int checkpoint = std::max(2, firstCheck), k = 0;
  bool done = false;
  while (!done) {
    const bool more = extend(k, apply);
    ++k;
    const bool last = !more || k == maxDim_;
    if (k < checkpoint && !last) continue;
    functionOfT(k, weights);
    double size = 0;
    for (int l = 0; l < k; ++l) size += y_[l] * y_[l];
    // The error of |v| V_k f(T_k) e₁ is estimated by its leading term |v| β_k |e_kᵀ f(T_k) e₁| (the
    // component along q_{k+1} the next step would add; Saad 1992, §5.2).
    const double estimate = norm * beta_[k - 1] * std::fabs(y_[k - 1]);
    const bool agreed = estimate <= tol * std::fmax(norm * std::sqrt(size), scale);
    done = agreed || last;
    *converged = agreed || !more;
    lastNorm_ = norm * std::sqrt(size);
    checkpoint = nextCheckpoint(k);
  }
  for (int l = 0; l < k; ++l) {
    const double c = norm * y_[l];
    const double* ql = basis(l);
    for (size_t r = 0; r < d; ++r) out[r] += c * ql[r];
  }
  return k;
}

}  // namespace dw2
