#include "sampler/lane_tridiagonal_qr.h"
#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <cmath>
#include <limits>
#include "runtime/simd.h"
#include "targets/lane_masks.h"

namespace dw2 {

namespace {


// tridiagonal_qr.cc's test: off-diagonal b between a0, a1 negligible (then set to 0).
bool negligible(double& b, double a0, double a1) {
  const double eps = std::numeric_limits<double>::epsilon();
  if (std::fabs(b) <= eps * (std::fabs(a0) + std::fabs(a1)) || std::fabs(b) < std::numeric_limits<double>::min()) {
    b = 0.0;
    return true;
  }
  return false;
}


using namespace lanemask;

// Arrays, not vectors: this function is not cloned, and 64-byte vectors passed by value would
// change ABI between the AVX-512 caller and the baseline callee.
__attribute__((noinline)) void hypotLanes(double* r, const double* x, const double* z, const int64_t* bad) {
  for (int p = 0; p < 8; ++p)
    if (bad[p]) r[p] = std::hypot(x[p], z[p]);
}

// tridiagonal_qr.cc's √(x² + z²), lane by lane: hypot only outside [1e-150, 1e150] (rare). m =
// max(|x|, |z|) by the bit patterns; a NaN is out of range either way (then r is NaN or ∞ as there).
__attribute__((always_inline)) inline V laneNorm2(V x, V z, Mask act) {
  V r;
  for (int p = 0; p < 8; ++p) r[p] = std::sqrt(x[p] * x[p] + z[p] * z[p]);
  const Mask ax = absBits(x), az = absBits(z);
  const Mask m = (greater(ax, az) & ax) | (~greater(ax, az) & az);
  const Mask bad = act & ~(greater(m, bitsOf(1e-150)) & greater(bitsOf(1e150), m));
  int64_t lanesBad[8], any = 0;
  std::memcpy(lanesBad, &bad, sizeof lanesBad);
  for (int p = 0; p < 8; ++p) any |= lanesBad[p];
  if (any) {
    double rs[8], xs[8], zs[8];
    std::memcpy(rs, &r, sizeof rs);
    std::memcpy(xs, &x, sizeof xs);
    std::memcpy(zs, &z, sizeof zs);
    hypotLanes(rs, xs, zs, lanesBad);
    std::memcpy(&r, rs, sizeof rs);
  }
  return r;
}

// One rotation of tridiagonal_qr.cc's bulge chase at position k in every lane of set w where
// lo[p] ≤ k < hi[p], with its expressions (a masked lane keeps its values).
__attribute__((always_inline)) inline void laneRotate(int k, LaneTridiagonalQr::Sweep& w, Mask LO, Mask HI) {
  const Mask kk = Mask{} + k;
  const Mask act = greater(kk + 1, LO) & greater(HI, kk), first = act & greater(kk, LO), more = act & greater(HI, kk + 1);
  V* A = lanes(w.a);
  V* B = lanes(w.b);
  V* Y = lanes(w.y);
  const V X = *lanes(w.x), Z = *lanes(w.z);
  const V r = laneNorm2(X, Z, act);
  const Mask zero = ~nonzero(bitsOf(r));  // r ≥ +0 (or NaN)
  const V inv = select(zero, V{}, 1.0 / r);
  const V c = select(zero, V{} + 1.0, X * inv), s = -Z * inv;
  if (k > 0) B[k - 1] = select(first, r, B[k - 1]);
  const V ak = A[k], ak1 = A[k + 1], bk = B[k];
  const V nb = c * s * (ak - ak1) + (c * c - s * s) * bk;
  A[k] = select(act, c * c * ak - 2.0 * c * s * bk + s * s * ak1, ak);
  A[k + 1] = select(act, s * s * ak + 2.0 * c * s * bk + c * c * ak1, ak1);
  B[k] = select(act, nb, bk);
  const V bk1 = B[k + 1];
  *lanes(w.x) = select(more, nb, X);
  *lanes(w.z) = select(more, -s * bk1, Z);
  B[k + 1] = select(more, bk1 * c, bk1);
  const V u = Y[k], v = Y[k + 1];
  Y[k] = select(act, c * u - s * v, u);
  Y[k + 1] = select(act, s * u + c * v, v);
  w.rotations->push_back({c, s, act, k});
}

// One sweep of every lane of `count` sets, position by position (the sets' chains interleave).
DW2_SIMD_CLONES void laneSweeps(LaneTridiagonalQr::Sweep* const* sweeps, int count) {
  int kFrom = INT_MAX, kTo = 0;
  for (int q = 0; q < count; ++q) {
    kFrom = std::min(kFrom, sweeps[q]->kFrom);
    kTo = std::max(kTo, sweeps[q]->kTo);
  }
  Mask LO[LaneTridiagonalQr::kMaxSets], HI[LaneTridiagonalQr::kMaxSets];
  for (int q = 0; q < count; ++q)
    for (int p = 0; p < 8; ++p) {
      LO[q][p] = sweeps[q]->lo[p];
      HI[q][p] = sweeps[q]->hi[p];
    }
  for (int k = kFrom; k < kTo; ++k)
    for (int q = 0; q < count; ++q)
      if (k >= sweeps[q]->kFrom && k < sweeps[q]->kTo) laneRotate(k, *sweeps[q], LO[q], HI[q]);
}

// Bit i of bits[p]: negligible(b_i, a_i, a_{i+1}) in lane p, for i < H ≤ 64 (the test only, no
// zeroing), by comparisons of bit patterns (|b| ≤ t fails for a NaN t, as the double compare does).
DW2_SIMD_CLONES void negligibleBits(int H, const double* a, const double* b, uint64_t* bits) {
  const double eps = std::numeric_limits<double>::epsilon();
  const Mask tiny = bitsOf(std::numeric_limits<double>::min()), inf = bitsOf(std::numeric_limits<double>::infinity());
  const V* A = lanes(a);
  const V* B = lanes(b);
  Mask acc = Mask{};
  for (int i = 0; i < H; ++i) {
    const Mask ab = absBits(B[i]);
    const Mask t = bitsOf(eps * (fromBits(absBits(A[i])) + fromBits(absBits(A[i + 1]))));
    const Mask neg = (~greater(ab, t) & ~greater(t, inf)) | greater(tiny, ab);
    acc |= (neg & 1) << i;
  }
  std::memcpy(bits, &acc, sizeof acc);
}

// The Wilkinson shift of each lane's trailing 2 × 2 block and the chase's start (tridiagonal_qr.cc's
// startSweep): from a_{hi−1}, a_hi, e = b_{hi−1}, a_lo, b_lo gathered per lane into x (5 × 8); the
// start (x, z) written back to x[0], x[1]. Lanes where the sum vanishes give NaN (never used).
DW2_SIMD_CLONES void laneShift(double* v) {
  V* X = lanes(v);
  const V a1 = X[0], a2 = X[1], e = X[2], al = X[3], bl = X[4];
  const V delta = 0.5 * (a1 - a2);
  const V norm = laneNorm2(delta, e, Mask{} - 1);
  // copysign(norm, delta == 0 ? 1 : delta): delta's sign bit unless delta = ±0.
  const Mask sign = bitsOf(delta) & nonzero(absBits(delta)) & (Mask{} + INT64_MIN);
  const V signedNorm = fromBits(bitsOf(norm) | sign);
  const V shift = a2 - e * e / (delta + signedNorm);
  X[0] = al - shift;
  X[1] = bl;
}

DW2_SIMD_CLONES void laneReplay(const std::vector<LaneTridiagonalQr::Rotation>& rotations, double* y) {
  V* Y = lanes(y);
  for (auto it = rotations.rbegin(); it != rotations.rend(); ++it) {
    const int k = it->k;
    const V u = Y[k], w = Y[k + 1], c = it->c, s = it->s;
    Y[k] = select(it->use, c * u + s * w, u);
    Y[k + 1] = select(it->use, -s * u + c * w, w);
  }
}

}  // namespace

LaneTridiagonalQr::LaneTridiagonalQr(int maxDim)
    : maxDim_(maxDim < 2 ? 2 : maxDim), diag_(static_cast<size_t>(maxDim_) * 8), off_(static_cast<size_t>(maxDim_) * 8),
      y_(static_cast<size_t>(maxDim_) * 8) {
  // Typical solves make a few hundred rotations; more grow the vector (large krylovDim only).
  rotations_.reserve(static_cast<size_t>(std::min(4 * maxDim_ * maxDim_ + 16, 4096)));
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
  int H = 0;
  for (int p = 0; p < 8; ++p) H = w.active[p] ? std::max(H, w.hi[p]) : H;
  // Up to 64 positions: every lane's tests at once, then the scans of the scalar loops below by bit
  // arithmetic (zeroing exactly the entries they zero).
  uint64_t bits[8];
  double start[5 * 8];  // lanes without a sweep: ones (a finite shift, never used)
  const bool fast = H <= 64;
  if (fast) negligibleBits(H, diag_.data(), off_.data(), bits);
  for (int p = 0; p < 8; ++p) {
    for (int q = 0; q < 5; ++q) start[q * 8 + p] = 1.0;
    if (!w.active[p]) {
      w.lo[p] = w.hi[p] = 0;
      continue;
    }
    auto A = [&](int i) -> double& { return diag_[static_cast<size_t>(i) * 8 + p]; };
    auto B = [&](int i) -> double& { return off_[static_cast<size_t>(i) * 8 + p]; };
    int& hi = w.hi[p];
    int l = 0;
    if (fast) {
      // Deflation: the run of negligible entries ending at hi − 1; then lo above the highest
      // negligible entry below hi − 1.
      const uint64_t below = hi >= 64 ? ~uint64_t(0) : (uint64_t(1) << hi) - 1;
      const uint64_t kept = ~bits[p] & below;
      const int top = kept == 0 ? 0 : 64 - __builtin_clzll(kept);
      for (int i = top; i < hi; ++i) B(i) = 0.0;
      hi = top;
      const uint64_t split = hi > 1 ? bits[p] & ((uint64_t(1) << (hi - 1)) - 1) : 0;
      if (split != 0) {
        const int j = 63 - __builtin_clzll(split);
        B(j) = 0.0;
        l = j + 1;
      }
    } else {
      while (hi > 0 && negligible(B(hi - 1), A(hi - 1), A(hi))) --hi;
      l = hi - 1;
      if (hi > 0)
        while (l > 0 && !negligible(B(l - 1), A(l - 1), A(l))) --l;
    }
    if (hi == 0 || ++w.sweeps[p] > 30 * n[p]) {
      converged[p] = hi == 0;
      w.active[p] = false;
      w.lo[p] = hi = 0;
      continue;
    }
    start[0 * 8 + p] = A(hi - 1);
    start[1 * 8 + p] = A(hi);
    start[2 * 8 + p] = B(hi - 1);
    start[3 * 8 + p] = A(l);
    start[4 * 8 + p] = B(l);
    w.lo[p] = l;
    w.kFrom = std::min(w.kFrom, l);
    w.kTo = std::max(w.kTo, hi);
  }
  if (w.kTo == 0) return false;
  laneShift(start);
  for (int p = 0; p < 8; ++p)
    if (w.active[p]) {
      w.x[p] = start[p];
      w.z[p] = start[8 + p];
    }
  return true;
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
