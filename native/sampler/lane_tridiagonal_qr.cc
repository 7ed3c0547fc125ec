#include "sampler/lane_tridiagonal_qr.h"
#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <cmath>
#include <limits>
#include "runtime/simd.h"
#include "sampler/tridiagonal_qr.h"
#include "targets/lane_masks.h"

namespace dw2 {

namespace {


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

// negligibleOffDiagonal (tridiagonal_qr.h) of b_i between a_i, a_{i+1} (without the zeroing), by
// comparisons of bit patterns (|b| ≤ t fails for a NaN t, as the double compare does).
__attribute__((always_inline)) inline Mask negligibleLanes(V a0, V a1, V b) {
  const double eps = std::numeric_limits<double>::epsilon();
  const Mask tiny = bitsOf(std::numeric_limits<double>::min()), inf = bitsOf(std::numeric_limits<double>::infinity());
  const Mask ab = absBits(b);
  const Mask t = bitsOf(eps * (abs(a0) + abs(a1)));
  return (~greater(ab, t) & ~greater(t, inf)) | greater(tiny, ab);
}

__attribute__((always_inline)) inline Mask equal(Mask a, Mask b) { return ~nonzero(a - b); }

// tridiagonal_qr.cc's startSweep in every lane with active[p] at once, for H ≤ 64 positions (H ≥ every
// such lane's hi): the run of negligible entries ending at hi − 1 deflates (hi ← top), the highest
// negligible entry below top − 1 splits (lo ← its position + 1), exactly those entries are zeroed, and
// the Wilkinson shift of the trailing 2 × 2 block gives the chase's start (x, z) = (a_lo − shift, b_lo).
// In: hi; out: top (the new hi) and lo, x, z (lanes with top = 0 or inactive: unspecified).
DW2_SIMD_CLONES void laneSweepStarts(int H, double* a, double* b, const int64_t* activeIn, int64_t* hiInOut, int64_t* loOut,
                                     double* x, double* z) {
  V* A = lanes(a);
  V* B = lanes(b);
  Mask active, HI;
  std::memcpy(&active, activeIn, sizeof active);
  std::memcpy(&HI, hiInOut, sizeof HI);
  Mask neg[64];
  Mask top = Mask{};
  for (int i = 0; i < H; ++i) {
    const Mask ii = Mask{} + i;
    neg[i] = negligibleLanes(A[i], A[i + 1], B[i]);
    top = (greater(HI, ii) & ~neg[i] & (ii + 1)) | (~(greater(HI, ii) & ~neg[i]) & top);
  }
  Mask lo = Mask{};
  for (int j = 0; j < H; ++j) {
    const Mask jj = Mask{} + j, split = greater(top - 1, jj) & neg[j];
    lo = (split & (jj + 1)) | (~split & lo);
  }
  V a1 = V{} + 1.0, a2 = V{} + 1.0, e = V{} + 1.0, al = V{} + 1.0, bl = V{} + 1.0;
  for (int i = 0; i <= H; ++i) {
    const Mask ii = Mask{} + i;
    if (i < H) {
      const Mask deflated = greater(ii + 1, top) & greater(HI, ii), splitAt = equal(ii + 1, lo) & greater(lo, Mask{});
      B[i] = select(active & (deflated | splitAt), V{}, B[i]);
    }
    const Mask last = equal(ii, top - 1), bottom = equal(ii, top), first = equal(ii, lo);
    a1 = select(last, A[i], a1);
    e = select(last, B[i], e);
    a2 = select(bottom, A[i], a2);
    al = select(first, A[i], al);
    bl = select(first, B[i], bl);
  }
  const Mask sweeping = active & greater(top, Mask{});
  const V delta = 0.5 * (a1 - a2);
  const V norm = laneNorm2(delta, e, sweeping);
  // copysign(norm, delta == 0 ? 1 : delta): delta's sign bit unless delta = ±0.
  const Mask sign = bitsOf(delta) & nonzero(absBits(delta)) & (Mask{} + INT64_MIN);
  const V shift = a2 - e * e / (delta + fromBits(bitsOf(norm) | sign));
  const V X = al - shift;
  std::memcpy(x, &X, sizeof X);
  std::memcpy(z, &bl, sizeof bl);
  std::memcpy(hiInOut, &top, sizeof top);
  std::memcpy(loOut, &lo, sizeof lo);
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
  int64_t active[8], hi[8], lo[8];
  for (int p = 0; p < 8; ++p) {
    H = w.active[p] ? std::max(H, w.hi[p]) : H;
    active[p] = w.active[p] ? -1 : 0;
    hi[p] = w.active[p] ? w.hi[p] : 0;
  }
  if (H <= 64) {
    laneSweepStarts(H, diag_.data(), off_.data(), active, hi, lo, w.x, w.z);
  } else {
    // Beyond 64 positions (krylovDim > 65): tridiagonal_qr.cc's loops lane by lane.
    for (int p = 0; p < 8; ++p) {
      if (!w.active[p]) continue;
      auto A = [&](int i) -> double& { return diag_[static_cast<size_t>(i) * 8 + p]; };
      auto B = [&](int i) -> double& { return off_[static_cast<size_t>(i) * 8 + p]; };
      int h = w.hi[p];
      while (h > 0 && negligibleOffDiagonal(B(h - 1), A(h - 1), A(h))) --h;
      int l = h - 1;
      if (h > 0)
        while (l > 0 && !negligibleOffDiagonal(B(l - 1), A(l - 1), A(l))) --l;
      hi[p] = h;
      lo[p] = l;
      if (h == 0) continue;
      const double delta = 0.5 * (A(h - 1) - A(h)), e = B(h - 1);
      const double ad = std::fabs(delta), ae = std::fabs(e), m = ad > ae ? ad : ae, r = std::sqrt(delta * delta + e * e);
      const double norm = m > 1e-150 && m < 1e150 ? r : std::hypot(delta, e);
      w.x[p] = A(l) - (A(h) - e * e / (delta + std::copysign(norm, delta == 0.0 ? 1.0 : delta)));
      w.z[p] = B(l);
    }
  }
  for (int p = 0; p < 8; ++p) {
    if (!w.active[p]) {
      w.lo[p] = w.hi[p] = 0;
      continue;
    }
    w.hi[p] = static_cast<int>(hi[p]);
    if (w.hi[p] == 0 || ++w.sweeps[p] > 30 * n[p]) {
      converged[p] = w.hi[p] == 0;
      w.active[p] = false;
      w.lo[p] = w.hi[p] = 0;
      continue;
    }
    w.lo[p] = static_cast<int>(lo[p]);
    w.kFrom = std::min(w.kFrom, w.lo[p]);
    w.kTo = std::max(w.kTo, w.hi[p]);
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
