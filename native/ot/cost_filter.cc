#include "ot/cost_filter.h"
#include <algorithm>
#include <cfloat>
#include <cmath>
#include "runtime/simd.h"

namespace dw2::ot {

namespace {

constexpr size_t kTile = 32;    // columns per register tile (4 rows x 32 columns of float sums)
constexpr size_t kPanel = 512;  // columns per cache panel: d x 512 floats of b stay in L2

// Estimates need no bit-reproducibility (their margin covers any rounding), so this
// kernel alone may fuse multiply-adds: x86-64-v3/v4 have FMA.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && !defined(__CUDACC__)
#define DW2_FMA_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"), optimize("fp-contract=fast")))
#else
#define DW2_FMA_CLONES
#endif

// Estimated costs of rows r < rows (a multiple of 4) against all m columns:
// out[r][j] = (ra[r] + rb[j]) - scale2 * sum_k A[r][k] bT[k][j], the sum in float32 by a
// register-tiled matrix product whose panels of b are reused by all rows.
DW2_FMA_CLONES void estimateBlock(const float* A, const double* ra, size_t rows, size_t d, const float* bT,
                                  const double* rb, double scale2, size_t m, double* const* out) {
  for (size_t p0 = 0; p0 < m; p0 += kPanel) {
    const size_t pEnd = std::min(m, p0 + kPanel);
    for (size_t r = 0; r < rows; r += 4) {
      const float *x0 = A + r * d, *x1 = x0 + d, *x2 = x1 + d, *x3 = x2 + d;
      double *o0 = out[r], *o1 = out[r + 1], *o2 = out[r + 2], *o3 = out[r + 3];
      const double r0 = ra[r], r1 = ra[r + 1], r2 = ra[r + 2], r3 = ra[r + 3];
      size_t j = p0;
      for (; j + kTile <= pEnd; j += kTile) {
        float s0[kTile] = {}, s1[kTile] = {}, s2[kTile] = {}, s3[kTile] = {};
        for (size_t k = 0; k < d; ++k) {
          const float* y = bT + k * m + j;
          const float c0 = x0[k], c1 = x1[k], c2 = x2[k], c3 = x3[k];
          for (size_t t = 0; t < kTile; ++t) {
            s0[t] += c0 * y[t];
            s1[t] += c1 * y[t];
            s2[t] += c2 * y[t];
            s3[t] += c3 * y[t];
          }
        }
        for (size_t t = 0; t < kTile; ++t) {
          o0[j + t] = (r0 + rb[j + t]) - scale2 * double(s0[t]);
          o1[j + t] = (r1 + rb[j + t]) - scale2 * double(s1[t]);
          o2[j + t] = (r2 + rb[j + t]) - scale2 * double(s2[t]);
          o3[j + t] = (r3 + rb[j + t]) - scale2 * double(s3[t]);
        }
      }
      for (; j < pEnd; ++j)
        for (size_t q = 0; q < 4; ++q) {
          float s = 0.0f;
          for (size_t k = 0; k < d; ++k) s += A[(r + q) * d + k] * bT[k * m + j];
          out[r + q][j] = (ra[r + q] + rb[j]) - scale2 * double(s);
        }
    }
  }
}

double dot(const double* x, const double* y, size_t d) {
  double s = 0.0;
  for (size_t k = 0; k < d; ++k) s += x[k] * y[k];
  return s;
}

double squaredNorm(const double* x, size_t d) {
  double s = 0.0;
  for (size_t k = 0; k < d; ++k) s += x[k] * x[k];
  return s;
}

std::vector<double> meanOf(const Cloud& c) {
  std::vector<double> mean(c.d, 0.0);
  for (size_t i = 0; i < c.n; ++i)
    for (size_t k = 0; k < c.d; ++k) mean[k] += c.x[i * c.d + k];
  for (double& x : mean) x /= double(std::max<size_t>(1, c.n));
  return mean;
}

// x - centre for each point, as float64 rows, with the largest norm.
std::vector<double> centred(const Cloud& c, const std::vector<double>& centre, double& widest) {
  std::vector<double> out(c.n * c.d);
  widest = 0.0;
  for (size_t i = 0; i < c.n; ++i) {
    for (size_t k = 0; k < c.d; ++k) out[i * c.d + k] = c.x[i * c.d + k] - centre[k];
    widest = std::max(widest, std::sqrt(squaredNorm(&out[i * c.d], c.d)));
  }
  return out;
}

}  // namespace

// With a'' = a - mean(a), b'' = b - mean(b), delta = mean(a) - mean(b):
//   |a - b|^2 = (|a''|^2 + 2 a''.delta) + (|b''|^2 - 2 b''.delta) + |delta|^2 - 2 a''.b''.
// The row and column terms are float64; only a''.b'' (the matrix product) is float32, on
// coordinates scaled by a power of two s (exact) to unit size. Error bound (u = 2^-24 for
// float32, U = 2^-53 for float64, gamma_k = k u / (1 - k u), Higham's dot product bound
// |fl(x.y) - x.y| <= gamma_k sum |x_k y_k|):
//  * rounding a'', b'' to float32 moves a''.b'' by at most (2u + u^2) |a''| |b''|, the
//    float32 product adds gamma_d (1 + u)^2 |a''| |b''|: in total (d + 3) u |a''| |b''|,
//    doubled in the estimate;
//  * the float64 parts (centring, the row and column terms, the final sums) and the
//    exact cost's own rounding (gamma_{d+1} |a - b|^2) stay below
//    (4d + 16) U (|a''| + |b''| + |delta|)^2.
// The margin takes twice both (which also covers the rounding of the norms it is
// computed from) with the largest |b''|.
ExpandedCosts::ExpandedCosts(const Cloud& a, const Cloud& b) : n_(a.n), m_(b.n), d_(a.d), ra_(a.n), rb_(b.n), margin_(a.n) {
  const std::vector<double> ca = meanOf(a), cb = meanOf(b);
  std::vector<double> delta(d_);
  for (size_t k = 0; k < d_; ++k) delta[k] = ca[k] - cb[k];
  const double delta2 = squaredNorm(delta.data(), d_);
  double widestA = 0.0, widestB = 0.0;
  const std::vector<double> xa = centred(a, ca, widestA), xb = centred(b, cb, widestB);
  const int e = std::ilogb(std::max({widestA, widestB, DBL_MIN})) + 1;  // coordinates / 2^e in (-1, 1)
  scale2_ = 2.0 * std::ldexp(1.0, 2 * e);
  a_.resize(n_ * d_);
  bT_.resize(m_ * d_);
  for (size_t i = 0; i < n_; ++i) {
    const double* x = &xa[i * d_];
    for (size_t k = 0; k < d_; ++k) a_[i * d_ + k] = float(std::ldexp(x[k], -e));
    ra_[i] = squaredNorm(x, d_) + 2.0 * dot(x, delta.data(), d_) + delta2;
  }
  for (size_t j = 0; j < m_; ++j) {
    const double* y = &xb[j * d_];
    for (size_t k = 0; k < d_; ++k) bT_[k * m_ + j] = float(std::ldexp(y[k], -e));
    rb_[j] = squaredNorm(y, d_) - 2.0 * dot(y, delta.data(), d_);
  }
  const double u = std::ldexp(1.0, -24), U = DBL_EPSILON / 2.0, dd = double(d_);
  usable_ = scale2_ >= std::ldexp(1.0, -960) && scale2_ <= std::ldexp(1.0, 960) && dd * u < 1e-3;
  const double tiny = dd * std::ldexp(1.0, 2 * e - 120);  // float32 underflow of scaled coordinates
  for (size_t i = 0; i < n_; ++i) {
    const double na = std::sqrt(squaredNorm(&xa[i * d_], d_));
    const double r = na + widestB + std::sqrt(delta2);
    margin_[i] = 2.0 * (2.0 * (dd + 3.0) * u * na * widestB + (4.0 * dd + 16.0) * U * r * r) + tiny + DBL_MIN;
  }
}

double ExpandedCosts::bytes() const { return 4.0 * double(a_.size() + bT_.size()) + 8.0 * double(ra_.size() + rb_.size() + margin_.size()); }

void ExpandedCosts::rows(const int64_t* idx, size_t count, double* out, size_t ld, std::vector<float>& scratch) const {
  constexpr size_t kBlock = 32;  // rows per pass over b
  thread_local std::vector<double> padding;  // where the rows that fill the last group of 4 go
  padding.resize(m_);
  for (size_t t0 = 0; t0 < count; t0 += kBlock) {
    const size_t cnt = std::min(kBlock, count - t0), padded = (cnt + 3) / 4 * 4;
    scratch.resize(padded * d_);
    double ra[kBlock];
    double* rowsOut[kBlock];
    for (size_t t = 0; t < padded; ++t) {
      const size_t i = size_t(idx[t0 + std::min(t, cnt - 1)]);  // padding repeats the last row
      std::copy_n(&a_[i * d_], d_, &scratch[t * d_]);
      ra[t] = ra_[i];
      rowsOut[t] = t < cnt ? out + (t0 + t) * ld : padding.data();
    }
    estimateBlock(scratch.data(), ra, padded, d_, bT_.data(), rb_.data(), scale2_, m_, rowsOut);
  }
}

}  // namespace dw2::ot
