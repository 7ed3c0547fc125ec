// Products with the ∇s summaries of 8 particles at once, SIMD lanes = particles (layout: coordinate r
// of lane p at r·8 + p): what the lane Lanczos runs (lane_lanczos.h) and the lane polynomial
// recurrence (lane_chebyshev.h) multiply by. Always inlined into their target_clones kernels.
#pragma once
#include <algorithm>
#include <cstddef>
#include "targets/lane_masks.h"
#include "targets/lanes.h"

namespace dw2 {

// L v = scale · (D ∘ v + Σ_{k<K} (u_k · v) u_k) − shift · v per lane; D: d × 8, U: K × d × 8. With H
// non-null (a dense summary, d × d × 8, entry (a, b) at (a·d + b)·8): L v = scale · H v − shift · v.
struct LaneStructuredOperator {
  const double* D;
  const double* U;
  const double* H;
  size_t K, d;
  double scale, shift;
};

namespace lanekernels {

using lanemask::V;

// Σ_r a_r b_r per lane.
__attribute__((always_inline)) inline V laneDot(const V* a, const V* b, size_t d) {
  // Four partial sums (r mod 4), added pairwise at the end: four dependency chains instead of one
  // (the Gram–Schmidt dot products follow each other and cannot overlap). The order is fixed by d
  // alone, so every lane, path and grouping sums alike.
  V s[4] = {V{}, V{}, V{}, V{}};
  size_t r = 0;
  for (; r + 4 <= d; r += 4)
    for (size_t i = 0; i < 4; ++i) s[i] += a[r + i] * b[r + i];
  for (size_t i = 0; r < d; ++r, ++i) s[i] += a[r] * b[r];
  return (s[0] + s[1]) + (s[2] + s[3]);
}

// w += Σ_{k<N} (u_k · q) u_k, k increasing for every entry (the order of Target::cachedHessianProduct):
// the N dot products first, in registers (independent chains), then one pass over w.
template <int N>
__attribute__((always_inline)) inline void rankTerms(const V* u, size_t d, const V* q, V* w) {
  V c[N];
  for (int k = 0; k < N; ++k) c[k] = V{};
  for (size_t r = 0; r < d; ++r)
    for (int k = 0; k < N; ++k) c[k] += u[k * d + r] * q[r];
  for (size_t r = 0; r < d; ++r) {
    V acc = w[r];
    for (int k = 0; k < N; ++k) acc += c[k] * u[k * d + r];
    w[r] = acc;
  }
}

// w = L q per lane (structured summary): D ∘ q, then + (u_k · q) u_k for k in increasing order, then scale · w − shift · q
// (the order of Target::cachedHessianProduct and the sampler's −f I + c g² ∇s). The K dot
// products are independent of w, so they run first, eight at a time (their chains overlap).
// w = S q per lane, S the summary alone: D ∘ q, then + (u_k · q) u_k for k in increasing order (the
// order of Target::cachedHessianProduct); dense: row by row, b increasing. The K dot products are
// independent of w, so they run first, eight at a time (their chains overlap).
__attribute__((always_inline)) inline void summaryProduct(const LaneStructuredOperator& op, const V* q, V* w) {
  const size_t d = op.d, K = op.K;
  if (op.H) {
    const V* H = lanes(op.H);
    for (size_t a = 0; a < d; ++a) w[a] = laneDot(H + a * d, q, d);
    return;
  }
  const V* D = lanes(op.D);
  const V* U = lanes(op.U);
  for (size_t r = 0; r < d; ++r) w[r] = D[r] * q[r];
  for (size_t k0 = 0; k0 < K; k0 += 8) {
    const V* u = U + k0 * d;
    switch (std::min<size_t>(8, K - k0)) {
      case 8: rankTerms<8>(u, d, q, w); break;
      case 7: rankTerms<7>(u, d, q, w); break;
      case 6: rankTerms<6>(u, d, q, w); break;
      case 5: rankTerms<5>(u, d, q, w); break;
      case 4: rankTerms<4>(u, d, q, w); break;
      case 3: rankTerms<3>(u, d, q, w); break;
      case 2: rankTerms<2>(u, d, q, w); break;
      default: rankTerms<1>(u, d, q, w); break;
    }
  }
}

// w = L q = scale · S q − shift · q per lane (the sampler's −f I + c g² ∇s).
__attribute__((always_inline)) inline void structuredProduct(const LaneStructuredOperator& op, const V* q, V* w) {
  summaryProduct(op, q, w);
  const double scale = op.scale, shift = op.shift;
  for (size_t r = 0; r < op.d; ++r) w[r] = scale * w[r] - shift * q[r];
}

}  // namespace lanekernels
}  // namespace dw2
