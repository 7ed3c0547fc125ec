// Philox4x32-10 for blocks of 16 consecutive particles and several consecutive counters c0 at
// once: the integer half of the normal generator, written with SIMD intrinsics because compilers
// vectorize its 32 × 32 → 64-bit products poorly (they emulate full 64-bit multiplies). The ten
// rounds of one counter form a chain of dependent multiplies; up to four independent chains are
// interleaved so that their latencies overlap. Outputs equal philoxRaw's word for word.
#pragma once
#include <cstddef>
#include <cstdint>

namespace dw2 {

constexpr size_t kPhiloxLanes = 16;

// words[w * stride + q * kPhiloxLanes + i] = philoxRaw(seed, c0 + q, uint32(firstParticle + i), c2, c3).v[w]
// for q < counters, i < kPhiloxLanes (stride ≥ counters · kPhiloxLanes).
void philoxLanes(uint64_t seed, uint32_t c0, size_t counters, uint64_t firstParticle, uint32_t c2, uint32_t c3, uint32_t* words, size_t stride);

}  // namespace dw2
