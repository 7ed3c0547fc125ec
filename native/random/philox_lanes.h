// Philox4x32-10 for 16 consecutive particles at once: the integer half of the normal generator,
// written with SIMD intrinsics because compilers vectorize its 32 × 32 → 64-bit products poorly
// (they emulate full 64-bit multiplies). Outputs equal philoxRaw's word for word.
#pragma once
#include <cstddef>
#include <cstdint>

namespace dw2 {

constexpr size_t kPhiloxLanes = 16;

// words[w][i] = philoxRaw(seed, c0, uint32(firstParticle + i), c2, c3).v[w], i < kPhiloxLanes.
void philoxLanes(uint64_t seed, uint32_t c0, uint64_t firstParticle, uint32_t c2, uint32_t c3, uint32_t words[4][kPhiloxLanes]);

}  // namespace dw2
