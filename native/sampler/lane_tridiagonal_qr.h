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
  void solve(const int* n, bool* converged) { solve(this, 1, &n, &converged); }
  // Several sets of 8 problems (at most kMaxSets), their sweeps interleaved position by position: the
  // chases of different sets are independent dependency chains that the CPU overlaps. Each lane's
  // arithmetic is unchanged.
  static constexpr int kMaxSets = 5;
  static void solve(LaneTridiagonalQr* sets, int count, const int* const* n, bool* const* converged);
  // y ← Pᵀ y in every lane: the recorded rotations transposed, in reverse order.
  void applyTransposed();

  struct Rotation {
    Lanes8 c, s;
    LaneIndex8 use;
    int k;
  };
  // The state of a set's current sweep: lane p chases over [lo[p], hi[p]) from (x[p], z[p]).
  struct Sweep {
    int lo[8], hi[8], sweeps[8], kFrom, kTo;
    bool active[8];
    double x[8], z[8];
    double *a, *b, *y;
    std::vector<Rotation>* rotations;
  };

 private:
  void begin(Sweep& w, const int* n, bool* converged);
  // tridiagonal_qr.cc's startSweep in every lane; false when no lane sweeps any more.
  bool startSweeps(Sweep& w, const int* n, bool* converged);
  int maxDim_;
  std::vector<double> diag_, off_, y_;
  std::vector<Rotation> rotations_;
};

}  // namespace dw2
