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

// Natural log for positive normal x: x = 2^e m, m in [√½, √2), log m = 2 atanh(f), f = (m−1)/(m+1).
DW2_HD inline double deterministicLog(double x) {
  // Branch-free so that loops over many values vectorize.
  const uint64_t u = bitsOf(x);
  const double m1 = fromBits((u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);  // [1, 2)
  const bool high = m1 > 1.4142135623730951;
  // m = high ? ½m₁ : m₁, selected with a bit mask (a conditional would keep the AVX2 clone scalar).
  const uint64_t highMask = 0 - static_cast<uint64_t>(high);
  const double m = fromBits((bitsOf(0.5 * m1) & highMask) | (bitsOf(m1) & ~highMask));
  const int e = static_cast<int>(static_cast<int64_t>(u >> 52) & 0x7ff) - 1023 + static_cast<int>(high);
  const double f = (m - 1.0) / (m + 1.0);
  const double s = f * f;  // s <= 0.0295
  // 2 atanh(f) = 2f (1 + s/3 + s²/5 + …); truncated at s^11 (error < 1e-19).
  double p = 1.0 / 23.0;
  p = p * s + 1.0 / 21.0;
  p = p * s + 1.0 / 19.0;
  p = p * s + 1.0 / 17.0;
  p = p * s + 1.0 / 15.0;
  p = p * s + 1.0 / 13.0;
  p = p * s + 1.0 / 11.0;
  p = p * s + 1.0 / 9.0;
  p = p * s + 1.0 / 7.0;
  p = p * s + 1.0 / 5.0;
  p = p * s + 1.0 / 3.0;
  const double logm = 2.0 * f + 2.0 * f * (s * p);
  const double ln2Hi = 6.93147180369123816490e-01;  // ln 2 split so e·ln2Hi is exact
  const double ln2Lo = 1.90821492927058770002e-10;
  const double de = static_cast<double>(e);
  return de * ln2Hi + (logm + de * ln2Lo);
}

// eˣ with IEEE-only operations, relative error ~1e-16. Results below 2^−1022 (x < −708.39)
// flush to 0, x ≥ 709.78 gives +∞, −∞ and NaN give 0. Written so that GCC vectorizes loops
// over it on AVX2 and AVX-512F (with -ftrapping-math, conditionals would be sunk into a
// branch): the range checks select with bit masks; ±½ for rounding is copysign(½, x)
// (equal to x ≥ 0 ? ½ : −½ except at −0, where both round k to 0); k goes through a 32-bit
// integer (|k| ≤ 1025), which vector units convert without AVX-512DQ.
DW2_HD inline double deterministicExp(double x) {
  const double lo = -708.3964185322641, hi = 709.782712893384;
  const bool underflow = !(x >= lo);
  const bool overflow = x >= hi;
  const uint64_t keep = 0 - static_cast<uint64_t>(!underflow & !overflow);
  const double xc = fromBits(bitsOf(x) & keep);
  const int32_t ki = static_cast<int32_t>(xc * 1.4426950408889634 + std::copysign(0.5, xc));
  const double kd = static_cast<double>(ki);
  const double ln2Hi = 6.93147180369123816490e-01, ln2Lo = 1.90821492927058770002e-10;
  const double r = (xc - kd * ln2Hi) - kd * ln2Lo;  // |r| <= ½ ln 2
  // Taylor series to r^13 (truncation < 2e-17 relative).
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r * r + r + 1.0;
  const double scale = fromBits(static_cast<uint64_t>(static_cast<int64_t>(ki) + 1023) << 52);
  const double y = p * scale;
  const uint64_t infinity = 0x7ff0000000000000ULL & (0 - static_cast<uint64_t>(overflow));
  return fromBits((bitsOf(y) & keep) | infinity);
}

// sin(πx) and cos(πx) for x in [0, 2].
DW2_HD inline void deterministicSinCosPi(double x, double* sinOut, double* cosOut) {
  // Nearest quarter turn q, remainder r in [−¼, ¼]; x − q/2 is exact (Sterbenz).
  const int q = static_cast<int>(2.0 * x + 0.5);
  const double r = x - 0.5 * static_cast<double>(q);
  const double a = r * 3.141592653589793;
  const double a2 = a * a;
  // Taylor series on |a| <= π/4, to a^21 and a^20 (error < 1e-18).
  double s = -1.0 / 51090942171709440000.0;
  s = s * a2 + 1.0 / 121645100408832000.0;
  s = s * a2 - 1.0 / 355687428096000.0;
  s = s * a2 + 1.0 / 1307674368000.0;
  s = s * a2 - 1.0 / 6227020800.0;
  s = s * a2 + 1.0 / 39916800.0;
  s = s * a2 - 1.0 / 362880.0;
  s = s * a2 + 1.0 / 5040.0;
  s = s * a2 - 1.0 / 120.0;
  s = s * a2 + 1.0 / 6.0;
  const double sinA = a - a * (a2 * s);
  double c = 1.0 / 2432902008176640000.0;
  c = c * a2 - 1.0 / 6402373705728000.0;
  c = c * a2 + 1.0 / 20922789888000.0;
  c = c * a2 - 1.0 / 87178291200.0;
  c = c * a2 + 1.0 / 479001600.0;
  c = c * a2 - 1.0 / 3628800.0;
  c = c * a2 + 1.0 / 40320.0;
  c = c * a2 - 1.0 / 720.0;
  c = c * a2 + 1.0 / 24.0;
  c = c * a2 - 0.5;
  const double cosA = 1.0 + a2 * c;
  // Rotate by q quarter turns, branch-free with bit masks (conditionals keep the AVX2 clone
  // scalar): odd q swaps (sin, cos) → (cos, −sin), q & 2 negates both. Flipping the sign bit is
  // exactly the negation (and multiplication by −1).
  const uint64_t swapMask = 0 - static_cast<uint64_t>(q & 1);
  const uint64_t signBit = static_cast<uint64_t>(q & 2) << 62;
  const uint64_t sinBits = bitsOf(sinA), cosBits = bitsOf(cosA);
  const uint64_t negSinBits = sinBits ^ 0x8000000000000000ULL;
  *sinOut = fromBits(((cosBits & swapMask) | (sinBits & ~swapMask)) ^ signBit);
  *cosOut = fromBits(((negSinBits & swapMask) | (cosBits & ~swapMask)) ^ signBit);
}

}  // namespace dw2
