#include "sampler/lane_tridiagonal_qr.h"
#include <algorithm>
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

__attribute__((always_inline)) inline V laneAbs(V x) {
  Mask bits = reinterpret_cast<Mask&>(x) & Mask{} + 0x7fffffffffffffffLL;
  return reinterpret_cast<V&>(bits);
}

__attribute__((always_inline)) inline bool anyLane(Mask m) {
  Mask fold = m;
  int64_t any = 0;
  for (int p = 0; p < 8; ++p) any |= fold[p];
  return any != 0;
}

// tridiagonal_qr.cc's √(x² + z²), lane by lane: hypot only outside [1e-150, 1e150] (rare: scalar).
__attribute__((always_inline)) inline V laneNorm2(V x, V z, Mask act) {
  V r;
  for (int p = 0; p < 8; ++p) r[p] = std::sqrt(x[p] * x[p] + z[p] * z[p]);
  const V ax = laneAbs(x), az = laneAbs(z);
  const V m = ax > az ? ax : az;
  const Mask bad = act & ~((m > 1e-150) & (m < 1e150));
  if (anyLane(bad))
    for (int p = 0; p < 8; ++p)
      if (bad[p]) r[p] = std::hypot(x[p], z[p]);
  return r;
}

// One rotation of tridiagonal_qr.cc's bulge chase at position k in every lane of set w where
// lo[p] ≤ k < hi[p], with its expressions.
__attribute__((always_inline)) inline void laneRotate(int k, LaneTridiagonalQr::Sweep& w, Mask LO, Mask HI) {
  const Mask kk = Mask{} + k;
  const Mask act = (kk >= LO) & (kk < HI);
  V* A = lanes(w.a);
  V* B = lanes(w.b);
  V* Y = lanes(w.y);
  const V X = *lanes(w.x), Z = *lanes(w.z);
  const V r = laneNorm2(X, Z, act);
  const V inv = r == 0.0 ? V{} : 1.0 / r;
  const V c = r == 0.0 ? V{} + 1.0 : X * inv, s = -Z * inv;
  if (k > 0) B[k - 1] = (act & (kk > LO)) ? r : B[k - 1];
  const V ak = A[k], ak1 = A[k + 1], bk = B[k];
  A[k] = act ? c * c * ak - 2.0 * c * s * bk + s * s * ak1 : ak;
  A[k + 1] = act ? s * s * ak + 2.0 * c * s * bk + c * c * ak1 : ak1;
  B[k] = act ? c * s * (ak - ak1) + (c * c - s * s) * bk : bk;
  const Mask more = act & (kk + 1 < HI);
  *lanes(w.x) = more ? B[k] : X;
  *lanes(w.z) = more ? -s * B[k + 1] : Z;
  B[k + 1] = more ? B[k + 1] * c : B[k + 1];
  const V u = Y[k], v = Y[k + 1];
  Y[k] = act ? c * u - s * v : u;
  Y[k + 1] = act ? s * u + c * v : v;
  w.rotations->push_back({c, s, act, k});
}

// One sweep of every lane of `count` sets, position by position (the sets' chains interleave).
DW2_SIMD_CLONES void laneSweeps(LaneTridiagonalQr::Sweep* const* sweeps, int count) {
  int kFrom = INT_MAX, kTo = 0;
  Mask LO[LaneTridiagonalQr::kMaxSets], HI[LaneTridiagonalQr::kMaxSets];
  for (int q = 0; q < count; ++q) {
    kFrom = std::min(kFrom, sweeps[q]->kFrom);
    kTo = std::max(kTo, sweeps[q]->kTo);
    for (int p = 0; p < 8; ++p) {
      LO[q][p] = sweeps[q]->lo[p];
      HI[q][p] = sweeps[q]->hi[p];
    }
  }
  for (int k = kFrom; k < kTo; ++k)
    for (int q = 0; q < count; ++q)
      if (k >= sweeps[q]->kFrom && k < sweeps[q]->kTo) laneRotate(k, *sweeps[q], LO[q], HI[q]);
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

void LaneTridiagonalQr::begin(Sweep& w, const int* n, bool* converged) {
  rotations_.clear();
  for (int i = 0; i < maxDim_; ++i)
    for (int p = 0; p < 8; ++p) y_[static_cast<size_t>(i) * 8 + p] = i == 0 ? 1.0 : 0.0;
  for (int p = 0; p < 8; ++p) {
    w.hi[p] = n[p] > 1 ? n[p] - 1 : 0;
    w.lo[p] = w.sweeps[p] = 0;
    w.active[p] = n[p] > 0;
    w.x[p] = w.z[p] = 0.0;
    converged[p] = true;
  }
  w.a = diag_.data();
  w.b = off_.data();
  w.y = y_.data();
  w.rotations = &rotations_;
}

bool LaneTridiagonalQr::startSweeps(Sweep& w, const int* n, bool* converged) {
  w.kFrom = INT_MAX;
  w.kTo = 0;
  for (int p = 0; p < 8; ++p) {
    if (!w.active[p]) {
      w.lo[p] = w.hi[p] = 0;
      continue;
    }
    auto A = [&](int i) -> double& { return diag_[static_cast<size_t>(i) * 8 + p]; };
    auto B = [&](int i) -> double& { return off_[static_cast<size_t>(i) * 8 + p]; };
    int& hi = w.hi[p];
    while (hi > 0 && negligible(B(hi - 1), A(hi - 1), A(hi))) --hi;
    int l = hi - 1;
    if (hi > 0)
      while (l > 0 && !negligible(B(l - 1), A(l - 1), A(l))) --l;
    if (hi == 0 || ++w.sweeps[p] > 30 * n[p]) {
      converged[p] = hi == 0;
      w.active[p] = false;
      w.lo[p] = hi = 0;
      continue;
    }
    const double delta = 0.5 * (A(hi - 1) - A(hi)), e = B(hi - 1);
    const double ad = std::fabs(delta), ae = std::fabs(e), m = ad > ae ? ad : ae, r = std::sqrt(delta * delta + e * e);
    const double norm = m > 1e-150 && m < 1e150 ? r : std::hypot(delta, e);
    const double shift = A(hi) - e * e / (delta + std::copysign(norm, delta == 0.0 ? 1.0 : delta));
    w.lo[p] = l;
    w.x[p] = A(l) - shift;
    w.z[p] = B(l);
    w.kFrom = std::min(w.kFrom, l);
    w.kTo = std::max(w.kTo, hi);
  }
  return w.kTo > 0;
}

void LaneTridiagonalQr::solve(LaneTridiagonalQr* sets, int count, const int* const* n, bool* const* converged) {
  Sweep sweeps[kMaxSets];
  for (int q = 0; q < count; ++q) sets[q].begin(sweeps[q], n[q], converged[q]);
  for (;;) {
    Sweep* live[kMaxSets];
    int m = 0;
    for (int q = 0; q < count; ++q)
      if (sweeps[q].rotations && sets[q].startSweeps(sweeps[q], n[q], converged[q])) live[m++] = &sweeps[q];
      else sweeps[q].rotations = nullptr;
    if (m == 0) break;
    laneSweeps(live, m);
  }
}

void LaneTridiagonalQr::applyTransposed() { laneReplay(rotations_, y_.data()); }

}  // namespace dw2
