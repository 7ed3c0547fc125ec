// The elementary functions (random/deterministic_math.h) and Box–Muller (philox_normal.h) are
// written for G values at once; G = 4 inside loops the compiler vectorizes must give, value for
// value, the bits of the scalar functions (G = 1), which the CUDA build and the one-row paths use. Checked on edge inputs (the ends of (0, 1), the √2 and quarter-turn switch
// points, exp's overflow and underflow limits, ±0, ±∞, NaN) and on many random ones, in loops the
// compiler vectorizes, for each SIMD path this CPU runs (AVX-512, AVX2, baseline), against the
// scalar functions compiled for the baseline. Prints one "ok:" line per function and path.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>
#include "random/philox_normal.h"

using namespace dw2;

namespace {

constexpr size_t kGroups = 4;

std::vector<double> logInputs() {
  std::vector<double> v = {0x1p-53, 0x1p-52, 1e-300, 2.2250738585072014e-308, 0.5, 0.7071067811865475, 0.7071067811865476, 1.0, 1.4142135623730951,
                           1.4142135623730954, 2.0, 1e300, std::nextafter(1.0, 0.0)};
  uint64_t state = 1;
  while (v.size() % kGroups != 0 || v.size() < 4096) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    v.push_back(uniformOpen(static_cast<uint32_t>(state >> 32), static_cast<uint32_t>(state)));
  }
  return v;
}

std::vector<double> sinCosInputs() {
  std::vector<double> v;
  for (double q : {0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0}) {
    v.push_back(q);
    if (q > 0) v.push_back(std::nextafter(q, 0.0));
    if (q < 2) v.push_back(std::nextafter(q, 3.0));
  }
  uint64_t state = 7;
  while (v.size() % kGroups != 0 || v.size() < 4096) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    v.push_back(2.0 * uniformOpen(static_cast<uint32_t>(state >> 32), static_cast<uint32_t>(state)));
  }
  return v;
}

std::vector<double> expInputs() {
  const double inf = std::numeric_limits<double>::infinity(), lo = -708.3964185322641, hi = 709.782712893384;
  std::vector<double> v = {-inf, inf, std::nan(""), -1000.0, lo, std::nextafter(lo, 0.0), std::nextafter(lo, -inf), -0.0, 0.0, 1e-300,
                           -0.34657359027997264, 0.34657359027997264, hi, std::nextafter(hi, 0.0), std::nextafter(hi, inf), 1000.0};
  uint64_t state = 11;
  while (v.size() % kGroups != 0 || v.size() < 4096) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    v.push_back(-60.0 * uniformOpen(static_cast<uint32_t>(state >> 32), static_cast<uint32_t>(state)) + 5.0);
  }
  return v;
}

std::vector<uint32_t> wordInputs(size_t count) {
  std::vector<uint32_t> w = {0u, 0u, 0u, 0u, ~0u, ~0u, ~0u, ~0u, 0u, 0u, ~0u, ~0u, ~0u, ~0u, 0u, 0u};
  uint64_t state = 13;
  while (w.size() < 4 * count) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    w.push_back(static_cast<uint32_t>(state >> 32));
  }
  return w;
}

// The interleaved functions over n = G·m values, value g·m + i in group position g of lane i
// (the layout the sampler's kernels use: G rows of lanes).
#define DW2_INTERLEAVED_RUNNERS(SUFFIX, ATTR)                                                                                     \
  template <int G>                                                                                                               \
  ATTR void logRun##SUFFIX(const double* x, size_t m, double* out) {                                                             \
    for (size_t i = 0; i < m; ++i) {                                                                                             \
      double a[G], b[G];                                                                                                         \
      for (int g = 0; g < G; ++g) a[g] = x[g * m + i];                                                                           \
      interleaved::log<G>(a, b);                                                                                                 \
      for (int g = 0; g < G; ++g) out[g * m + i] = b[g];                                                                         \
    }                                                                                                                            \
  }                                                                                                                              \
  template <int G>                                                                                                               \
  ATTR void expRun##SUFFIX(const double* x, size_t m, double* out) {                                                             \
    for (size_t i = 0; i < m; ++i) {                                                                                             \
      double a[G], b[G];                                                                                                         \
      for (int g = 0; g < G; ++g) a[g] = x[g * m + i];                                                                           \
      interleaved::exp<G>(a, b);                                                                                                 \
      for (int g = 0; g < G; ++g) out[g * m + i] = b[g];                                                                         \
    }                                                                                                                            \
  }                                                                                                                              \
  template <int G>                                                                                                               \
  ATTR void sinCosRun##SUFFIX(const double* x, size_t m, double* s, double* c) {                                                 \
    for (size_t i = 0; i < m; ++i) {                                                                                             \
      double a[G], sa[G], ca[G];                                                                                                 \
      for (int g = 0; g < G; ++g) a[g] = x[g * m + i];                                                                           \
      interleaved::sinCosPi<G>(a, sa, ca);                                                                                       \
      for (int g = 0; g < G; ++g) {                                                                                              \
        s[g * m + i] = sa[g];                                                                                                    \
        c[g * m + i] = ca[g];                                                                                                    \
      }                                                                                                                          \
    }                                                                                                                            \
  }                                                                                                                              \
  template <int G>                                                                                                               \
  ATTR void pairRun##SUFFIX(const uint32_t* w, size_t m, double* first, double* second) {                                        \
    for (size_t i = 0; i < m; ++i) {                                                                                             \
      uint32_t k[4][G];                                                                                                          \
      double f[G], s[G];                                                                                                         \
      for (int g = 0; g < G; ++g)                                                                                                \
        for (int j = 0; j < 4; ++j) k[j][g] = w[4 * (g * m + i) + j];                                                            \
      normalPairsFromWords<G>(k[0], k[1], k[2], k[3], f, s);                                                                     \
      for (int g = 0; g < G; ++g) {                                                                                              \
        first[g * m + i] = f[g];                                                                                                 \
        second[g * m + i] = s[g];                                                                                                \
      }                                                                                                                          \
    }                                                                                                                            \
  }

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
DW2_INTERLEAVED_RUNNERS(Avx512, __attribute__((target("avx512f"))))
DW2_INTERLEAVED_RUNNERS(Avx2, __attribute__((target("avx2"))))
#endif
DW2_INTERLEAVED_RUNNERS(Baseline, )

int failures = 0;

bool sameBits(const std::vector<double>& a, const std::vector<double>& b, const char* what, const char* path, int G) {
  for (size_t i = 0; i < a.size(); ++i)
    if (std::memcmp(&a[i], &b[i], sizeof(double)) != 0) {
      std::printf("FAIL: %s on %s, G = %d, value %zu: %.17g vs scalar %.17g\n", what, path, G, i, b[i], a[i]);
      ++failures;
      return false;
    }
  return true;
}

template <int G, class LogRun, class ExpRun, class SinCosRun, class PairRun>
void check(const char* path, LogRun logRun, ExpRun expRun, SinCosRun sinCosRun, PairRun pairRun) {
  const std::vector<double> lx = logInputs(), ex = expInputs(), sx = sinCosInputs();
  std::vector<double> want(lx.size()), got(lx.size());
  for (size_t i = 0; i < lx.size(); ++i) want[i] = deterministicLog(lx[i]);
  logRun(lx.data(), lx.size() / G, got.data());
  bool ok = sameBits(want, got, "log", path, G);
  want.assign(ex.size(), 0.0), got.assign(ex.size(), 0.0);
  for (size_t i = 0; i < ex.size(); ++i) want[i] = deterministicExp(ex[i]);
  expRun(ex.data(), ex.size() / G, got.data());
  ok = sameBits(want, got, "exp", path, G) && ok;
  std::vector<double> ws(sx.size()), wc(sx.size()), gs(sx.size()), gc(sx.size());
  for (size_t i = 0; i < sx.size(); ++i) deterministicSinCosPi(sx[i], &ws[i], &wc[i]);
  sinCosRun(sx.data(), sx.size() / G, gs.data(), gc.data());
  ok = sameBits(ws, gs, "sin(πx)", path, G) && sameBits(wc, gc, "cos(πx)", path, G) && ok;
  const size_t pairs = 4096;
  const std::vector<uint32_t> w = wordInputs(pairs);
  std::vector<double> wf(pairs), wsec(pairs), gf(pairs), gsec(pairs);
  for (size_t i = 0; i < pairs; ++i) {
    const NormalPair z = normalPairFromWords(w[4 * i], w[4 * i + 1], w[4 * i + 2], w[4 * i + 3]);
    wf[i] = z.first, wsec[i] = z.second;
  }
  pairRun(w.data(), pairs / G, gf.data(), gsec.data());
  ok = sameBits(wf, gf, "Box–Muller first", path, G) && sameBits(wsec, gsec, "Box–Muller second", path, G) && ok;
  if (ok) std::printf("ok: %s G = %d\n", path, G);
}

}  // namespace

int main() {
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) {
    check<4>("avx512f", logRunAvx512<4>, expRunAvx512<4>, sinCosRunAvx512<4>, pairRunAvx512<4>);
    check<1>("avx512f", logRunAvx512<1>, expRunAvx512<1>, sinCosRunAvx512<1>, pairRunAvx512<1>);
  } else {
    std::printf("skipped: avx512f\n");
  }
  if (__builtin_cpu_supports("avx2")) {
    check<4>("avx2", logRunAvx2<4>, expRunAvx2<4>, sinCosRunAvx2<4>, pairRunAvx2<4>);
  } else {
    std::printf("skipped: avx2\n");
  }
#endif
  check<4>("baseline", logRunBaseline<4>, expRunBaseline<4>, sinCosRunBaseline<4>, pairRunBaseline<4>);
  return failures == 0 ? 0 : 1;
}
