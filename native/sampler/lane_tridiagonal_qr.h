// Eight independent symmetric tridiagonal eigenproblems at once, one per SIMD lane, by the implicit QR
// iteration with Wilkinson shifts (Golub & Van Loan, Matrix Computations, 4th ed., Alg. 8.3.2–8.3.3),
// each applied to e₁ (the Lanczos runs of lane_lanczos.h need f(T) e₁ = V f(Θ) Vᵀ e₁ only). Every lane
// makes exactly the rotations, in the same order and with the same arithmetic, of tridiagonalQr
// (tridiagonal_qr.h) on its problem alone — so the same bits: each lane deflates, splits and shifts on
// its own; a sweep of all lanes runs along the positions k together, and a lane is masked where k is
// outside its own unreduced block [lo, hi]. The rotations are recorded (per lane, masked) so that
// applyTransposed maps weighted eigen-coordinates back.
// Storage: structure of arrays, entry i of lane p at i·8 + p.
#pragma once
#include <vector>
#include "targets/lanes.h"

namespace dw2 {

class LaneTridiagonalQr {
 public:
  explicit LaneTridiagonalQr(int maxDim);
  // T of every lane (diag: maxDim × 8; off: entries 0 … n − 2 of each lane) and the vector (y, set
  // to e₁ by solve). Overwritten: diag by the eigenvalues, y by e₁'s eigen-coordinates.
  double* diag() { return diag_.data(); }
  double* off() { return off_.data(); }
  double* y() { return y_.data(); }
  // n[p]: the size of lane p's problem (0: none). converged[p]: false where 30 n sweeps did not suffice.
  void solve(const int* n, bool* converged);
  // y ← Pᵀ y in every lane: the recorded rotations transposed, in reverse order.
  void applyTransposed();

  struct Rotation {
    Lanes8 c, s;
    LaneIndex8 use;
    int k;
  };

 private:
  int maxDim_;
  std::vector<double> diag_, off_, y_;
  std::vector<Rotation> rotations_;
};

}  // namespace dw2
