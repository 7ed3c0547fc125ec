#include "targets/basis_kernels.h"
#include <cmath>
#include <cstdint>
#include "runtime/simd.h"
#include "targets/block_exponentials.h"
#include "targets/lanes.h"

namespace dw2 {

DW2_SIMD_CLONES void addFromBasisDiagonal(const double* basis, const double* c, size_t d, double* out) {
  for (size_t j = 0; j < d; ++j) {
    const double* row = basis + j * d;
    const double cj = c[j];
    if (cj == 0.0) continue;
    for (size_t a = 0; a < d; ++a) {
      const double ca = cj * row[a];
      double* o = out + a * d;
      for (size_t b = 0; b < d; ++b) o[b] += ca * row[b];
    }
  }
}

DW2_SIMD_CLONES void hessianFromBasis(const double* basis, const double* inverseEll, size_t d, double* out) {
  auto entry = [&](size_t a, size_t b) {
    double sum = 0.0;
    for (size_t j = 0; j < d; ++j) sum += basis[j * d + a] * (-inverseEll[j] * basis[j * d + b]);
    return sum;
  };
  size_t a = 0;
  for (; a + 4 <= d; a += 4) {
    size_t b = 0;
    for (; b + 8 <= d; b += 8) {
      Lanes8 acc[4] = {Lanes8{}, Lanes8{}, Lanes8{}, Lanes8{}};
      for (size_t j = 0; j < d; ++j) {
        const double* row = basis + j * d;
        const Lanes8 w = -inverseEll[j] * *lanes(row + b);
        for (size_t r = 0; r < 4; ++r) acc[r] += row[a + r] * w;
      }
      for (size_t r = 0; r < 4; ++r) *lanes(out + (a + r) * d + b) = acc[r];
    }
    for (; b < d; ++b)
      for (size_t r = 0; r < 4; ++r) out[(a + r) * d + b] = entry(a + r, b);
  }
  for (; a < d; ++a)
    for (size_t b = 0; b < d; ++b) out[a * d + b] = entry(a, b);
}

DW2_SIMD_CLONES void scaledSquaredDistances(const double* points, size_t m, size_t d, double alpha, const double* x, double* out) {
  for (size_t k = 0; k < m; ++k) {
    const double* p = points + k * d;
    double s = 0.0;
    for (size_t i = 0; i < d; ++i) {
      const double r = x[i] - alpha * p[i];
      s += r * r;
    }
    out[k] = s;
  }
}


DW2_SIMD_CLONES void diagonalMixtureScoresBlock(size_t K, size_t d, size_t rows, double alpha, const double* means,
                                                const double* inverseEll, const double* logWeights, const double* logNormaliser,
                                                const double* x, double* s, double* work) {
  constexpr size_t B = kMixtureBlock;
  double* __restrict xt = work;            // d × B: coordinate j of row i at j·B + i
  double* __restrict st = xt + d * B;      // d × B: the score, same layout
  double* __restrict logit = st + d * B;   // K × B: log-densities, then responsibilities
  double* __restrict acc = logit + K * B;  // B: quadratic forms, then the top logit, then the sum
  double* __restrict am = acc + B;         // K × d: α μ_k
  double* __restrict negIe = am + K * d;   // K × d: −1/ℓ_k
  // Rows past `rows` are padding (x = 0): computed, never written back.
  toColumns<B>(rows, d, x, xt);
  // The call's constants once (the same products and negations the loops would form per element).
  for (size_t q = 0; q < K * d; ++q) am[q] = alpha * means[q];
  for (size_t q = 0; q < K * d; ++q) negIe[q] = -inverseEll[q];

  // Per component: −½ Σ_j y_j²/ℓ_j with y = x − αμ_k (point_scores.h's component score), then
  // log w_k + · + log normaliser. −y·ℓ⁻¹ is computed as y·(−ℓ⁻¹): the same value bit for bit (a
  // product's sign is exact). The quadratic forms accumulate in registers (L vectors of 8 rows).
  constexpr size_t L = B / 8;
  static_assert(B % 8 == 0, "the block is whole vectors");
  for (size_t k = 0; k < K; ++k) {
    Lanes8 q[L];
    for (size_t l = 0; l < L; ++l) q[l] = Lanes8{};
    for (size_t j = 0; j < d; ++j) {
      const double amj = am[k * d + j], negIej = negIe[k * d + j];
      const Lanes8* xj = lanes(xt + j * B);
      for (size_t l = 0; l < L; ++l) {
        const Lanes8 y = xj[l] - amj;
        const Lanes8 sj = y * negIej;
        q[l] -= y * sj;
      }
    }
    double* __restrict lk = logit + k * B;
    const double lw = logWeights[k], ln = logNormaliser[k];
    for (size_t l = 0; l < L; ++l) lanes(lk)[l] = lw + -0.5 * q[l] + ln;
  }

  // point_scores.h's softmax, per row.
  for (size_t i = 0; i < B; ++i) acc[i] = -INFINITY;
  for (size_t k = 0; k < K; ++k) {
    const double* __restrict lk = logit + k * B;
    for (size_t i = 0; i < B; ++i) acc[i] = lk[i] > acc[i] ? lk[i] : acc[i];
  }
  expMinusTop<B>(K, logit, acc);
  for (size_t i = 0; i < B; ++i) acc[i] = 0.0;
  for (size_t k = 0; k < K; ++k) {
    const double* __restrict lk = logit + k * B;
    for (size_t i = 0; i < B; ++i) acc[i] += lk[i];
  }
  for (size_t i = 0; i < B; ++i) acc[i] = 1.0 / acc[i];
  for (size_t k = 0; k < K; ++k) {
    double* __restrict lk = logit + k * B;
    for (size_t i = 0; i < B; ++i) lk[i] *= acc[i];
  }

  // s = Σ_k r_k s_k, k in increasing order for every coordinate (accumulated in registers). The
  // component scores s_k = −(x − αμ_k)/ℓ_k are recomputed (the same operations, so the same
  // bits) rather than stored in the first pass: K·d·B doubles would not stay in L1 (measured:
  // storing them made the kernel 15% slower at d = 16, K = 8).
  for (size_t j = 0; j < d; ++j) {
    Lanes8 sum[L];
    for (size_t l = 0; l < L; ++l) sum[l] = Lanes8{};
    const Lanes8* xj = lanes(xt + j * B);
    for (size_t k = 0; k < K; ++k) {
      const Lanes8* rk = lanes(logit + k * B);
      const double amj = am[k * d + j], negIej = negIe[k * d + j];
      for (size_t l = 0; l < L; ++l) {
        const Lanes8 y = xj[l] - amj;
        const Lanes8 skj = y * negIej;
        sum[l] += rk[l] * skj;
      }
    }
    for (size_t l = 0; l < L; ++l) lanes(st + j * B)[l] = sum[l];
  }
  fromColumns<B>(rows, d, st, s);
}

}  // namespace dw2
