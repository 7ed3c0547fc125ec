// The error table of spec §7 for a configuration: for every (sampler, t_end, steps, prior),
// the W2 distances to p₀ of
//   truncation      p_{t_end} itself (exact dynamics from p_T),
//   continuous      the exact flow the scheme discretizes (ODE, reverse SDE, or ddim's η-flow) from the prior,
//   discrete        the scheme from p_T,
//   total           the scheme from the prior,
//   score           the scheme with an approximate Gaussian score from the prior (optional),
// and discretization = W2(scheme from p_T, p_{t_end}), the pure discretization error.
// Randomized schemes report the W2 of their moment-matched Gaussian (momentMatched).
#pragma once
#include <limits>
#include <string>
#include <vector>
#include "analysis/cell_errors.h"
#include "analysis/gaussian_data.h"
#include "analysis/prior.h"
#include "grid/grid.h"
#include "process/process.h"
#include "core/progress.h"
#include "schemes/scheme.h"

namespace dw2::analysis {

struct ApproxScore;

struct TableConfig {
  Process process;
  std::vector<SchemeChoice> schemes;  // one row block each; the same scheme may appear with different options
  std::vector<int> steps;
  GridKind gridKind = GridKind::Uniform;
  double rho = 7.0;
  std::vector<double> explicitGrid;  // when set: the only grid (steps and tEnds come from it)
  std::vector<double> tEnds;
  std::vector<Prior> priors;
  int quadratureNodes = 8;  // Gauss–Legendre nodes over u for randomized schemes
};

struct TableRow {
  Scheme scheme;
  int steps;
  double tEnd;
  Prior prior;
  long long nfe;
  double truncation, continuous, discrete, total, discretization;
  double score = std::numeric_limits<double>::quiet_NaN();
  bool momentMatched;
  bool fellBack;
  // Non-empty when the scheme is undefined on this row's grid (e.g. ddpm with h·g² ≥ 1): why.
  // The row's scheme errors (discrete, total, discretization, score) are then NaN.
  std::string invalid;
};

struct TableResult {
  std::vector<TableRow> rows;  // ordered by sampler, t_end, prior, steps
  std::vector<std::string> warnings;
};

TableResult errorTable(const GaussianData& data, const TableConfig& config, const ApproxScore* approx, Progress& progress = noProgress());

}  // namespace dw2::analysis
