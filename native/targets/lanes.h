// Eight doubles as one value (GCC vector extension) for block kernels that keep accumulators in
// registers, and the block layout's transposes. The AVX2 and baseline clones split a Lanes8 into
// narrower registers. Arithmetic on lanes is elementwise IEEE arithmetic, so each lane computes
// exactly what scalar code would; the transposes only move bits.
#pragma once
#include <cstddef>
#include <cstdint>

namespace dw2 {

typedef double Lanes8 __attribute__((vector_size(64), aligned(8)));
typedef int64_t LaneIndex8 __attribute__((vector_size(64)));

inline Lanes8* lanes(double* p) { return reinterpret_cast<Lanes8*>(p); }
inline const Lanes8* lanes(const double* p) { return reinterpret_cast<const Lanes8*>(p); }

// In place: v[r][c] ↔ v[c][r], by three rounds of two-vector shuffles (1×1, 2×2, then 4×4 blocks).
__attribute__((always_inline)) inline void transpose8(Lanes8 v[8]) {
  const LaneIndex8 even = {0, 8, 2, 10, 4, 12, 6, 14}, odd = {1, 9, 3, 11, 5, 13, 7, 15};
  const LaneIndex8 low2 = {0, 1, 8, 9, 4, 5, 12, 13}, high2 = {2, 3, 10, 11, 6, 7, 14, 15};
  const LaneIndex8 low4 = {0, 1, 2, 3, 8, 9, 10, 11}, high4 = {4, 5, 6, 7, 12, 13, 14, 15};
  Lanes8 s[8], u[8];
  for (int p = 0; p < 8; p += 2) {
    s[p] = __builtin_shuffle(v[p], v[p + 1], even);
    s[p + 1] = __builtin_shuffle(v[p], v[p + 1], odd);
  }
  const int pairs[4] = {0, 1, 4, 5};
  for (int p : pairs) {
    u[p] = __builtin_shuffle(s[p], s[p + 2], low2);
    u[p + 2] = __builtin_shuffle(s[p], s[p + 2], high2);
  }
  for (int p = 0; p < 4; ++p) {
    v[p] = __builtin_shuffle(u[p], u[p + 4], low4);
    v[p + 4] = __builtin_shuffle(u[p], u[p + 4], high4);
  }
}

// The block layout: rows × d row-major x ↔ d × B columns (coordinate j of row i at j·B + i).
// Whole 8 × 8 tiles go through transpose8, the rest element by element. toColumns zero-fills
// the padding rows rows … B − 1.
template <size_t B>
__attribute__((always_inline)) inline void toColumns(size_t rows, size_t d, const double* x, double* __restrict xt) {
  size_t i0 = 0;
  if constexpr (B % 8 == 0) {
    for (; i0 + 8 <= rows; i0 += 8) {
      size_t j0 = 0;
      for (; j0 + 8 <= d; j0 += 8) {
        Lanes8 v[8];
        for (size_t r = 0; r < 8; ++r) v[r] = *lanes(x + (i0 + r) * d + j0);
        transpose8(v);
        for (size_t c = 0; c < 8; ++c) *lanes(xt + (j0 + c) * B + i0) = v[c];
      }
      for (size_t i = i0; i < i0 + 8; ++i)
        for (size_t j = j0; j < d; ++j) xt[j * B + i] = x[i * d + j];
    }
  }
  for (size_t i = i0; i < rows; ++i)
    for (size_t j = 0; j < d; ++j) xt[j * B + i] = x[i * d + j];
  for (size_t j = 0; j < d; ++j)
    for (size_t i = rows; i < B; ++i) xt[j * B + i] = 0.0;
}

// fromColumns into rows `stride` doubles apart (d ≤ stride columns of each row written).
template <size_t B>
__attribute__((always_inline)) inline void fromColumns(size_t rows, size_t d, const double* __restrict st, double* s, size_t stride) {
  size_t i0 = 0;
  if constexpr (B % 8 == 0) {
    for (; i0 + 8 <= rows; i0 += 8) {
      size_t j0 = 0;
      for (; j0 + 8 <= d; j0 += 8) {
        Lanes8 v[8];
        for (size_t c = 0; c < 8; ++c) v[c] = *lanes(st + (j0 + c) * B + i0);
        transpose8(v);
        for (size_t r = 0; r < 8; ++r) *lanes(s + (i0 + r) * stride + j0) = v[r];
      }
      for (size_t i = i0; i < i0 + 8; ++i)
        for (size_t j = j0; j < d; ++j) s[i * stride + j] = st[j * B + i];
    }
  }
  for (size_t i = i0; i < rows; ++i)
    for (size_t j = 0; j < d; ++j) s[i * stride + j] = st[j * B + i];
}
template <size_t B>
__attribute__((always_inline)) inline void fromColumns(size_t rows, size_t d, const double* __restrict st, double* s) {
  fromColumns<B>(rows, d, st, s, d);
}

}  // namespace dw2
