// One cell of the error table: a scheme run on one grid, measured from p_T and from each prior
// (spec §7). Shared by the error table and the steps-to-accuracy search, which evaluates cells
// one step count at a time.
#pragma once
#include <limits>
#include <string>
#include <vector>
#include "analysis/direction_maps.h"
#include "analysis/gauss_legendre.h"
#include "analysis/gaussian_data.h"
#include "analysis/prior.h"
#include "process/process.h"
#include "runtime/progress.h"
#include "schemes/scheme.h"

namespace dw2::analysis {

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
  double eta = 0.0;            // ddim's η
  ScoreSpectrum exact{};       // the exact score, per direction
  DiagonalGaussian target;     // p₀
  DiagonalGaussian atT;        // p_T
  std::vector<Prior> priors;
  std::vector<DiagonalGaussian> priorStart;
  Quadrature quadrature;       // for randomized schemes (empty when none is asked for)
};

CellSetup makeCellSetup(const GaussianData& data, const Process& process, double T, double eta, const std::vector<Prior>& priors,
                        const std::vector<Scheme>& schemes, int quadratureNodes);

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
CellErrors cellErrors(const CellSetup& setup, Scheme scheme, const std::vector<double>& grid, const DiagonalGaussian& atEnd,
                      Progress& progress = noProgress());

// W2 between diagonal Gaussians in the same basis.
double w2Diagonal(const DiagonalGaussian& a, const DiagonalGaussian& b);

}  // namespace dw2::analysis
