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

// Box–Muller on the four Philox words of one counter.
DW2_HD inline NormalPair normalPairFromWords(uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3) {
  const double u1 = uniformOpen(w0, w1);
  const double u2 = uniformOpen(w2, w3);
  const double radius = std::sqrt(-2.0 * deterministicLog(u1));
  double s, c;
  deterministicSinCosPi(2.0 * u2, &s, &c);
  return {radius * c, radius * s};
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
