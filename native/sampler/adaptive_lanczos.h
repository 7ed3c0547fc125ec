// f(L) v for one symmetric L given by products, by Lanczos with an adaptive Krylov dimension
// (the cached-product route of local linearization). With the orthonormal basis V_k of
// span{v, Lv, …, L^{k−1}v} and T_k = V_kᵀ L V_k (tridiagonal), f(L) v ≈ |v| V_k f(T_k) e₁
// (Saad, SIAM J. Numer. Anal. 29 (1992), eq. 2.4; exact once the space is invariant). Its error is
// estimated by the leading term |v| β_k |e_kᵀ f(T_k) e₁|, the component along q_{k+1} the next
// step would add (ibid. §5.2). A run is driven from outside in stages, so that a caller can run
// several in lockstep and solve their small eigenproblems together (tridiagonalQr interleaves
// them): start, extendTo(k), qrProblem → tridiagonalQr → ritzValues, setWeights, and finally add.
// Every buffer is allocated by the constructor; nothing allocates afterwards.
#pragma once
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>
#include "linalg/vector_ops.h"
#include "sampler/tridiagonal_qr.h"

namespace dw2 {

class AdaptiveLanczos {
 public:
  AdaptiveLanczos(size_t d, int maxDim);

  // A run on v; false when v = 0 (f(L) v = 0: nothing to do).
  bool start(const double* v);
  // Extends the basis to dimension k, or less at breakdown (invariant space) or maxDim.
  template <class Apply>
  void extendTo(int k, Apply& apply);
  int dim() const { return k_; }
  // No further extension possible (invariant space found, or maxDim reached).
  bool exhausted() const { return broke_ || k_ == maxDim_; }
  bool invariant() const { return broke_; }
  // T_k with e₁ as the QR iteration's problem (diag/off overwritten by the iteration).
  QrProblem qrProblem();
  // After tridiagonalQr on qrProblem(): the Ritz values f must be evaluated at (*count of them).
  const double* ritzValues(bool qrConverged, int* count);
  // f at those Ritz values: forms y = f(T_k) e₁, the estimate and the norm of |v| y.
  void setWeights(const double* f);
  double estimate() const { return estimate_; }
  double norm() const { return resultNorm_; }
  // |v| of the started vector (NaN or ∞ when v was not finite: start() then returned false).
  double inputNorm() const { return vNorm_; }
  // out += |v| V_k y.
  void addTo(double* out) const;

 private:
  double* basis(int j) { return basis_.data() + static_cast<size_t>(j) * d_; }
  const double* basis(int j) const { return basis_.data() + static_cast<size_t>(j) * d_; }

  size_t d_;
  int maxDim_, k_ = 0;
  bool broke_ = false, qrConverged_ = true;
  double vNorm_ = 0, estimate_ = 0, resultNorm_ = 0;
  std::vector<double> basis_, alpha_, beta_, diag_, off_, y_, theta_, work_;
  std::vector<GivensRotation> rotations_;
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver_;  // fallback when the QR iteration does not converge
  Eigen::VectorXd eigenDiag_, eigenSub_;
};

// One Lanczos step per dimension: three-term recurrence, then one pass of full reorthogonalization.
template <class Apply>
void AdaptiveLanczos::extendTo(int target, Apply& apply) {
  const size_t d = d_;
  double* w = work_.data();
  while (k_ < std::min(target, maxDim_) && !broke_) {
    const int j = k_;
    const double* q = basis(j);
    apply(q, w);
    const double a = dotProduct(q, w, d);
    alpha_[j] = a;
    const double bPrev = j > 0 ? beta_[j - 1] : 0.0;
    if (j > 0) {
      const double* qPrev = basis(j - 1);
      for (size_t r = 0; r < d; ++r) w[r] -= a * q[r] + bPrev * qPrev[r];
    } else {
      for (size_t r = 0; r < d; ++r) w[r] -= a * q[r];
    }
    for (int l = 0; l <= j; ++l) removeComponent(basis(l), d, w);
    const double b = std::sqrt(dotProduct(w, w, d));
    double size = std::fabs(a) + bPrev;
    for (int l = 0; l < j; ++l) size = std::fmax(size, std::fabs(alpha_[l]) + beta_[l]);
    beta_[j] = b;
    k_ = j + 1;
    if (!(b > 1e-12 * size)) {  // invariant subspace (also b = 0; NaN stops here too)
      broke_ = true;
      beta_[j] = 0.0;
      break;
    }
    if (k_ < maxDim_) {
      double* next = basis(k_);
      for (size_t r = 0; r < d; ++r) next[r] = w[r] / b;
    }
  }
}

}  // namespace dw2
