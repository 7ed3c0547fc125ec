// f(L_p) v_p for 8 particles p at once, SIMD lanes = particles (the cached-product route of local
// linearization). Each lane runs Lanczos (three-term recurrence, then one classical Gram–Schmidt pass
// against the whole basis) on its own symmetric L_p = scale · (D_p + Σ_k u_pk u_pkᵀ) − shift · I (a
// diagonal mixture's ∇s summary; or a dense one), with the orthonormal basis V_k of
// span{v, Lv, …, L^{k−1} v} and T_k = V_kᵀ L V_k:
//   f(L) v ≈ |v| V_k f(T_k) e₁   (Saad, SIAM J. Numer. Anal. 29 (1992), eq. 2.4),
// error estimated by the leading term |v| β_k |e_kᵀ f(T_k) e₁| (ibid. §5.2).
// Lanes never mix: every lane does the same operations in the same order whatever the other
// lanes hold, so its result is that of a lone particle (independent of grouping, threads and the
// SIMD width). All lanes extend together to a common dimension J; a lane that needs less uses its
// first k ≤ J vectors, which are the same numbers it would have computed alone (step j only reads
// steps < j). A lane whose space became invariant at step j stops there (its later slots hold zeros).
// Storage: structure of arrays, coordinate r of lane p at r·8 + p.
#pragma once
#include <Eigen/Dense>
#include <cstddef>
#include <vector>
#include "runtime/lane_buffer.h"
#include "sampler/lane_structured_product.h"

namespace dw2 {

constexpr int kLanczosLanes = 8;

class LaneLanczos {
 public:
  LaneLanczos(size_t d, int maxDim);
  // Starts the 8 runs on v (d × 8); lanes with |v| = 0 or non-finite hold zeros.
  void start(const double* v);
  // Extends every lane to dimension min(target, maxDim) (fewer where a lane's space is invariant).
  void extendTo(int target, const LaneStructuredOperator& op);
  // The dimension lane p uses for a target: min(target, maxDim, J, its invariant dimension).
  int dim(int p, int target) const;
  // Lane p's space is invariant at dimension k (k = dim(p, ·)).
  bool invariantAt(int p, int k) const { return brokeAt_[p] == k; }
  int maxDim() const { return maxDim_; }
  // α_l and β_l of every lane (entry l of lane p at l·8 + p).
  const double* alphas() const { return alpha_.data(); }
  const double* betas() const { return beta_.data(); }
  double alpha(int l, int p) const { return alpha_[static_cast<size_t>(l) * kLanczosLanes + p]; }
  double beta(int l, int p) const { return beta_[static_cast<size_t>(l) * kLanczosLanes + p]; }
  // |v| of lane p (NaN or ∞ when v was not finite; 0 when v = 0).
  double inputNorm(int p) const { return vNorm_[p]; }
  // dx += Σ_{l < dims[p]} coef[l·8 + p] q_l, per lane (dx: d × 8).
  void addTo(const double* coef, const int* dims, double* dx) const;

 private:
  size_t d_;
  int maxDim_, computed_ = 0;
  LaneBuffer basis_, alpha_, beta_, work_;
  double vNorm_[kLanczosLanes] = {};
  int brokeAt_[kLanczosLanes] = {};
};

// f(T_k) e₁ for one lane's Lanczos matrix from Eigen's eigenvectors: the fallback where the lane QR
// iteration (lane_tridiagonal_qr.h) does not converge (never seen). T_k is padded to maxDim with a
// decoupled zero block (f(T) e₁ is unchanged on the first k entries): build → ritzValues → setWeights.
class RitzSolve {
 public:
  explicit RitzSolve(int maxDim);
  void build(const LaneLanczos& run, int p, int k);
  // The maxDim eigenvalues f is to be evaluated at (*count = maxDim).
  const double* ritzValues(int* count);
  // y = f(T_k) e₁; then norm() = |v| |y| and estimate() = |v| β_k |y_k|.
  void setWeights(const double* f);
  double y(int l) const { return y_[l]; }

 private:
  int maxDim_, k_ = 0;
  std::vector<double> alpha_, beta_, y_, theta_;
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver_;
  Eigen::VectorXd eigenDiag_, eigenSub_;
};

}  // namespace dw2
