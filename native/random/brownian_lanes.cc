#include "random/brownian_lanes.h"
#include <cmath>
#include "random/brownian_path.h"
#include "random/philox_lanes.h"
#include "random/philox_normal.h"
#include "runtime/simd.h"

namespace dw2 {

namespace {
// The normal pairs of G consecutive coordinates for a group's kPhiloxLanes particles: words (rows
// `stride` apart) → a, b (coordinate g's lanes at g·kPhiloxLanes), G Box–Muller chains
// interleaved (philox_normal.h normalPairsFromWords: the bits of normalPairFromWords).
template <int G>
__attribute__((always_inline)) inline void nodePairs(const uint32_t* words, size_t stride, double* a, double* b) {
  for (size_t i = 0; i < kPhiloxLanes; ++i) {
    uint32_t w[4][G];
    double first[G], second[G];
    for (int g = 0; g < G; ++g)
      for (int k = 0; k < 4; ++k) w[k][g] = words[k * stride + g * kPhiloxLanes + i];
    normalPairsFromWords<G>(w[0], w[1], w[2], w[3], first, second);
    for (int g = 0; g < G; ++g) {
      a[g * kPhiloxLanes + i] = first[g];
      b[g * kPhiloxLanes + i] = second[g];
    }
  }
}
}  // namespace

DW2_SIMD_CLONES void groupNodeNormals(uint64_t seed, uint64_t particle0, size_t d, uint32_t node, uint32_t stage, double* z1, double* z2) {
  // Counter c0 = coordinate j: up to kChunk coordinates' words per philoxLanes call.
  constexpr size_t kChunk = 8, stride = kChunk * kPhiloxLanes;
  uint32_t words[4 * stride];
  for (size_t j0 = 0; j0 < d; j0 += kChunk) {
    const size_t count = d - j0 < kChunk ? d - j0 : kChunk;
    philoxLanes(seed, static_cast<uint32_t>(j0), count, particle0, node, stage, words, stride);
    size_t q = 0;
    for (; q + 4 <= count; q += 4) nodePairs<4>(words + q * kPhiloxLanes, stride, z1 + (j0 + q) * kPhiloxLanes, z2 + (j0 + q) * kPhiloxLanes);
    for (; q < count; ++q) nodePairs<1>(words + q * kPhiloxLanes, stride, z1 + (j0 + q) * kPhiloxLanes, z2 + (j0 + q) * kPhiloxLanes);
  }
}

DW2_SIMD_CLONES void splitNodeLanes(size_t n, const double* __restrict W, const double* __restrict H, const double* __restrict z1,
                                    const double* __restrict z2, double len, double* __restrict wl, double* __restrict hl, double* __restrict wr,
                                    double* __restrict hr) {
  for (size_t q = 0; q < n; ++q) splitNode(W[q], H[q], len, z1[q], z2[q], wl[q], hl[q], wr[q], hr[q]);
}

DW2_SIMD_CLONES void appendNodeLanes(size_t n, double* __restrict segW, double* __restrict segJ, const double* __restrict w,
                                     const double* __restrict h, double len) {
  for (size_t q = 0; q < n; ++q) {
    segJ[q] += len * (h[q] + 0.5 * w[q]) + len * segW[q];
    segW[q] += w[q];
  }
}

DW2_SIMD_CLONES void appendPieceLanes(size_t n, double* __restrict segW, double* __restrict segJ, const double* __restrict w,
                                      const double* __restrict J, double len) {
  for (size_t q = 0; q < n; ++q) {
    segJ[q] += J[q] + len * segW[q];
    segW[q] += w[q];
  }
}

DW2_SIMD_CLONES void prependNodeLanes(size_t n, double* __restrict headW, double* __restrict headJ, const double* __restrict w,
                                      const double* __restrict h, double len, double headLen) {
  if (headLen == 0) {
    for (size_t q = 0; q < n; ++q) {
      headW[q] = w[q];
      headJ[q] = len * (h[q] + 0.5 * w[q]);
    }
    return;
  }
  for (size_t q = 0; q < n; ++q) {
    headJ[q] = len * (h[q] + 0.5 * w[q]) + headJ[q] + headLen * w[q];
    headW[q] = w[q] + headW[q];
  }
}

DW2_SIMD_CLONES void prependPieceLanes(size_t n, double* __restrict headW, double* __restrict headJ, const double* __restrict w,
                                       const double* __restrict J, double headLen) {
  if (headLen == 0) {
    for (size_t q = 0; q < n; ++q) {
      headW[q] = w[q];
      headJ[q] = J[q];
    }
    return;
  }
  for (size_t q = 0; q < n; ++q) {
    headJ[q] = J[q] + headJ[q] + headLen * w[q];
    headW[q] = w[q] + headW[q];
  }
}

// The left piece [0, x·len] given (W, H) of [0, len], x ≤ ½ (q = x³ + (1 − x)³ ≥ ¼; notes in
// brownian_path.cc): W₁ = xW + 6x(1 − x)H + √(len x(1 − x) q) z₁,
// H₁ = x²H − ½√(len(1 − x)/q) x^{5/2} z₁ + √(len x(1 − x)³/(12q)) z₂.
LeafSplit leafSplit(double len, double x) {
  LeafSplit s;
  s.reversed = x > 0.5;
  s.len = len;
  s.len1 = x * len;
  s.len2 = len - s.len1;
  const double u = s.reversed ? 1.0 - x : x, y = 1.0 - u, q = 1.0 - 3.0 * u + 3.0 * u * u;
  s.aW = u;
  s.aH = 6.0 * u * y;
  s.a1 = std::sqrt(len * u * y * q);
  s.bH = u * u;
  s.b1 = 0.5 * std::sqrt(len * y / q) * u * u * std::sqrt(u);
  s.b2 = std::sqrt(len * u * y * y * y / (12.0 * q));
  return s;
}

// The drawn piece is the left one (x ≤ ½) or, time-reversed ((W, H) → (−W, H)), the right one;
// the other piece's J follows from the joining identity J = J₁ + J₂ + len₂·W₁.
DW2_SIMD_CLONES void splitLeafLanes(size_t n, const LeafSplit& s, const double* __restrict W, const double* __restrict H, const double* __restrict z1,
                                    const double* __restrict z2, double* __restrict lw, double* __restrict lj, double* __restrict rw,
                                    double* __restrict rj) {
  const LeafSplit c = s;
  for (size_t q = 0; q < n; ++q) {
    const double J = c.len * (H[q] + 0.5 * W[q]);
    const double sign = c.reversed ? -1.0 : 1.0;
    const double pw = c.aW * (sign * W[q]) + c.aH * H[q] + c.a1 * z1[q];
    const double ph = c.bH * H[q] - c.b1 * z1[q] + c.b2 * z2[q];
    if (!c.reversed) {
      lw[q] = pw;
      lj[q] = c.len1 * (ph + 0.5 * pw);
      rw[q] = W[q] - pw;
      rj[q] = J - lj[q] - c.len2 * pw;
    } else {
      rw[q] = -pw;
      rj[q] = c.len2 * (ph - 0.5 * pw);
      lw[q] = W[q] + pw;
      lj[q] = J - rj[q] - c.len2 * lw[q];
    }
  }
}

DW2_SIMD_CLONES void splitNodeAtLanes(size_t n, const LeafSplit& s, const double* __restrict W, const double* __restrict H, const double* __restrict z1,
                                      const double* __restrict z2, double* __restrict wl, double* __restrict hl, double* __restrict wr,
                                      double* __restrict hr) {
  // The drawn piece (left, or time-reversed right) as in splitLeafLanes; the other piece's area from
  // J = J₁ + J₂ + len₂·W₁, divided by its length through a reciprocal computed once.
  const LeafSplit c = s;
  const double inv1 = 1.0 / c.len1, inv2 = 1.0 / c.len2;
  if (!c.reversed) {
    for (size_t q = 0; q < n; ++q) {
      const double J = c.len * (H[q] + 0.5 * W[q]);
      const double pw = c.aW * W[q] + c.aH * H[q] + c.a1 * z1[q];
      const double ph = c.bH * H[q] - c.b1 * z1[q] + c.b2 * z2[q];
      wl[q] = pw;
      hl[q] = ph;
      wr[q] = W[q] - pw;
      hr[q] = (J - c.len1 * (ph + 0.5 * pw) - c.len2 * pw) * inv2 - 0.5 * wr[q];
    }
    return;
  }
  for (size_t q = 0; q < n; ++q) {
    const double J = c.len * (H[q] + 0.5 * W[q]);
    const double pw = c.aW * -W[q] + c.aH * H[q] + c.a1 * z1[q];
    const double ph = c.bH * H[q] - c.b1 * z1[q] + c.b2 * z2[q];
    wr[q] = -pw;
    hr[q] = ph;
    wl[q] = W[q] + pw;
    hl[q] = (J - c.len2 * (ph - 0.5 * pw) - c.len2 * wl[q]) * inv1 - 0.5 * wl[q];
  }
}

DW2_SIMD_CLONES void finishLanes(size_t n, const double* __restrict segW, const double* __restrict segJ, double len, double* __restrict w,
                                 double* __restrict h) {
  for (size_t q = 0; q < n; ++q) {
    w[q] = segW[q];
    h[q] = segJ[q] / len - 0.5 * segW[q];
  }
}

}  // namespace dw2
