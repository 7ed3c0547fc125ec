// Sampling with the score of another Gaussian N(μ̂, Σ̂) (e.g. moments estimated from samples),
// whose covariance need not commute with the data's Σ. The approximate score is diagonal in
// Σ̂'s eigenbasis V, so the recursions run there, per direction, with (λ̂, Vᵀμ̂); the start and
// the target p₀ are carried into that basis, where they are full matrices, and the error is
// the general Bures–Wasserstein distance.
#pragma once
#include <string>
#include <vector>
#include "analysis/gaussian_data.h"
#include "analysis/prior.h"
#include "linalg/bures.h"
#include "core/progress.h"

namespace dw2::analysis {

struct ApproxScore {
  size_t d = 0;
  std::vector<double> lambda;            // eigenvalues of Σ̂
  std::vector<double> centre;            // Vᵀμ̂
  std::vector<double> basisChange;       // W = UᵀV (row-major d × d): Σ̂'s eigenvectors in Σ's eigenbasis
  std::vector<double> targetMean;        // Vᵀμ = Wᵀμ̃
  std::vector<double> targetCovariance;  // VᵀΣV = WᵀΛW
  BuresReference target;                 // p₀ in V coordinates, root WᵀΛ^{1/2}W
  std::vector<std::string> warnings;

  bool definedAtZero() const;
  bool centred() const;  // μ̂ = 0
};

// mean: ambient μ̂ (null: 0); covariance: ambient Σ̂ (row-major d × d, symmetric PSD). O(d³):
// progress is reported (and cancellation honoured) between the eigendecomposition and the
// basis changes, which are single dense solver calls.
ApproxScore makeApproxScore(const GaussianData& data, const double* mean, const double* covariance, Progress& progress = noProgress());

// The start of a run in V coordinates: mean (d) and covariance (d × d).
void approxStart(const ApproxScore& approx, Prior prior, const Process& process, double T, std::vector<double>& mean,
                 std::vector<double>& covariance);

}  // namespace dw2::analysis
