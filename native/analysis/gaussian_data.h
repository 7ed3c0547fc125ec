// The data distribution N(μ, Σ) of the exact analysis, held in Σ's eigenbasis:
// Σ = U diag(λ) Uᵀ, λ ≥ 0 (singular allowed), μ̃ = Uᵀμ. Every non-randomized scheme with the
// exact score acts on each eigen-direction separately, so this is all the recursions need.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dw2::analysis {

struct GaussianData {
  size_t d = 0;
  std::vector<double> lambda;      // eigenvalues of Σ (round-off negatives clamped to 0)
  std::vector<double> mean;        // μ̃ = Uᵀμ
  std::vector<double> basis;       // U, eigenvectors as columns (row-major d × d); empty: U = I
  std::vector<std::string> warnings;

  // The score of p_t is defined at t = 0 only when Σ is non-singular.
  bool scoreDefinedAtZero() const;
  bool centred() const;  // μ = 0
};

// From eigenvalues, with optional eigenvectors (columns of a row-major d × d matrix; without
// them Σ = diag(λ)) and an optional ambient mean (null: 0). Eigenvalues below
// −1e-12·max|λ| are rejected, those between that and 0 are clamped with a warning.
GaussianData gaussianFromSpectrum(const double* eigenvalues, size_t d, const double* mean, const double* eigenvectors);

// From a full symmetric covariance (row-major d × d), eigendecomposed by a self-adjoint
// eigensolver; round-off negatives within max(1e-12, 4dε)·max|λ| are clamped with a warning.
// needBasis = false skips the eigenvectors (several times cheaper at large d) when the mean
// is 0: then nothing depends on the basis and `basis` stays empty.
GaussianData gaussianFromCovariance(const double* covariance, size_t d, const double* mean, bool needBasis = true);

// Clamps round-off negatives of a spectrum in place (a warning per clamped set, naming
// `what`), rejects clearly negative or non-finite values.
void clampSpectrum(std::vector<double>& lambda, double relativeTolerance, const char* what, std::vector<std::string>& warnings);

// Draws m samples x_j = μ + U diag(√λ) z_j, z_j the Philox normal rows (seed, particle j,
// step 0, stage 0), and returns their sample mean and unbiased covariance (ambient, d and
// d × d). m ≥ 2.
void estimateFromSamples(const GaussianData& data, size_t m, uint64_t seed, double* meanOut, double* covarianceOut);

}  // namespace dw2::analysis
