// Lanczos on a block of rows in lockstep: each iteration is ONE batched application of the
// symmetric operator to all rows (one JS call when the operator comes from a callback). With
// the basis V_i and tridiagonal T_i of row i, f(L) v_i ≈ |v_i| V_i f(T_i) e₁ (exact once the
// Krylov space is invariant). Full reorthogonalization keeps V_i orthonormal to round-off.
#pragma once
#include <Eigen/Dense>
#include <functional>
#include <vector>
#include "sampler/tridiagonal_qr.h"

namespace dw2 {

class BlockLanczos {
 public:
  // Storage for up to maxRows rows of dimension d and m iterations (m ≤ d), for `threads` threads.
  BlockLanczos(size_t maxRows, size_t d, int m, int threads);

  // apply(in, out): out = L in for `count` rows (count × d, row-major). Builds the bases of the
  // start vectors v (count × d) and returns the number of operator applications made.
  int run(size_t count, const double* v, const std::function<void(const double*, double*)>& apply);

  // out_i += scale · |v_i| V_i f(T_i) e₁, f(θ) = weight(θ).
  void accumulate(size_t count, const std::function<double(double)>& weight, double* out);

 private:
  size_t maxRows_, d_;
  int m_, threads_;
  std::vector<double> basis_;  // row i, vector j: basis_[(i (m + 1) + j) d …]
  std::vector<double> alpha_, beta_, norm_;
  std::vector<int> dim_;
  std::vector<unsigned char> active_;
  std::vector<double> in_, out_;
  // f(T) e₁ = V f(Θ) Vᵀ e₁ by the implicit QR iteration on e₁ alone (tridiagonal_qr.h): the
  // rotations take e₁ to Vᵀ e₁ and, replayed backwards, the weighted coordinates back; Eigen's
  // solver (which accumulates V) only where the iteration does not converge.
  struct ThreadEigen {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver;
    Eigen::VectorXd diag, sub, y;
    std::vector<GivensRotation> rotations;
  };
  // y (k entries) = f(T) e₁ for row i's T (k × k), with scratch e.
  void functionOfT(ThreadEigen& e, size_t i, int k, const std::function<double(double)>& weight);
  std::vector<ThreadEigen> eigen_;
};

}  // namespace dw2
