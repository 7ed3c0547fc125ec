// One cell of the error table: a scheme run on one grid, measured from p_T and from each prior
// (spec §7). Shared by the error table and the steps-to-accuracy search, which evaluates cells
// one step count at a time.
#pragma once
#include <cmath>
#include <limits>
#include <string>
#include <vector>
#include "analysis/direction_maps.h"
#include "analysis/gauss_legendre.h"
#include "analysis/gaussian_data.h"
#include "analysis/prior.h"
#include "process/process.h"
#include "core/progress.h"
#include "schemes/scheme.h"

namespace dw2::analysis {

// A sampler as a table row or a search configures it: the scheme and its options (ddim's η and
// the k-diffusion parameters in `options`; the stabilized local linearization's cap κ).
struct SchemeChoice {
  Scheme scheme = nullptr;  // a row of the catalogue (parseScheme)
  PlanOptions options;
  double linearizationCap = HUGE_VAL;  // finite: local linearization's stabilized variant
};

// The scheme's exact per-direction maps on `grid` with its options (non-randomized schemes).
DirectionMaps choiceMaps(const SchemeChoice& choice, const Process& process, const std::vector<double>& grid, const ScoreSpectrum& score,
                         Progress& progress = noProgress());

// η of the member dx = [f x − ½(1 + η²) g² s] dt + η g dW̄ of the flow family the scheme tends to
// as the steps shrink: 0 for ODE schemes, ddim's η, the ancestral η (euler-ancestral,
// dpmpp-2s-ancestral: noise σ_up² ≈ η² g² h), √η for dpmpp-2m/3m-sde (noise σ²(1 − e^{−2ηh}) ≈
// η g² h), 1 for the other SDE schemes. edm's churn and s_noise ≠ 1 leave that family: the member
// given is then the one for S_churn = 0, s_noise = 1 (docs/gaussian-analysis.md).
double continuousEta(const SchemeChoice& choice);

// Checks the options before any work (INVALID_ARGUMENT saying why not).
void validateChoice(const SchemeChoice& choice, const Process& process);

// A full Gaussian in some basis: mean and row-major covariance.
struct FullGaussian {
  std::vector<double> mean, covariance;
};

// What every cell needs that depends neither on the scheme nor on the grid. Holds pointers into
// `data`, which must outlive it.
struct CellSetup {
  const GaussianData* data = nullptr;
  Process process;
  double T = 0.0;
  ScoreSpectrum exact{};       // the exact score, per direction
  DiagonalGaussian target;     // p₀
  DiagonalGaussian atT;        // p_T
  std::vector<Prior> priors;
  std::vector<DiagonalGaussian> priorStart;
  Quadrature quadrature;       // for randomized schemes (empty when none is asked for)
};

CellSetup makeCellSetup(const GaussianData& data, const Process& process, double T, const std::vector<Prior>& priors,
                        const std::vector<SchemeChoice>& schemes, int quadratureNodes);

struct CellErrors {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  long long nfe = 0;
  double discrete = kNaN, discretization = kNaN;
  std::vector<double> total;  // per prior of the setup
  bool fellBack = false;
  // Non-empty when the scheme is not defined on this grid (e.g. ddpm with h·g² ≥ 1), or its exact
  // moments are too large to compute (TOO_LARGE): why. The errors are then NaN and the cell is
  // reported, not thrown.
  std::string invalid;
  bool valid() const { return invalid.empty(); }
};

// atEnd: p_{t_end} for the grid's last time.
CellErrors cellErrors(const CellSetup& setup, const SchemeChoice& choice, const std::vector<double>& grid, const DiagonalGaussian& atEnd,
                      Progress& progress = noProgress());

// W2 between diagonal Gaussians in the same basis.
double w2Diagonal(const DiagonalGaussian& a, const DiagonalGaussian& b);

}  // namespace dw2::analysis
