// Elementary functions built only from IEEE-exact operations (+, -, *, /, sqrt)
// with contraction disabled, so the CPU (every SIMD path) and the CUDA build
// produce bit-identical results. libm's log/sin/cos differ between glibc and
// CUDA in the last bits; these do not. Accuracy: a few ulp, ample for noise.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

// Always inlined: these are called from target_clones kernels, into which GCC inlines
// nothing of a different target otherwise (and then cannot vectorize the loop).
#if defined(__CUDACC__)
#define DW2_HD __host__ __device__
#else
#define DW2_HD __attribute__((always_inline))
#endif

namespace dw2 {

DW2_HD inline uint64_t bitsOf(double x) {
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  return u;
}
DW2_HD inline double fromBits(uint64_t u) {
  double x;
  memcpy(&x, &u, sizeof x);
  return x;
}

// Each function is written for G independent arguments at once, statement by statement: every
// operation is applied to all G values before the next one. Inside a loop that the compiler
// vectorizes over lanes, G > 1 chains (Horner steps, the division, the square root) then sit next to
// each other in the instruction stream, so their latencies overlap; one chain alone is longer than the
// out-of-order window can hide. Each value goes through the same operations in the same order
// whatever G is (no reassociation, no contraction), so G = 1 — the scalar functions below — and any
// G give the same bits.
namespace interleaved {
// Horner steps p ← p·s + c for every g, one coefficient at a time.
template <int G>
DW2_HD inline void hornerStep(double* p, const double* s, double c) {
  for (int g = 0; g < G; ++g) p[g] = p[g] * s[g] + c;
}

// Natural log for positive normal x: x = 2^e m, m in [√½, √2), log m = 2 atanh(f), f = (m−1)/(m+1).
// Branch-free so that loops over many values vectorize: m = high ? ½m₁ : m₁ is selected with a bit
// mask (a conditional would keep the AVX2 clone scalar); s = f² ≤ 0.0295, and 2 atanh(f) =
// 2f (1 + s/3 + s²/5 + …) is truncated at s^11 (error < 1e-19); ln 2 is split so e·ln2Hi is exact.
template <int G>
DW2_HD inline void log(const double* x, double* out) {
  double f[G], s[G], p[G], de[G];
  for (int g = 0; g < G; ++g) {
    const uint64_t u = bitsOf(x[g]);
    const double m1 = fromBits((u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
    const bool high = m1 > 1.4142135623730951;
    const uint64_t highMask = 0 - static_cast<uint64_t>(high);
    const double m = fromBits((bitsOf(0.5 * m1) & highMask) | (bitsOf(m1) & ~highMask));
    const int e = static_cast<int>(static_cast<int64_t>(u >> 52) & 0x7ff) - 1023 + static_cast<int>(high);
    de[g] = static_cast<double>(e);
    f[g] = (m - 1.0) / (m + 1.0);
  }
  for (int g = 0; g < G; ++g) s[g] = f[g] * f[g];
  for (int g = 0; g < G; ++g) p[g] = 1.0 / 23.0;
  hornerStep<G>(p, s, 1.0 / 21.0);
  hornerStep<G>(p, s, 1.0 / 19.0);
  hornerStep<G>(p, s, 1.0 / 17.0);
  hornerStep<G>(p, s, 1.0 / 15.0);
  hornerStep<G>(p, s, 1.0 / 13.0);
  hornerStep<G>(p, s, 1.0 / 11.0);
  hornerStep<G>(p, s, 1.0 / 9.0);
  hornerStep<G>(p, s, 1.0 / 7.0);
  hornerStep<G>(p, s, 1.0 / 5.0);
  hornerStep<G>(p, s, 1.0 / 3.0);
  const double ln2Hi = 6.93147180369123816490e-01, ln2Lo = 1.90821492927058770002e-10;
  for (int g = 0; g < G; ++g) {
    const double logm = 2.0 * f[g] + 2.0 * f[g] * (s[g] * p[g]);
    out[g] = de[g] * ln2Hi + (logm + de[g] * ln2Lo);
  }
}

// sin(πx) and cos(πx) for x in [0, 2]: nearest quarter turn q, remainder r in [−¼, ¼] (x − q/2 is
// exact, Sterbenz); Taylor series on |a| ≤ π/4 to a^21 and a^20 (error < 1e-18); then a rotation by q
// quarter turns, branch-free with bit masks: odd q swaps (sin, cos) → (cos, −sin), q & 2 negates both
// (flipping the sign bit is exactly the negation).
template <int G>
DW2_HD inline void sinCosPi(const double* x, double* sinOut, double* cosOut) {
  int q[G];
  double a2[G], a[G], s[G], c[G];
  for (int g = 0; g < G; ++g) {
    q[g] = static_cast<int>(2.0 * x[g] + 0.5);
    const double r = x[g] - 0.5 * static_cast<double>(q[g]);
    a[g] = r * 3.141592653589793;
    a2[g] = a[g] * a[g];
  }
  for (int g = 0; g < G; ++g) s[g] = -1.0 / 51090942171709440000.0;
  for (int g = 0; g < G; ++g) c[g] = 1.0 / 2432902008176640000.0;
  hornerStep<G>(s, a2, 1.0 / 121645100408832000.0);
  hornerStep<G>(c, a2, -1.0 / 6402373705728000.0);
  hornerStep<G>(s, a2, -1.0 / 355687428096000.0);
  hornerStep<G>(c, a2, 1.0 / 20922789888000.0);
  hornerStep<G>(s, a2, 1.0 / 1307674368000.0);
  hornerStep<G>(c, a2, -1.0 / 87178291200.0);
  hornerStep<G>(s, a2, -1.0 / 6227020800.0);
  hornerStep<G>(c, a2, 1.0 / 479001600.0);
  hornerStep<G>(s, a2, 1.0 / 39916800.0);
  hornerStep<G>(c, a2, -1.0 / 3628800.0);
  hornerStep<G>(s, a2, -1.0 / 362880.0);
  hornerStep<G>(c, a2, 1.0 / 40320.0);
  hornerStep<G>(s, a2, 1.0 / 5040.0);
  hornerStep<G>(c, a2, -1.0 / 720.0);
  hornerStep<G>(s, a2, -1.0 / 120.0);
  hornerStep<G>(c, a2, 1.0 / 24.0);
  hornerStep<G>(s, a2, 1.0 / 6.0);
  hornerStep<G>(c, a2, -0.5);
  for (int g = 0; g < G; ++g) {
    const double sinA = a[g] - a[g] * (a2[g] * s[g]);
    const double cosA = 1.0 + a2[g] * c[g];
    const uint64_t swapMask = 0 - static_cast<uint64_t>(q[g] & 1);
    const uint64_t signBit = static_cast<uint64_t>(q[g] & 2) << 62;
    const uint64_t sinBits = bitsOf(sinA), cosBits = bitsOf(cosA);
    const uint64_t negSinBits = sinBits ^ 0x8000000000000000ULL;
    sinOut[g] = fromBits(((cosBits & swapMask) | (sinBits & ~swapMask)) ^ signBit);
    cosOut[g] = fromBits(((negSinBits & swapMask) | (cosBits & ~swapMask)) ^ signBit);
  }
}

// eˣ with IEEE-only operations, relative error ~1e-16. Results below 2^−1022 (x < −708.39) flush to
// 0, x ≥ 709.78 gives +∞, −∞ and NaN give 0. Written so that GCC vectorizes loops over it on AVX2 and
// AVX-512F (with -ftrapping-math, conditionals would be sunk into a branch): the range checks select
// with bit masks; ±½ for rounding is copysign(½, x) (equal to x ≥ 0 ? ½ : −½ except at −0, where both
// round k to 0); k goes through a 32-bit integer (|k| ≤ 1025), which vector units convert without
// AVX-512DQ; |r| ≤ ½ ln 2 and the Taylor series to r^13 (truncation < 2e-17 relative).
template <int G>
DW2_HD inline void exp(const double* x, double* out) {
  double xc[G], kd[G], r[G], p[G];
  int32_t ki[G];
  uint64_t keep[G], infinity[G];
  for (int g = 0; g < G; ++g) {
    const double lo = -708.3964185322641, hi = 709.782712893384;
    const bool underflow = !(x[g] >= lo);
    const bool overflow = x[g] >= hi;
    keep[g] = 0 - static_cast<uint64_t>(!underflow & !overflow);
    infinity[g] = 0x7ff0000000000000ULL & (0 - static_cast<uint64_t>(overflow));
    xc[g] = fromBits(bitsOf(x[g]) & keep[g]);
    ki[g] = static_cast<int32_t>(xc[g] * 1.4426950408889634 + std::copysign(0.5, xc[g]));
    kd[g] = static_cast<double>(ki[g]);
  }
  const double ln2Hi = 6.93147180369123816490e-01, ln2Lo = 1.90821492927058770002e-10;
  for (int g = 0; g < G; ++g) r[g] = (xc[g] - kd[g] * ln2Hi) - kd[g] * ln2Lo;
  for (int g = 0; g < G; ++g) p[g] = 1.0 / 6227020800.0;
  hornerStep<G>(p, r, 1.0 / 479001600.0);
  hornerStep<G>(p, r, 1.0 / 39916800.0);
  hornerStep<G>(p, r, 1.0 / 3628800.0);
  hornerStep<G>(p, r, 1.0 / 362880.0);
  hornerStep<G>(p, r, 1.0 / 40320.0);
  hornerStep<G>(p, r, 1.0 / 5040.0);
  hornerStep<G>(p, r, 1.0 / 720.0);
  hornerStep<G>(p, r, 1.0 / 120.0);
  hornerStep<G>(p, r, 1.0 / 24.0);
  hornerStep<G>(p, r, 1.0 / 6.0);
  hornerStep<G>(p, r, 0.5);
  for (int g = 0; g < G; ++g) p[g] = p[g] * r[g] * r[g] + r[g] + 1.0;
  for (int g = 0; g < G; ++g) {
    const double scale = fromBits(static_cast<uint64_t>(static_cast<int64_t>(ki[g]) + 1023) << 52);
    const double y = p[g] * scale;
    out[g] = fromBits((bitsOf(y) & keep[g]) | infinity[g]);
  }
}

}  // namespace interleaved

DW2_HD inline double deterministicLog(double x) {
  double y;
  interleaved::log<1>(&x, &y);
  return y;
}

DW2_HD inline double deterministicExp(double x) {
  double y;
  interleaved::exp<1>(&x, &y);
  return y;
}

DW2_HD inline void deterministicSinCosPi(double x, double* sinOut, double* cosOut) { interleaved::sinCosPi<1>(&x, sinOut, cosOut); }

}  // namespace dw2
