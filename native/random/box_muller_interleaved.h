// normalPairFromWords (philox_normal.h) for G independent word sets at once, statement by
// statement (deterministic_math_interleaved.h): the same operations in the same order for every
// value, so the results are bitwise normalPairFromWords's; the G chains overlap in the pipeline.
#pragma once
#include <cmath>
#include <cstdint>
#include "random/deterministic_math_interleaved.h"
#include "random/philox_normal.h"

namespace dw2 {

namespace interleaved {
template <int G>
__attribute__((always_inline)) inline void uniformOpen(const uint32_t* hi, const uint32_t* lo, double* u) {
  for (int g = 0; g < G; ++g) u[g] = dw2::uniformOpen(hi[g], lo[g]);
}

}  // namespace interleaved

// G Box–Muller pairs from the words w0[g] … w3[g]: first[g], second[g] = normalPairFromWords(…).
template <int G>
__attribute__((always_inline)) inline void normalPairsFromWords(const uint32_t* w0, const uint32_t* w1, const uint32_t* w2, const uint32_t* w3,
                                                                double* first, double* second) {
  double u1[G], u2[G], lg[G], angle[G], s[G], c[G];
  interleaved::uniformOpen<G>(w0, w1, u1);
  interleaved::uniformOpen<G>(w2, w3, u2);
  interleaved::log<G>(u1, lg);
  for (int g = 0; g < G; ++g) angle[g] = 2.0 * u2[g];
  interleaved::sinCosPi<G>(angle, s, c);
  for (int g = 0; g < G; ++g) {
    const double radius = std::sqrt(-2.0 * lg[g]);
    first[g] = radius * c[g];
    second[g] = radius * s[g];
  }
}

}  // namespace dw2
