// Damped Newton on the semi-discrete dual (Kitagawa–Mérigot–Thibert style), for small m.
//
// The Hessian of the dual is −L, L the graph Laplacian of the facet weights; the Newton
// direction solves L Δ = g with g_i = 1/m − mass_i (the constant null direction is removed
// by adding (c/m)·11ᵀ, which leaves Δ unchanged on the complement). In d = 1 masses and L
// are exact; otherwise each iteration t draws a fresh batch keyed (seed, t, kNewtonBatch)
// of the check's size, which both tests the stopping rule at the current h (the batch is
// independent of h) and estimates g and L (L from top-2 gaps). Damping: θ = 1, ½, … ≥ 1/64,
// the first step that keeps every cell's mass ≥ ½ min(min_i mass_i, 1/m) and reduces |g| by
// the factor (1 − θ/2), judged on the same batch (common random numbers); else the step with
// the smallest residual, or none (next iteration, fresh batch) — except on the plateau of an
// empty cell, where the full step is taken.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numeric>
#include "core/errors.h"
#include "otprior/cell_masses.h"
#include "otprior/noise_streams.h"
#include "otprior/semidiscrete.h"

namespace dw2 {

namespace {

constexpr size_t kMaxNewtonCells = 2000;

double residualNorm(const std::vector<double>& mass) {
  const double target = 1.0 / double(mass.size());
  double s = 0;
  for (double v : mass) s += (v - target) * (v - target);
  return std::sqrt(s);
}

Eigen::VectorXd newtonDirection(const MassEstimate& e, size_t m) {
  Eigen::MatrixXd L = Eigen::MatrixXd::Zero(m, m);
  for (size_t k = 0; k < e.facetWeight.size(); ++k) {
    const int32_t i = e.facetI[k], j = e.facetJ[k];
    const double w = e.facetWeight[k];
    L(i, j) -= w;
    L(j, i) -= w;
    L(i, i) += w;
    L(j, j) += w;
  }
  double meanDiagonal = 0;
  for (size_t i = 0; i < m; ++i) meanDiagonal += L(i, i);
  meanDiagonal = meanDiagonal > 0 ? meanDiagonal / double(m) : 1.0;
  // A cell without observed facets (empty or unseen) gets a plain gradient step.
  for (size_t i = 0; i < m; ++i)
    if (!(L(i, i) > 0)) L(i, i) = meanDiagonal;
  L.array() += meanDiagonal / double(m);
  L.diagonal().array() += 1e-12 * meanDiagonal;
  Eigen::VectorXd g(m);
  for (size_t i = 0; i < m; ++i) g(i) = 1.0 / double(m) - e.mass[i];
  return L.ldlt().solve(g);
}

}  // namespace

SemidiscreteResult fitSemidiscreteNewton(const double* y, size_t m, size_t d, std::vector<double> h,
                                         const SemidiscreteOptions& o, Progress& progress) {
  if (m > kMaxNewtonCells)
    fail(ErrorCode::InvalidArgument, "the Newton method builds a dense m × m Laplacian: use it for m <= " +
                                         std::to_string(kMaxNewtonCells) + " (got m = " + std::to_string(m) + "), or use 'sgd'");
  SemidiscreteResult r;
  const bool exact = d == 1;
  const uint64_t draws = exact ? 0
                               : static_cast<uint64_t>(std::max<double>(
                                     16.0 * double(m), std::min<double>(checkDrawsFor(m, o.tolerance), double(o.maxCheckDraws))));
  const double noise = exact ? 0.0 : simultaneousNoiseBound(m, draws);
  auto masses = [&](const std::vector<double>& hh, uint64_t t, bool facets) {
    if (exact) return exactMasses1d(y, hh.data(), m, o.scale);
    PackedCells cells = packCells(y, hh.data(), m, d, o.scale);
    return monteCarloMasses(cells, {o.seed, static_cast<uint32_t>(t), otstream::kNewtonBatch}, draws, facets, noProgress());
  };
  for (uint64_t t = 1;; ++t) {
    MassEstimate e = masses(h, t, true);
    r.totalDraws += e.draws;
    const MassError err = relativeMassError(e.mass);
    const bool passed = err.max + noise <= o.tolerance;
    if (passed || t > o.maxIterations) {
      r.converged = passed;
      r.exact = exact;
      r.maxError = err.max;
      r.meanError = err.mean;
      r.errorBound = err.max + noise;
      r.mass = std::move(e.mass);
      r.iterations = t - 1;
      r.checks = t;
      r.checkDraws = draws;
      r.h = std::move(h);
      return r;
    }
    const Eigen::VectorXd delta = newtonDirection(e, m);
    const double minMass = *std::min_element(e.mass.begin(), e.mass.end());
    const double floorMass = 0.5 * std::min(minMass, 1.0 / double(m));
    const double g0 = residualNorm(e.mass);
    std::vector<double> best = h, trial(m), fullStep(m);
    double bestResidual = g0;
    for (size_t i = 0; i < m; ++i) fullStep[i] = h[i] + delta(i);
    for (double theta = 1.0; theta >= 1.0 / 64; theta *= 0.5) {
      for (size_t i = 0; i < m; ++i) trial[i] = h[i] + theta * delta(i);
      MassEstimate f = masses(trial, t, false);
      r.totalDraws += f.draws;
      const double minTrial = *std::min_element(f.mass.begin(), f.mass.end());
      const double gt = residualNorm(f.mass);
      if (minTrial >= floorMass && gt < bestResidual) {
        best = trial;
        bestResidual = gt;
      }
      if (minTrial >= floorMass && gt <= (1.0 - theta / 2.0) * g0) break;
    }
    // On a plateau (an empty cell: its mass is flat in h) no damped step helps; take the full one.
    if (bestResidual == g0 && minMass == 0.0) best = fullStep;
    h = std::move(best);
    const double mean = std::accumulate(h.begin(), h.end(), 0.0) / double(m);
    for (double& v : h) v -= mean;
    progress.checkpoint(std::min(1.0, double(t) / double(o.maxIterations)));
  }
}

}  // namespace dw2
