#include "targets/mixture_block.h"
#include <cmath>
#include "random/deterministic_math.h"
#include "runtime/simd.h"
#include "targets/lanes.h"

namespace dw2 {

namespace {

// B rows as values: Lanes8 vectors when B is a multiple of 8, else single doubles (B = 1).
// (A specialization rather than std::conditional: a template argument would drop Lanes8's
// aligned(8) attribute, and unaligned loads would then fault.)
template <size_t B, bool Vector = B % 8 == 0>
struct RowType {
  typedef double type;
};
template <size_t B>
struct RowType<B, true> {
  typedef Lanes8 type;
};
template <size_t B>
using Row = typename RowType<B>::type;
constexpr size_t rowValues(size_t B) { return B % 8 == 0 ? B / 8 : B; }
template <size_t B>
inline Row<B>* rowsAt(double* p) { return reinterpret_cast<Row<B>*>(p); }
template <size_t B>
inline const Row<B>* rowsAt(const double* p) { return reinterpret_cast<const Row<B>*>(p); }

// out[a] = Σ_b P[a][b] y[b] for B rows (P: rows × d; y: d × B; out: rows × B), b in increasing
// order for every row. Four rows of P at a time keep 4·B accumulators in registers (the
// register blocking of a GEMM).
template <size_t B>
__attribute__((always_inline)) inline void matrixTimesBlock(size_t rows, size_t d, const double* __restrict P,
                                                            const double* __restrict y, double* __restrict out) {
  size_t a = 0;
  if constexpr (B % 8 == 0) {
    constexpr size_t L = B / 8;
    for (; a + 4 <= rows; a += 4) {
      Lanes8 acc[4][L];
      for (size_t r = 0; r < 4; ++r)
        for (size_t l = 0; l < L; ++l) acc[r][l] = Lanes8{};
      const double* p = P + a * d;
      for (size_t b = 0; b < d; ++b) {
        const Lanes8* yb = reinterpret_cast<const Lanes8*>(y + b * B);
        for (size_t r = 0; r < 4; ++r) {
          const double c = p[r * d + b];
          for (size_t l = 0; l < L; ++l) acc[r][l] += c * yb[l];
        }
      }
      for (size_t r = 0; r < 4; ++r)
        for (size_t l = 0; l < L; ++l) reinterpret_cast<Lanes8*>(out + (a + r) * B)[l] = acc[r][l];
    }
  }
  for (; a < rows; ++a) {
    double acc[B];
    for (size_t i = 0; i < B; ++i) acc[i] = 0.0;
    const double* pa = P + a * d;
    for (size_t b = 0; b < d; ++b)
      for (size_t i = 0; i < B; ++i) acc[i] += pa[b] * y[b * B + i];
    for (size_t i = 0; i < B; ++i) out[a * B + i] = acc[i];
  }
}

// r = softmax over K logits per row (point_scores.h's softmax operations, per row).
template <size_t B>
__attribute__((always_inline)) inline void softmaxRows(size_t K, double* __restrict logit, double* __restrict acc) {
  for (size_t i = 0; i < B; ++i) acc[i] = -INFINITY;
  for (size_t k = 0; k < K; ++k)
    for (size_t i = 0; i < B; ++i) acc[i] = logit[k * B + i] > acc[i] ? logit[k * B + i] : acc[i];
  for (size_t k = 0; k < K; ++k)
    for (size_t i = 0; i < B; ++i) logit[k * B + i] = deterministicExp(logit[k * B + i] - acc[i]);
  for (size_t i = 0; i < B; ++i) acc[i] = 0.0;
  for (size_t k = 0; k < K; ++k)
    for (size_t i = 0; i < B; ++i) acc[i] += logit[k * B + i];
  for (size_t i = 0; i < B; ++i) acc[i] = 1.0 / acc[i];
  for (size_t k = 0; k < K; ++k)
    for (size_t i = 0; i < B; ++i) logit[k * B + i] *= acc[i];
}

template <size_t B>
__attribute__((always_inline)) inline void fullMixtureBlock(size_t K, size_t d, size_t rows, double alpha, const double* means,
                                                            const double* hessian, const double* logWeights,
                                                            const double* logNormaliser, const double* x, double* s,
                                                            double* work) {
  double* __restrict xt = work;            // d × B
  double* __restrict y = xt + d * B;       // d × B
  double* __restrict st = y + d * B;       // d × B
  double* __restrict sk = st + d * B;      // K × d × B: every component's score
  double* __restrict logit = sk + K * d * B;  // K × B
  double* __restrict acc = logit + K * B;  // B
  // Rows past `rows` are padding (x = 0): computed, never written back.
  toColumns<B>(rows, d, x, xt);

  // Accumulators live in registers: L values of V (8-row vectors, or single rows when B = 1).
  using V = Row<B>;
  constexpr size_t L = rowValues(B);
  for (size_t k = 0; k < K; ++k) {
    const double* mu = means + k * d;
    for (size_t j = 0; j < d; ++j) {
      const double am = alpha * mu[j];
      for (size_t i = 0; i < B; ++i) y[j * B + i] = xt[j * B + i] - am;
    }
    double* __restrict s_k = sk + k * d * B;
    matrixTimesBlock<B>(d, d, hessian + k * d * d, y, s_k);
    V q[L];
    for (size_t l = 0; l < L; ++l) q[l] = V{};
    for (size_t j = 0; j < d; ++j) {
      const V* yj = rowsAt<B>(y + j * B);
      const V* sj = rowsAt<B>(s_k + j * B);
      for (size_t l = 0; l < L; ++l) q[l] -= yj[l] * sj[l];
    }
    const double lw = logWeights[k], ln = logNormaliser[k];
    for (size_t l = 0; l < L; ++l) rowsAt<B>(logit + k * B)[l] = lw + (ln - 0.5 * q[l]);
  }
  softmaxRows<B>(K, logit, acc);
  // s = Σ_k r_k s_k, k in increasing order for every coordinate. Components with r_k = 0 add
  // exactly +0 (as if skipped), even where their score overflowed (0 · ∞ would be NaN).
  for (size_t j = 0; j < d; ++j) {
    V sum[L];
    for (size_t l = 0; l < L; ++l) sum[l] = V{};
    for (size_t k = 0; k < K; ++k) {
      const V* rk = rowsAt<B>(logit + k * B);
      const V* skj = rowsAt<B>(sk + (k * d + j) * B);
      for (size_t l = 0; l < L; ++l) sum[l] += rk[l] == 0 ? V{} : rk[l] * skj[l];
    }
    for (size_t l = 0; l < L; ++l) rowsAt<B>(st + j * B)[l] = sum[l];
  }
  fromColumns<B>(rows, d, st, s);
}

// Weighted sums of m points, r (m × B) → x̄ (d × B): x̄_j = Σ_k r_k p_kj in increasing k for
// every row. Chunks of points keep their weights in L1 while four coordinates at a time
// accumulate in registers.
template <size_t B>
__attribute__((always_inline)) inline void weightedPointSums(size_t m, size_t d, const double* __restrict points,
                                                             const double* __restrict r, double* __restrict xbar) {
  constexpr size_t kChunk = 96;
  for (size_t j = 0; j < d * B; ++j) xbar[j] = 0.0;
  for (size_t k0 = 0; k0 < m; k0 += kChunk) {
    const size_t k1 = k0 + kChunk < m ? k0 + kChunk : m;
    size_t j = 0;
    if constexpr (B % 8 == 0) {
      constexpr size_t L = B / 8;
      for (; j + 4 <= d; j += 4) {
        Lanes8 acc[4][L];
        for (size_t q = 0; q < 4; ++q)
          for (size_t l = 0; l < L; ++l) acc[q][l] = reinterpret_cast<const Lanes8*>(xbar + (j + q) * B)[l];
        for (size_t k = k0; k < k1; ++k) {
          const Lanes8* rk = reinterpret_cast<const Lanes8*>(r + k * B);
          const double* pk = points + k * d + j;
          for (size_t q = 0; q < 4; ++q)
            for (size_t l = 0; l < L; ++l) acc[q][l] += rk[l] * pk[q];
        }
        for (size_t q = 0; q < 4; ++q)
          for (size_t l = 0; l < L; ++l) reinterpret_cast<Lanes8*>(xbar + (j + q) * B)[l] = acc[q][l];
      }
    }
    for (; j < d; ++j)
      for (size_t k = k0; k < k1; ++k)
        for (size_t i = 0; i < B; ++i) xbar[j * B + i] += r[k * B + i] * points[k * d + j];
  }
}

// The empirical score (the ideal denoiser): logits ℓ_k = (α x·p_k − ½α²|p_k|²)/σ², which are
// −|x − αp_k|²/(2σ²) up to the k-independent −|x|²/(2σ²) that softmax cancels; r = softmax(ℓ),
// x̄ = Σ r_k p_k, s = −(x − αx̄)/σ².
template <size_t B>
__attribute__((always_inline)) inline void empiricalBlock(size_t m, size_t d, size_t rows, double alpha, double sigma2,
                                                          const double* points, const double* halfSquaredNorms,
                                                          const double* x, double* s, double* work) {
  double* __restrict xt = work;          // d × B
  double* __restrict xbar = xt + d * B;  // d × B
  double* __restrict top = xbar + d * B; // B
  double* __restrict sum = top + B;      // B
  double* __restrict logit = sum + B;    // m × B
  toColumns<B>(rows, d, x, xt);
  matrixTimesBlock<B>(m, d, points, xt, logit);
  const double a2 = alpha * alpha, inverseSigma2 = 1.0 / sigma2;
  // Separate loops for the elementwise work and the per-row max and sum, so that the one-row
  // kernel (B = 1) vectorizes over the points too; every row sees the same operations in order.
  for (size_t k = 0; k < m; ++k) {
    const double h = a2 * halfSquaredNorms[k];
    double* __restrict lk = logit + k * B;
    for (size_t i = 0; i < B; ++i) lk[i] = (alpha * lk[i] - h) * inverseSigma2;
  }
  for (size_t i = 0; i < B; ++i) top[i] = -INFINITY;
  for (size_t k = 0; k < m; ++k)
    for (size_t i = 0; i < B; ++i) top[i] = logit[k * B + i] > top[i] ? logit[k * B + i] : top[i];
  if constexpr (B == 1) {
    // One row: a flat loop over the points (GCC does not vectorize the nest form over k).
    const double t0 = top[0];
    for (size_t k = 0; k < m; ++k) logit[k] = deterministicExp(logit[k] - t0);
  } else {
    for (size_t k = 0; k < m; ++k)
      for (size_t i = 0; i < B; ++i) logit[k * B + i] = deterministicExp(logit[k * B + i] - top[i]);
  }
  for (size_t i = 0; i < B; ++i) sum[i] = 0.0;
  for (size_t k = 0; k < m; ++k)
    for (size_t i = 0; i < B; ++i) sum[i] += logit[k * B + i];
  for (size_t i = 0; i < B; ++i) sum[i] = 1.0 / sum[i];
  for (size_t k = 0; k < m; ++k)
    for (size_t i = 0; i < B; ++i) logit[k * B + i] *= sum[i];
  weightedPointSums<B>(m, d, points, logit, xbar);
  for (size_t j = 0; j < d; ++j)
    for (size_t i = 0; i < B; ++i) xbar[j * B + i] = -(xt[j * B + i] - alpha * xbar[j * B + i]) / sigma2;
  fromColumns<B>(rows, d, xbar, s);
}

}  // namespace

// One row (the per-point score) or a whole block; both give every row the same bits.
DW2_SIMD_CLONES void fullMixtureScoresBlock(size_t K, size_t d, size_t rows, double alpha, const double* means,
                                            const double* hessian, const double* logWeights, const double* logNormaliser,
                                            const double* x, double* s, double* work) {
  if (rows == 1)
    fullMixtureBlock<1>(K, d, rows, alpha, means, hessian, logWeights, logNormaliser, x, s, work);
  else if (rows <= 8)
    fullMixtureBlock<8>(K, d, rows, alpha, means, hessian, logWeights, logNormaliser, x, s, work);
  else
    fullMixtureBlock<kFullMixtureBlock>(K, d, rows, alpha, means, hessian, logWeights, logNormaliser, x, s, work);
}

DW2_SIMD_CLONES void empiricalScoresBlock(size_t m, size_t d, size_t rows, double alpha, double sigma2, const double* points,
                                          const double* halfSquaredNorms, const double* x, double* s, double* work) {
  if (rows == 1)
    empiricalBlock<1>(m, d, rows, alpha, sigma2, points, halfSquaredNorms, x, s, work);
  else if (rows <= 8)
    empiricalBlock<8>(m, d, rows, alpha, sigma2, points, halfSquaredNorms, x, s, work);
  else
    empiricalBlock<kEmpiricalBlock>(m, d, rows, alpha, sigma2, points, halfSquaredNorms, x, s, work);
}

}  // namespace dw2
