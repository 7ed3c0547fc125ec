// Counter-based Gaussian noise: the normal variate for (seed, particle, step,
// stage, coordinate) is a pure function of those numbers, so samples never
// depend on thread count, batch split, dtype or device.
//
// Philox4x32-10 (Random123) with key = seed (64 bits) and counter
//   c0 = coordinate / 2, c1 = particle, c2 = step, c3 = stage.
// The four 32-bit outputs make two 52-bit uniforms in (0, 1), and one Box–Muller
// transform gives the normals for coordinates 2·c0 (cosine) and 2·c0 + 1 (sine).
#pragma once
#include <Random123/philox.h>
#include <cmath>
#include <cstdint>
#include "random/deterministic_math.h"

namespace dw2 {

struct NormalPair {
  double first;   // coordinate 2p
  double second;  // coordinate 2p + 1
};

DW2_HD inline r123::Philox4x32::ctr_type philoxRaw(uint64_t seed, uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3) {
  r123::Philox4x32 rng;
  r123::Philox4x32::ctr_type ctr = {{c0, c1, c2, c3}};
  r123::Philox4x32::key_type key = {{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)}};
  return rng(ctr, key);
}

// Uniform in (0, 1) from 64 random bits: the top 52 bits placed in a mantissa (exact,
// integer-only, so it vectorizes without AVX-512DQ), centred in their cell.
DW2_HD inline double uniformOpen(uint32_t hi, uint32_t lo) {
  const uint64_t bits = ((static_cast<uint64_t>(hi) << 32) | lo) >> 12;
  return (fromBits(0x3ff0000000000000ULL | bits) - 1.0) + 1.1102230246251565e-16;  // + 2^-53
}

// Box–Muller for G word sets at once, statement by statement like the functions of
// deterministic_math.h (the same operations in the same order for every value and every G, so any G
// gives normalPairFromWords's bits; G > 1 lets the chains overlap in the pipeline):
// first[g], second[g] from the words w0[g] … w3[g].
template <int G>
DW2_HD inline void normalPairsFromWords(const uint32_t* w0, const uint32_t* w1, const uint32_t* w2, const uint32_t* w3,
                                        double* first, double* second) {
  double u1[G], u2[G], lg[G], angle[G], s[G], c[G];
  for (int g = 0; g < G; ++g) u1[g] = uniformOpen(w0[g], w1[g]);
  for (int g = 0; g < G; ++g) u2[g] = uniformOpen(w2[g], w3[g]);
  interleaved::log<G>(u1, lg);
  for (int g = 0; g < G; ++g) angle[g] = 2.0 * u2[g];
  interleaved::sinCosPi<G>(angle, s, c);
  for (int g = 0; g < G; ++g) {
    const double radius = std::sqrt(-2.0 * lg[g]);
    first[g] = radius * c[g];
    second[g] = radius * s[g];
  }
}

// Box–Muller on the four Philox words of one counter.
DW2_HD inline NormalPair normalPairFromWords(uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3) {
  NormalPair p;
  normalPairsFromWords<1>(&w0, &w1, &w2, &w3, &p.first, &p.second);
  return p;
}

DW2_HD inline NormalPair normalPair(uint64_t seed, uint64_t particle, uint32_t step, uint32_t stage, uint64_t pairIndex) {
  auto r = philoxRaw(seed, static_cast<uint32_t>(pairIndex), static_cast<uint32_t>(particle), step, stage);
  return normalPairFromWords(r.v[0], r.v[1], r.v[2], r.v[3]);
}

DW2_HD inline double normalAt(uint64_t seed, uint64_t particle, uint32_t step, uint32_t stage, uint64_t coordinate) {
  NormalPair p = normalPair(seed, particle, step, stage, coordinate >> 1);
  return (coordinate & 1) ? p.second : p.first;
}

}  // namespace dw2
