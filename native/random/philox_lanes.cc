#include "random/philox_lanes.h"
#include "random/philox_normal.h"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#include <immintrin.h>
#define DW2_PHILOX_MULTIVERSION 1
// GCC 12's AVX-512 headers start from _mm512_undefined values, which -Wuninitialized reports.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace dw2 {

namespace {

// Random123's Philox4x32 constants: the round multipliers and the Weyl key increments.
constexpr uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u, kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;

// One round, Random123's order: (hi₀, lo₀) = M₀c₀, (hi₁, lo₁) = M₁c₂,
// c ← (hi₁ ⊕ c₁ ⊕ k₀, lo₁, hi₀ ⊕ c₃ ⊕ k₁, lo₀). Words live in the low halves of 64-bit lanes;
// the products read only low halves, so the upper halves may hold anything until the final mask.
#if DW2_PHILOX_MULTIVERSION
struct Philox512 {
  __attribute__((target("avx512f"))) static void run(uint64_t seed, uint32_t c0, uint64_t first, uint32_t c2, uint32_t c3,
                                                     uint32_t words[4][kPhiloxLanes]) {
    const __m512i m0 = _mm512_set1_epi64(kM0), m1 = _mm512_set1_epi64(kM1);
    for (size_t half = 0; half < kPhiloxLanes; half += 8) {
      __m512i x0 = _mm512_set1_epi64(c0), x2 = _mm512_set1_epi64(c2), x3 = _mm512_set1_epi64(c3);
      __m512i x1 = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(first + half)), _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0));
      uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
      for (int round = 0; round < 10; ++round) {
        const __m512i p0 = _mm512_mul_epu32(x0, m0), p1 = _mm512_mul_epu32(x2, m1);
        // 0x96: three-way exclusive or.
        x0 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p1, 32), x1, _mm512_set1_epi64(k0), 0x96);
        x2 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p0, 32), x3, _mm512_set1_epi64(k1), 0x96);
        x1 = p1;
        x3 = p0;
        k0 += kW0;
        k1 += kW1;
      }
      // vpmovqd keeps the low halves: the words.
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(words[0] + half), _mm512_cvtepi64_epi32(x0));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(words[1] + half), _mm512_cvtepi64_epi32(x1));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(words[2] + half), _mm512_cvtepi64_epi32(x2));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(words[3] + half), _mm512_cvtepi64_epi32(x3));
    }
  }
};

struct Philox256 {
  // 4 lanes per register; the four words of a lane go back through a small array.
  __attribute__((target("avx2"))) static void run(uint64_t seed, uint32_t c0, uint64_t first, uint32_t c2, uint32_t c3,
                                                  uint32_t words[4][kPhiloxLanes]) {
    const __m256i m0 = _mm256_set1_epi64x(kM0), m1 = _mm256_set1_epi64x(kM1);
    for (size_t quarter = 0; quarter < kPhiloxLanes; quarter += 4) {
      __m256i x0 = _mm256_set1_epi64x(c0), x2 = _mm256_set1_epi64x(c2), x3 = _mm256_set1_epi64x(c3);
      __m256i x1 = _mm256_add_epi64(_mm256_set1_epi64x(static_cast<long long>(first + quarter)), _mm256_set_epi64x(3, 2, 1, 0));
      uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
      for (int round = 0; round < 10; ++round) {
        const __m256i p0 = _mm256_mul_epu32(x0, m0), p1 = _mm256_mul_epu32(x2, m1);
        x0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), x1), _mm256_set1_epi64x(k0));
        x2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), x3), _mm256_set1_epi64x(k1));
        x1 = p1;
        x3 = p0;
        k0 += kW0;
        k1 += kW1;
      }
      alignas(32) uint64_t lanes[4][4];
      _mm256_store_si256(reinterpret_cast<__m256i*>(lanes[0]), x0);
      _mm256_store_si256(reinterpret_cast<__m256i*>(lanes[1]), x1);
      _mm256_store_si256(reinterpret_cast<__m256i*>(lanes[2]), x2);
      _mm256_store_si256(reinterpret_cast<__m256i*>(lanes[3]), x3);
      for (int w = 0; w < 4; ++w)
        for (int i = 0; i < 4; ++i) words[w][quarter + i] = static_cast<uint32_t>(lanes[w][i]);
    }
  }
};
#endif

void philoxScalar(uint64_t seed, uint32_t c0, uint64_t first, uint32_t c2, uint32_t c3, uint32_t words[4][kPhiloxLanes]) {
  for (size_t i = 0; i < kPhiloxLanes; ++i) {
    const auto r = philoxRaw(seed, c0, static_cast<uint32_t>(first + i), c2, c3);
    for (int w = 0; w < 4; ++w) words[w][i] = r.v[w];
  }
}

}  // namespace

#if DW2_PHILOX_MULTIVERSION
// Function multiversioning, resolved once at load like the target_clones kernels.
__attribute__((target("avx512f"))) static void philoxDispatch(uint64_t s, uint32_t c0, uint64_t f, uint32_t c2, uint32_t c3,
                                                              uint32_t w[4][kPhiloxLanes]) {
  Philox512::run(s, c0, f, c2, c3, w);
}
__attribute__((target("avx2"))) static void philoxDispatch(uint64_t s, uint32_t c0, uint64_t f, uint32_t c2, uint32_t c3,
                                                           uint32_t w[4][kPhiloxLanes]) {
  Philox256::run(s, c0, f, c2, c3, w);
}
__attribute__((target("default"))) static void philoxDispatch(uint64_t s, uint32_t c0, uint64_t f, uint32_t c2, uint32_t c3,
                                                              uint32_t w[4][kPhiloxLanes]) {
  philoxScalar(s, c0, f, c2, c3, w);
}
#endif

void philoxLanes(uint64_t seed, uint32_t c0, uint64_t firstParticle, uint32_t c2, uint32_t c3, uint32_t words[4][kPhiloxLanes]) {
#if DW2_PHILOX_MULTIVERSION
  philoxDispatch(seed, c0, firstParticle, c2, c3, words);
#else
  philoxScalar(seed, c0, firstParticle, c2, c3, words);
#endif
}

}  // namespace dw2
