#include "sampler/lane_tridiagonal_qr.h"
#include <climits>
#include <cmath>
#include <limits>
#include "runtime/simd.h"

namespace dw2 {

namespace {

typedef Lanes8 V;
typedef LaneIndex8 Mask;

// tridiagonal_qr.cc's test: off-diagonal b between a0, a1 negligible (then set to 0).
bool negligible(double& b, double a0, double a1) {
  const double eps = std::numeric_limits<double>::epsilon();
  if (std::fabs(b) <= eps * (std::fabs(a0) + std::fabs(a1)) || std::fabs(b) < std::numeric_limits<double>::min()) {
    b = 0.0;
    return true;
  }
  return false;
}

// tridiagonal_qr.cc's √(x² + z²), lane by lane: hypot only outside [1e-150, 1e150].
__attribute__((always_inline)) inline V laneNorm2(V x, V z, Mask act) {
  V r;
  for (int p = 0; p < 8; ++p) r[p] = std::sqrt(x[p] * x[p] + z[p] * z[p]);
  for (int p = 0; p < 8; ++p) {
    const double ax = std::fabs(x[p]), az = std::fabs(z[p]);
    const double m = ax > az ? ax : az;
    if (act[p] && !(m > 1e-150 && m < 1e150)) r[p] = std::hypot(x[p], z[p]);
  }
  return r;
}

// One sweep of every lane: the bulge chase at positions k = kFrom … kTo − 1, lane p where
// lo[p] ≤ k < hi[p] (tridiagonal_qr.cc's rotate, with its expressions).
DW2_SIMD_CLONES void laneSweep(int kFrom, int kTo, const int* lo, const int* hi, double* a, double* b, double* y, double* x, double* z,
                               std::vector<LaneTridiagonalQr::Rotation>& rotations) {
  Mask LO, HI;
  for (int p = 0; p < 8; ++p) {
    LO[p] = lo[p];
    HI[p] = hi[p];
  }
  V X = *lanes(x), Z = *lanes(z);
  V* A = lanes(a);
  V* B = lanes(b);
  V* Y = lanes(y);
  for (int k = kFrom; k < kTo; ++k) {
    const Mask kk = Mask{} + k;
    const Mask act = (kk >= LO) & (kk < HI);
    const V r = laneNorm2(X, Z, act);
    const V inv = r == 0.0 ? V{} : 1.0 / r;
    const V c = r == 0.0 ? V{} + 1.0 : X * inv, s = -Z * inv;
    if (k > 0) B[k - 1] = (act & (kk > LO)) ? r : B[k - 1];
    const V ak = A[k], ak1 = A[k + 1], bk = B[k];
    A[k] = act ? c * c * ak - 2.0 * c * s * bk + s * s * ak1 : ak;
    A[k + 1] = act ? s * s * ak + 2.0 * c * s * bk + c * c * ak1 : ak1;
    B[k] = act ? c * s * (ak - ak1) + (c * c - s * s) * bk : bk;
    const Mask more = act & (kk + 1 < HI);
    X = more ? B[k] : X;
    Z = more ? -s * B[k + 1] : Z;
    B[k + 1] = more ? B[k + 1] * c : B[k + 1];
    const V u = Y[k], v = Y[k + 1];
    Y[k] = act ? c * u - s * v : u;
    Y[k + 1] = act ? s * u + c * v : v;
    rotations.push_back({c, s, act, k});
  }
}

DW2_SIMD_CLONES void laneReplay(const std::vector<LaneTridiagonalQr::Rotation>& rotations, double* y) {
  V* Y = lanes(y);
  for (auto it = rotations.rbegin(); it != rotations.rend(); ++it) {
    const int k = it->k;
    const V u = Y[k], w = Y[k + 1], c = it->c, s = it->s;
    Y[k] = it->use ? c * u + s * w : u;
    Y[k + 1] = it->use ? -s * u + c * w : w;
  }
}

}  // namespace

LaneTridiagonalQr::LaneTridiagonalQr(int maxDim)
    : maxDim_(maxDim < 2 ? 2 : maxDim), diag_(static_cast<size_t>(maxDim_) * 8), off_(static_cast<size_t>(maxDim_) * 8),
      y_(static_cast<size_t>(maxDim_) * 8) {
  rotations_.reserve(static_cast<size_t>(4 * maxDim_ * maxDim_ + 16));
}

void LaneTridiagonalQr::solve(const int* n, bool* converged) {
  rotations_.clear();
  for (int i = 0; i < maxDim_; ++i)
    for (int p = 0; p < 8; ++p) y_[static_cast<size_t>(i) * 8 + p] = i == 0 ? 1.0 : 0.0;
  int lo[8] = {}, hi[8], sweeps[8] = {};
  bool active[8];
  double x[8] = {}, z[8] = {};
  for (int p = 0; p < 8; ++p) {
    hi[p] = n[p] > 1 ? n[p] - 1 : 0;
    active[p] = n[p] > 0;
    converged[p] = true;
  }
  for (;;) {
    int kFrom = INT_MAX, kTo = 0;
    // tridiagonal_qr.cc's startSweep per lane: deflate at the bottom, find the unreduced block, shift.
    for (int p = 0; p < 8; ++p) {
      if (!active[p]) {
        lo[p] = hi[p] = 0;
        continue;
      }
      auto A = [&](int i) -> double& { return diag_[static_cast<size_t>(i) * 8 + p]; };
      auto B = [&](int i) -> double& { return off_[static_cast<size_t>(i) * 8 + p]; };
      while (hi[p] > 0 && negligible(B(hi[p] - 1), A(hi[p] - 1), A(hi[p]))) --hi[p];
      int l = hi[p] - 1;
      if (hi[p] > 0) while (l > 0 && !negligible(B(l - 1), A(l - 1), A(l))) --l;
      if (hi[p] == 0 || ++sweeps[p] > 30 * n[p]) {
        converged[p] = hi[p] == 0;
        active[p] = false;
        lo[p] = hi[p] = 0;
        continue;
      }
      const int h = hi[p];
      const double delta = 0.5 * (A(h - 1) - A(h)), e = B(h - 1);
      const double ad = std::fabs(delta), ae = std::fabs(e), m = ad > ae ? ad : ae, r = std::sqrt(delta * delta + e * e);
      const double norm = m > 1e-150 && m < 1e150 ? r : std::hypot(delta, e);
      const double shift = A(h) - e * e / (delta + std::copysign(norm, delta == 0.0 ? 1.0 : delta));
      lo[p] = l;
      x[p] = A(l) - shift;
      z[p] = B(l);
      kFrom = std::min(kFrom, l);
      kTo = std::max(kTo, h);
    }
    if (kTo == 0) break;
    laneSweep(kFrom, kTo, lo, hi, diag_.data(), off_.data(), y_.data(), x, z, rotations_);
  }
}

void LaneTridiagonalQr::applyTransposed() { laneReplay(rotations_, y_.data()); }

}  // namespace dw2
