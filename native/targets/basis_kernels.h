// Dense loops shared by the analytic targets, over raw buffers and without allocation.
// An orthonormal basis is stored as d rows of d doubles: row j is the j-th basis vector.
#pragma once
#include <cstddef>
#include "linalg/vector_ops.h"

namespace dw2 {

// out += Σ_j c_j basis_j basis_jᵀ  (d × d, row-major): a matrix given in the basis.
void addFromBasisDiagonal(const double* basis, const double* c, size_t d, double* out);
// out = Σ_j (−inverseEll_j) basis_j basis_jᵀ (d × d, overwritten): the Hessian −Σ_t⁻¹ of a
// Gaussian with eigenbasis `basis` and marginal eigenvalues ℓ. Entry (a, b) sums
// basis_ja · (−inverseEll_j · basis_jb) over j in increasing order, tiles of 4 × 8 entries in registers.
void hessianFromBasis(const double* basis, const double* inverseEll, size_t d, double* out);
// out_k = |x − alpha·points_k|² for m points of dimension d (row-major).
void scaledSquaredDistances(const double* points, size_t m, size_t d, double alpha, const double* x, double* out);

// Rows per call of diagonalMixtureScoresBlock.
constexpr size_t kMixtureBlock = 32;
// Doubles of work diagonalMixtureScoresBlock needs.
inline size_t diagonalMixtureBlockWork(size_t K, size_t d) { return (2 * d + K + 1) * kMixtureBlock + 2 * K * d; }

// The scores of a diagonal Gaussian mixture at rows ≤ kMixtureBlock points x (rows × d, written
// to s, rows × d), with the per-time constants of GaussianComponents::timeConstants: the same
// operations in the same order as the per-point path (targets/point_scores.h: component score,
// softmax, the sum over components), so bitwise equal to it, but vectorized over the rows (structure of
// arrays inside the block). means, inverseEll: K·d; logWeights, logNormaliser: K.
void diagonalMixtureScoresBlock(size_t K, size_t d, size_t rows, double alpha, const double* means, const double* inverseEll,
                                const double* logWeights, const double* logNormaliser, const double* x, double* s, double* work);

}  // namespace dw2
