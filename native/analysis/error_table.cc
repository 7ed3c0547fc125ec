#include "analysis/error_table.h"
#include <cmath>
#include <set>
#include "analysis/cell_errors.h"
#include "analysis/continuous_flow.h"
#include "analysis/gaussian_recursion.h"
#include "core/progress.h"
#include "analysis/randomized_moments.h"
#include "analysis/score_error.h"
#include "core/errors.h"
#include "linalg/bures.h"

namespace dw2::analysis {

namespace {

// The W2 to p₀ (in V coordinates) of the scheme run with the approximate score from `start`.
// The run reports on the first `runShare` of `whole`; the dense Bures solve that follows is one call.
double approxScoreW2(const ApproxScore& approx, const SchemeChoice& choice, const Process& p, const std::vector<double>& grid, const Quadrature& q,
                     const FullGaussian& start, Progress& whole, double runShare) {
  ProgressRange progress(whole, 0.0, runShare);
  const size_t d = approx.d;
  const ScoreSpectrum spectrum{approx.lambda.data(), approx.centre.data(), d, approx.definedAtZero()};
  if (schemeInfo(choice.scheme).randomized) {
    FullGaussian out = start;
    long long nfe = 0;
    if (randomizedMoments(choice.scheme, p, grid, q, spectrum, out.mean.data(), out.covariance.data(), false, nfe, progress)) {
      // Diagonal output: its square root is the cheap side of the Bures cross term.
      std::vector<double> v(d);
      for (size_t i = 0; i < d; ++i) v[i] = out.covariance[i * d + i];
      return std::sqrt(buresW2SquaredDiagonalReference(out.mean.data(), v.data(), approx.targetMean.data(), approx.targetCovariance.data(), d));
    }
    return std::sqrt(approx.target.w2Squared(out.mean.data(), out.covariance.data()));
  }
  const DirectionMaps maps = choiceMaps(choice, p, grid, spectrum, progress);
  FullGaussian out{std::vector<double>(d), std::vector<double>(d * d)};
  for (size_t i = 0; i < d; ++i) {
    out.mean[i] = maps.gain[i] * start.mean[i] + maps.offset[i];
    for (size_t j = 0; j < d; ++j) out.covariance[i * d + j] = maps.gain[i] * start.covariance[i * d + j] * maps.gain[j];
    out.covariance[i * d + i] += maps.noiseVariance[i];
  }
  return std::sqrt(approx.target.w2Squared(out.mean.data(), out.covariance.data()));
}

// The `continuous` column per prior: the exact flow of the scheme's family member from each prior.
std::vector<double> continuousColumn(const CellSetup& setup, double eta, double tEnd) {
  const DirectionMaps flow = continuousFlowMaps(eta, setup.process, setup.T, tEnd, setup.exact);
  std::vector<double> out;
  for (const DiagonalGaussian& start : setup.priorStart) {
    DiagonalGaussian g{std::vector<double>(start.mean.size()), std::vector<double>(start.mean.size())};
    flow.apply(start.mean.data(), start.variance.data(), g.mean.data(), g.variance.data());
    out.push_back(w2Diagonal(g, setup.target));
  }
  return out;
}

TableRow cellRow(Scheme scheme, int steps, double tEnd, Prior prior, double truncation, double continuous, const CellErrors& c, size_t k) {
  TableRow r;
  r.scheme = scheme;
  r.steps = steps;
  r.tEnd = tEnd;
  r.prior = prior;
  r.nfe = c.nfe;
  r.truncation = truncation;
  r.continuous = continuous;
  r.discrete = c.discrete;
  r.total = c.total[k];
  r.discretization = c.discretization;
  r.momentMatched = schemeInfo(scheme).randomized;
  r.fellBack = c.fellBack;
  r.invalid = c.invalid;
  return r;
}

struct TableShape {
  double T;
  std::vector<double> tEnds;
  std::vector<int> steps;
};

// Validates the configuration before any work; returns T, the t_end values and step counts.
TableShape tableShape(const GaussianData& data, const TableConfig& cfg, const ApproxScore* approx) {
  const Process& p = cfg.process;
  if (cfg.schemes.empty()) fail(ErrorCode::InvalidArgument, "at least one sampler is required");
  if (cfg.priors.empty()) fail(ErrorCode::InvalidArgument, "at least one prior is required");
  const bool explicitGrid = !cfg.explicitGrid.empty();
  if (explicitGrid) validateGrid(cfg.explicitGrid.data(), cfg.explicitGrid.size());
  TableShape shape;
  shape.T = explicitGrid ? cfg.explicitGrid.front() : p.T;
  shape.tEnds = explicitGrid ? std::vector<double>{cfg.explicitGrid.back()} : cfg.tEnds.empty() ? std::vector<double>{defaultTEnd(p)} : cfg.tEnds;
  shape.steps = explicitGrid ? std::vector<int>{int(cfg.explicitGrid.size() - 1)} : cfg.steps;
  if (shape.steps.empty()) fail(ErrorCode::InvalidArgument, "at least one value of steps is required");
  for (int n : shape.steps)
    if (n < 1) fail(ErrorCode::InvalidArgument, "steps must be >= 1, got " + std::to_string(n));
  for (double t : shape.tEnds)
    if (!(std::isfinite(t) && t >= 0.0 && t < shape.T))
      fail(ErrorCode::InvalidArgument, "tEnd must be in [0, T) = [0, " + std::to_string(shape.T) + "), got " + std::to_string(t));
  if (approx && approx->d != data.d) fail(ErrorCode::ShapeMismatch, "approxScore has dimension " + std::to_string(approx->d) + ", the data " + std::to_string(data.d));
  for (const SchemeChoice& s : cfg.schemes) validateChoice(s, p);
  return shape;
}

}  // namespace

TableResult errorTable(const GaussianData& data, const TableConfig& cfg, const ApproxScore* approx, Progress& progress) {
  const Process& p = cfg.process;
  const TableShape shape = tableShape(data, cfg, approx);
  const bool explicitGrid = !cfg.explicitGrid.empty();
  const CellSetup setup = makeCellSetup(data, p, shape.T, cfg.priors, cfg.schemes, cfg.quadratureNodes);
  const Quadrature quadrature = approx ? gaussLegendreUnit(cfg.quadratureNodes) : Quadrature{};
  std::vector<FullGaussian> approxPriorStart(cfg.priors.size());
  if (approx)
    for (size_t k = 0; k < cfg.priors.size(); ++k) approxStart(*approx, cfg.priors[k], p, shape.T, approxPriorStart[k].mean, approxPriorStart[k].covariance);

  const size_t d = data.d, S = cfg.schemes.size(), E = shape.tEnds.size(), P = cfg.priors.size(), N = shape.steps.size();
  TableResult result;
  result.warnings = data.warnings;
  if (approx) result.warnings.insert(result.warnings.end(), approx->warnings.begin(), approx->warnings.end());
  result.rows.resize(S * E * P * N);
  auto row = [&](size_t s, size_t e, size_t k, size_t n) -> TableRow& { return result.rows[((s * E + e) * P + k) * N + n]; };
  std::set<std::string> fellBack;

  // Work estimate per cell for progress, in flops up to a constant: the scheme's recursion is
  // d × steps × evaluations; with the approximate score each prior adds that again plus a dense
  // d × d Bures distance (an eigenvalue solve, ~d³), which dominates at large d.
  const double dd = double(d);
  auto schemeWork = [&](Scheme scheme, int n) { return dd * n * schemeInfo(scheme).nfePerStep; };
  auto scoreWork = [&](Scheme scheme, int n) { return approx ? double(P) * (schemeWork(scheme, n) + dd * dd * dd) : 0.0; };
  double totalWork = 0.0;
  for (const SchemeChoice& choice : cfg.schemes)
    for (int n : shape.steps) totalWork += double(E) * (schemeWork(choice.scheme, n) + scoreWork(choice.scheme, n));
  double done = 0.0;

  for (size_t s = 0; s < S; ++s) {
    const SchemeChoice& choice = cfg.schemes[s];
    const Scheme scheme = choice.scheme;
    const SchemeInfo& info = schemeInfo(scheme);
    for (size_t e = 0; e < E; ++e) {
      const double tEnd = shape.tEnds[e];
      const DiagonalGaussian atEnd = marginalMoments(p, tEnd, data);
      const double truncation = w2Diagonal(atEnd, setup.target);
      const std::vector<double> continuous = continuousColumn(setup, continuousEta(choice), tEnd);
      for (size_t n = 0; n < N; ++n) {
        const std::vector<double> grid = explicitGrid ? cfg.explicitGrid : makeGrid(p, cfg.gridKind, shape.steps[n], shape.T, tEnd, cfg.rho);
        const double work = schemeWork(scheme, shape.steps[n]) + scoreWork(scheme, shape.steps[n]);
        const double schemeShare = schemeWork(scheme, shape.steps[n]) / work;
        ProgressRange cell(progress, done / totalWork, (done + work) / totalWork);
        ProgressRange schemePart(cell, 0.0, schemeShare);
        done += work;
        const CellErrors c = cellErrors(setup, choice, grid, atEnd, schemePart);
        if (c.fellBack) fellBack.insert(info.name);
        for (size_t k = 0; k < P; ++k) row(s, e, k, n) = cellRow(scheme, int(grid.size() - 1), tEnd, cfg.priors[k], truncation, continuous[k], c, k);
        if (approx && c.valid()) {
          ProgressRange scorePart(cell, schemeShare, 1.0);
          for (size_t k = 0; k < P; ++k) {
            ProgressRange one(scorePart, double(k) / P, double(k + 1) / P);
            const double runShare = schemeWork(scheme, shape.steps[n]) / (schemeWork(scheme, shape.steps[n]) + dd * dd * dd);
            row(s, e, k, n).score = approxScoreW2(*approx, choice, p, grid, quadrature, approxPriorStart[k], one, runShare);
          }
        }
        cell.checkpoint(1.0);
      }
    }
  }
  for (const std::string& name : fellBack)
    result.warnings.push_back(name + ": the last step ends at t = 0 where the score of a singular covariance is undefined; it fell back to its first (Euler) stage");
  return result;
}

}  // namespace dw2::analysis
