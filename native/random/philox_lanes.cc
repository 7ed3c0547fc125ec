#include "random/philox_lanes.h"
#include <algorithm>
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

// One vector's worth of counters: c0, the first particle of its lanes, and where its words go
// (offset of lane 0 within each word's row of the output).
struct Job {
  uint32_t c0;
  uint64_t first;
  size_t offset;
};
// Independent chains interleaved per group (their multiplies overlap in the pipeline).
constexpr int kGroup = 4;

// One round, Random123's order: (hi₀, lo₀) = M₀c₀, (hi₁, lo₁) = M₁c₂,
// c ← (hi₁ ⊕ c₁ ⊕ k₀, lo₁, hi₀ ⊕ c₃ ⊕ k₁, lo₀). Words live in the low halves of 64-bit lanes;
// the products read only low halves, so the upper halves may hold anything until the final pack.
#if DW2_PHILOX_MULTIVERSION
template <int G>
__attribute__((target("avx512f"))) inline void philox512(uint64_t seed, const Job* jobs, uint32_t c2, uint32_t c3, uint32_t* words, size_t stride) {
  const __m512i m0 = _mm512_set1_epi64(kM0), m1 = _mm512_set1_epi64(kM1);
  const __m512i iota = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
  __m512i x0[G], x1[G], x2[G], x3[G];
  for (int g = 0; g < G; ++g) {
    x0[g] = _mm512_set1_epi64(jobs[g].c0);
    x1[g] = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(jobs[g].first)), iota);
    x2[g] = _mm512_set1_epi64(c2);
    x3[g] = _mm512_set1_epi64(c3);
  }
  uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  for (int round = 0; round < 10; ++round) {
    const __m512i key0 = _mm512_set1_epi64(k0), key1 = _mm512_set1_epi64(k1);
    for (int g = 0; g < G; ++g) {
      const __m512i p0 = _mm512_mul_epu32(x0[g], m0), p1 = _mm512_mul_epu32(x2[g], m1);
      // 0x96: three-way exclusive or.
      x0[g] = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p1, 32), x1[g], key0, 0x96);
      x2[g] = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p0, 32), x3[g], key1, 0x96);
      x1[g] = p1;
      x3[g] = p0;
    }
    k0 += kW0;
    k1 += kW1;
  }
  // vpmovqd keeps the low halves: the words.
  for (int g = 0; g < G; ++g) {
    uint32_t* o = words + jobs[g].offset;
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o), _mm512_cvtepi64_epi32(x0[g]));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + stride), _mm512_cvtepi64_epi32(x1[g]));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + 2 * stride), _mm512_cvtepi64_epi32(x2[g]));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + 3 * stride), _mm512_cvtepi64_epi32(x3[g]));
  }
}

template <int G>
__attribute__((target("avx2"))) inline void philox256(uint64_t seed, const Job* jobs, uint32_t c2, uint32_t c3, uint32_t* words, size_t stride) {
  const __m256i m0 = _mm256_set1_epi64x(kM0), m1 = _mm256_set1_epi64x(kM1);
  const __m256i iota = _mm256_set_epi64x(3, 2, 1, 0);
  __m256i x0[G], x1[G], x2[G], x3[G];
  for (int g = 0; g < G; ++g) {
    x0[g] = _mm256_set1_epi64x(jobs[g].c0);
    x1[g] = _mm256_add_epi64(_mm256_set1_epi64x(static_cast<long long>(jobs[g].first)), iota);
    x2[g] = _mm256_set1_epi64x(c2);
    x3[g] = _mm256_set1_epi64x(c3);
  }
  uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  for (int round = 0; round < 10; ++round) {
    const __m256i key0 = _mm256_set1_epi64x(k0), key1 = _mm256_set1_epi64x(k1);
    for (int g = 0; g < G; ++g) {
      const __m256i p0 = _mm256_mul_epu32(x0[g], m0), p1 = _mm256_mul_epu32(x2[g], m1);
      x0[g] = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), x1[g]), key0);
      x2[g] = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), x3[g]), key1);
      x1[g] = p1;
      x3[g] = p0;
    }
    k0 += kW0;
    k1 += kW1;
  }
  // The low halves of the four 64-bit lanes, packed into 128 bits.
  const __m256i low = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
  for (int g = 0; g < G; ++g) {
    uint32_t* o = words + jobs[g].offset;
    const __m256i x[4] = {x0[g], x1[g], x2[g], x3[g]};
    for (int w = 0; w < 4; ++w)
      _mm_storeu_si128(reinterpret_cast<__m128i*>(o + w * stride), _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(x[w], low)));
  }
}

// Jobs [j, j + g) of the `counters` × (16 / width) vectors: counter q = j / perCounter, vector v.
inline void makeJobs(size_t j, int g, size_t width, uint32_t c0, uint64_t first, Job* jobs) {
  const size_t perCounter = kPhiloxLanes / width;
  for (int i = 0; i < g; ++i) {
    const size_t q = (j + i) / perCounter, v = (j + i) % perCounter;
    jobs[i] = Job{c0 + static_cast<uint32_t>(q), first + v * width, q * kPhiloxLanes + v * width};
  }
}
#endif

void philoxScalar(uint64_t seed, uint32_t c0, size_t counters, uint64_t first, uint32_t c2, uint32_t c3, uint32_t* words, size_t stride) {
  for (size_t q = 0; q < counters; ++q)
    for (size_t i = 0; i < kPhiloxLanes; ++i) {
      const auto r = philoxRaw(seed, c0 + static_cast<uint32_t>(q), static_cast<uint32_t>(first + i), c2, c3);
      for (int w = 0; w < 4; ++w) words[w * stride + q * kPhiloxLanes + i] = r.v[w];
    }
}

}  // namespace

#if DW2_PHILOX_MULTIVERSION
// Function multiversioning, resolved once at load like the target_clones kernels.
__attribute__((target("avx512f"))) static void philoxDispatch(uint64_t s, uint32_t c0, size_t q, uint64_t f, uint32_t c2, uint32_t c3, uint32_t* w,
                                                              size_t stride) {
  const size_t vectors = 2 * q;
  Job jobs[kGroup];
  for (size_t j = 0; j < vectors; j += kGroup) {
    const int g = static_cast<int>(std::min<size_t>(kGroup, vectors - j));
    makeJobs(j, g, 8, c0, f, jobs);
    switch (g) {
      case 4: philox512<4>(s, jobs, c2, c3, w, stride); break;
      case 3: philox512<3>(s, jobs, c2, c3, w, stride); break;
      case 2: philox512<2>(s, jobs, c2, c3, w, stride); break;
      default: philox512<1>(s, jobs, c2, c3, w, stride); break;
    }
  }
}
__attribute__((target("avx2"))) static void philoxDispatch(uint64_t s, uint32_t c0, size_t q, uint64_t f, uint32_t c2, uint32_t c3, uint32_t* w,
                                                           size_t stride) {
  // 16 particles are four vectors of 4: every group is one counter's.
  Job jobs[kGroup];
  for (size_t j = 0; j < 4 * q; j += kGroup) {
    makeJobs(j, kGroup, 4, c0, f, jobs);
    philox256<kGroup>(s, jobs, c2, c3, w, stride);
  }
}
__attribute__((target("default"))) static void philoxDispatch(uint64_t s, uint32_t c0, size_t q, uint64_t f, uint32_t c2, uint32_t c3, uint32_t* w,
                                                              size_t stride) {
  philoxScalar(s, c0, q, f, c2, c3, w, stride);
}
#endif

void philoxLanes(uint64_t seed, uint32_t c0, size_t counters, uint64_t firstParticle, uint32_t c2, uint32_t c3, uint32_t* words, size_t stride) {
#if DW2_PHILOX_MULTIVERSION
  philoxDispatch(seed, c0, counters, firstParticle, c2, c3, words, stride);
#else
  philoxScalar(seed, c0, counters, firstParticle, c2, c3, words, stride);
#endif
}

}  // namespace dw2
