// Functions of a symmetric matrix applied to a few vectors without forming its eigenvectors.
// L = H T Hᵀ (Householder tridiagonalization), then the implicit symmetric QR iteration with
// Wilkinson shifts (Golub & Van Loan, Matrix Computations, 4th ed., Alg. 8.3.2–8.3.3) drives T to
// Λ = P T Pᵀ with P a product of Givens rotations. Applying each rotation to the m vectors as it is
// made gives Pᵀ-coordinates (the eigen-coordinates) in O(m) per rotation, and replaying the recorded
// rotations backwards maps one combination back, instead of accumulating the d × d eigenvector
// matrix (O(d) per rotation). The local-linearization step needs m = 5 vectors and one result.
#pragma once
#include <cmath>
#include <limits>
#include <vector>

namespace dw2 {

// Deflation test of the QR iteration: true when the off-diagonal entry b between diagonal entries
// a0, a1 is negligible (then set to 0). Shared by the scalar and the lane-wise iteration, which must
// deflate at exactly the same rotations.
inline bool negligibleOffDiagonal(double& b, double a0, double a1) {
  const double eps = std::numeric_limits<double>::epsilon();
  if (std::fabs(b) <= eps * (std::fabs(a0) + std::fabs(a1)) || std::fabs(b) < std::numeric_limits<double>::min()) {
    b = 0.0;
    return true;
  }
  return false;
}

struct GivensRotation {
  int k;        // acts on coordinates k, k + 1: (v_k, v_{k+1}) ← (c v_k − s v_{k+1}, s v_k + c v_{k+1})
  double c, s;
};

// diag (n), off (n − 1): the tridiagonal T, overwritten with its eigenvalues (unsorted) and zeros.
// Y: n × m, row-major; every rotation is applied to its rows and appended to `rotations`.
// Returns false when the iteration did not converge within 30 n sweeps.
bool tridiagonalQr(double* diag, double* off, int n, double* Y, int m, std::vector<GivensRotation>& rotations);

// Several independent problems at once (at most kMaxQrProblems), interleaved rotation by rotation:
// each problem's arithmetic, and so its result, is bitwise that of the single call above; the
// interleaving only lets the CPU overlap their latency-bound chases. converged[p]: as the return value.
struct QrProblem {
  double* diag;
  double* off;
  int n;
  double* Y;
  int m;  // the same for every problem of one call
  std::vector<GivensRotation>* rotations;
};
constexpr int kMaxQrProblems = 8;
void tridiagonalQr(const QrProblem* problems, int count, bool* converged);

// v ← Pᵀ v: the recorded rotations transposed, in reverse order (eigen-coordinates → T's basis).
void applyTransposed(const std::vector<GivensRotation>& rotations, double* v);

}  // namespace dw2
