// Block kernels for mixture scores: many particles (rows) at one time, vectorized over the rows
// (structure of arrays inside a block: coordinate j of row i at j·B + i). Every row goes through
// the same operations in the same order whatever the block size B, the number of rows, the SIMD
// path or the thread, so results are independent of how particles are split into blocks.
#pragma once
#include <cstddef>

namespace dw2 {

// Full covariances, in precision form: H_k = −Σ_{k,t}⁻¹ = U_k diag(−1/(α²λ_k + σ²)) U_kᵀ (the
// eigenbasis of GaussianComponents, one d × d matrix per component and time): per component
//   y = x − αμ_k,  s_k = H_k y  (one matrix product per block),  log N_k = c_k − ½ y·(−s_k),
// then r = softmax(log w_k + log N_k) and s = Σ_k r_k s_k.
// Doubles of work for up to kFullMixtureBlock rows at a time.
constexpr size_t kFullMixtureBlock = 32;
inline size_t fullMixtureBlockWork(size_t K, size_t d) { return ((K + 3) * d + K + 1) * kFullMixtureBlock; }

// rows ≤ kFullMixtureBlock points x (rows × d) → scores s (rows × d). means: K·d; hessian (H_k):
// K·d·d; logWeights, logNormaliser: K.
void fullMixtureScoresBlock(size_t K, size_t d, size_t rows, double alpha, const double* means, const double* hessian,
                            const double* logWeights, const double* logNormaliser, const double* x, double* s, double* work);

// The empirical target (1/m) Σ_k δ_{p_k} (the ideal denoiser): the m logits of a block by one
// matrix product of the points with the block, softmax per row, the weighted sum of the points
// by a second product. halfSquaredNorms: ½|p_k|² (m).
constexpr size_t kEmpiricalBlock = 32;
inline size_t empiricalBlockWork(size_t m, size_t d) { return (2 * d + m + 2) * kEmpiricalBlock; }
void empiricalScoresBlock(size_t m, size_t d, size_t rows, double alpha, double sigma2, const double* points,
                          const double* halfSquaredNorms, const double* x, double* s, double* work);

}  // namespace dw2
