#include "analysis/cell_errors.h"
#include <cmath>
#include "analysis/gaussian_recursion.h"
#include "analysis/randomized_moments.h"
#include "core/errors.h"
#include "linalg/bures.h"

namespace dw2::analysis {

namespace {

DiagonalGaussian applyMaps(const DirectionMaps& maps, const DiagonalGaussian& start) {
  DiagonalGaussian out;
  out.mean.resize(start.mean.size());
  out.variance.resize(start.mean.size());
  maps.apply(start.mean.data(), start.variance.data(), out.mean.data(), out.variance.data());
  return out;
}

FullGaussian asFull(const DiagonalGaussian& g) {
  const size_t d = g.mean.size();
  FullGaussian f{g.mean, std::vector<double>(d * d, 0.0)};
  for (size_t i = 0; i < d; ++i) f.covariance[i * d + i] = g.variance[i];
  return f;
}

double w2ToDiagonal(const DiagonalGaussian& diagonal, const FullGaussian& full) {
  const size_t d = diagonal.mean.size();
  return std::sqrt(buresW2SquaredDiagonalReference(diagonal.mean.data(), diagonal.variance.data(), full.mean.data(), full.covariance.data(), d));
}

// Non-randomized schemes: one affine map per direction, applied to every start.
void affineCell(const CellSetup& s, const SchemeChoice& choice, const std::vector<double>& grid, const DiagonalGaussian& atEnd, Progress& progress,
                CellErrors& c) {
  const DirectionMaps maps = choiceMaps(choice, s.process, grid, s.exact, progress);
  c.nfe = maps.nfe;
  c.fellBack = maps.fellBack;
  const DiagonalGaussian fromT = applyMaps(maps, s.atT);
  c.discrete = w2Diagonal(fromT, s.target);
  c.discretization = w2Diagonal(fromT, atEnd);
  for (const DiagonalGaussian& start : s.priorStart) c.total.push_back(w2Diagonal(applyMaps(maps, start), s.target));
}

// Randomized schemes on centred data: every start is centred and diagonal, and stays so.
void centredRandomizedCell(const CellSetup& s, Scheme scheme, const std::vector<double>& grid, const DiagonalGaussian& atEnd, Progress& progress,
                           CellErrors& c) {
  const CentredMomentMaps maps = randomizedCentredMaps(scheme, s.process, grid, s.quadrature, s.exact, progress);
  c.nfe = maps.nfe;
  auto run = [&](const DiagonalGaussian& start) {
    DiagonalGaussian out{start.mean, start.variance};
    for (size_t i = 0; i < out.variance.size(); ++i) out.variance[i] = maps.secondMomentGain[i] * start.variance[i] + maps.noiseVariance[i];
    return out;
  };
  const DiagonalGaussian fromT = run(s.atT);
  c.discrete = w2Diagonal(fromT, s.target);
  c.discretization = w2Diagonal(fromT, atEnd);
  for (const DiagonalGaussian& start : s.priorStart) c.total.push_back(w2Diagonal(run(start), s.target));
}

// Randomized schemes with a non-zero mean: the shared u couples the directions (full covariance).
void fullRandomizedCell(const CellSetup& s, Scheme scheme, const std::vector<double>& grid, const DiagonalGaussian& atEnd, Progress& progress,
                        CellErrors& c) {
  auto run = [&](const DiagonalGaussian& start) {
    FullGaussian g = asFull(start);
    c.nfe = randomizedMomentsFull(scheme, s.process, grid, s.quadrature, s.exact, g.mean.data(), g.covariance.data(), progress);
    return g;
  };
  const FullGaussian fromT = run(s.atT);
  c.discrete = w2ToDiagonal(s.target, fromT);
  c.discretization = w2ToDiagonal(atEnd, fromT);
  for (size_t k = 0; k < s.priors.size(); ++k) {
    // exact and ot-gaussian start at p_T itself.
    const bool startsAtT = s.priors[k] == Prior::Exact || s.priors[k] == Prior::OtGaussian;
    c.total.push_back(startsAtT ? c.discrete : w2ToDiagonal(s.target, run(s.priorStart[k])));
  }
}

}  // namespace

DirectionMaps choiceMaps(const SchemeChoice& choice, const Process& process, const std::vector<double>& grid, const ScoreSpectrum& score,
                         Progress& progress) {
  const Scheme s = choice.scheme;
  if (std::isfinite(choice.linearizationCap) && schemeInfo(s).usesHessian)
    return localLinearizationMaps(s->ode, process, grid, score, progress, choice.linearizationCap);
  return schemeMaps(s, process, grid, choice.options, score, progress);
}

double continuousEta(const SchemeChoice& choice) {
  switch (choice.scheme->eta) {
    case SchemeEta::Ddim: return choice.options.eta;
    case SchemeEta::Ancestral: return choice.options.params.eta;
    case SchemeEta::AncestralVariance: return std::sqrt(choice.options.params.eta);
    default: return choice.scheme->ode ? 0.0 : 1.0;
  }
}

void validateChoice(const SchemeChoice& choice, const Process& process) {
  requireSchemeFitsProcess(choice.scheme, process);
  validateSchemeOptions(choice.scheme, process, choice.options);
  if (!(choice.linearizationCap >= 0.0)) fail(ErrorCode::InvalidArgument, "stabilize (the cap κ on hμ) must be >= 0");
  if (std::isfinite(choice.linearizationCap) && !schemeInfo(choice.scheme).usesHessian)
    fail(ErrorCode::InvalidArgument, std::string("stabilize applies to the local-linearization samplers only, not '") + schemeInfo(choice.scheme).name + "'");
}

double w2Diagonal(const DiagonalGaussian& a, const DiagonalGaussian& b) {
  return std::sqrt(buresW2SquaredDiagonal(a.mean.data(), a.variance.data(), b.mean.data(), b.variance.data(), a.mean.size()));
}

CellSetup makeCellSetup(const GaussianData& data, const Process& p, double T, const std::vector<Prior>& priors,
                        const std::vector<SchemeChoice>& schemes, int quadratureNodes) {
  CellSetup s;
  s.data = &data;
  s.process = p;
  s.T = T;
  s.exact = ScoreSpectrum{data.lambda.data(), data.mean.data(), data.d, data.scoreDefinedAtZero()};
  s.target = DiagonalGaussian{data.mean, data.lambda};
  s.atT = marginalMoments(p, T, data);
  s.priors = priors;
  for (Prior prior : priors) s.priorStart.push_back(priorMoments(prior, p, T, data));
  bool anyRandomized = false;
  for (const SchemeChoice& c : schemes) anyRandomized = anyRandomized || schemeInfo(c.scheme).randomized;
  if (anyRandomized) s.quadrature = gaussLegendreUnit(quadratureNodes);
  return s;
}

CellErrors cellErrors(const CellSetup& s, const SchemeChoice& choice, const std::vector<double>& grid, const DiagonalGaussian& atEnd,
                      Progress& progress) {
  const Scheme scheme = choice.scheme;
  CellErrors c;
  try {
    if (!schemeInfo(scheme).randomized)
      affineCell(s, choice, grid, atEnd, progress, c);
    else if (s.data->centred())
      centredRandomizedCell(s, scheme, grid, atEnd, progress, c);
    else
      fullRandomizedCell(s, scheme, grid, atEnd, progress, c);
  } catch (const Error& e) {
    // A scheme undefined on this grid (its step plan refuses the step), or one whose exact
    // moments are too large to keep (randomized, non-centred, d > 2048), is a row to explain, not
    // a failure of the whole table; anything else (cancellation, …) still propagates.
    if (e.code != ErrorCode::InvalidArgument && e.code != ErrorCode::TooLarge) throw;
    CellErrors invalid;
    invalid.nfe = (long long)(grid.size() - 1) * schemeInfo(scheme).nfePerStep;
    invalid.total.assign(s.priors.size(), CellErrors::kNaN);
    invalid.invalid = e.what();
    return invalid;
  }
  return c;
}

}  // namespace dw2::analysis
