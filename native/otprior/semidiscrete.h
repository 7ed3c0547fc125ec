// Semi-discrete optimal transport from the source N(0, s² I) to (1/m) Σ δ_{y_i}: find dual
// weights h so that every Laguerre cell {z : ⟨z, s y_i⟩ + h_i is largest} has mass 1/m.
// The dual G(h) = (1/m) Σ h_i − E max_i(⟨z, s y_i⟩ + h_i) is concave with gradient
// 1/m − mass_i(h) and Hessian −L, L the graph Laplacian of the facet weights.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>
#include "core/progress.h"

namespace dw2 {

enum class SemidiscreteMethod { Sgd, Newton };

struct SemidiscreteOptions {
  SemidiscreteMethod method = SemidiscreteMethod::Sgd;
  double scale = 1.0;          // source N(0, scale² I)
  double tolerance = 0.01;     // on max_i |m·mass_i − 1| (with its Monte Carlo noise, see below)
  uint64_t maxIterations = 5000;
  uint64_t batchSize = 0;      // SGD draws per iteration (0: max(1024, min(m, 8192)))
  uint64_t maxCheckDraws = uint64_t(1) << 24;
  uint64_t seed = 0;
  double stepSize = 1.0;       // SGD γ₀ (in units of the Jacobi step)
};

struct SemidiscreteResult {
  std::vector<double> h;
  std::vector<double> mass;  // cell masses from the last check
  bool converged = false;
  bool exact = false;          // d = 1: masses are exact, not Monte Carlo
  double maxError = 0;         // estimated max_i |m·mass_i − 1| at the returned h
  double meanError = 0;        // estimated mean_i |m·mass_i − 1|
  double errorBound = 0;       // maxError + the simultaneous 95% Monte Carlo noise bound
  uint64_t iterations = 0;
  uint64_t checks = 0;
  uint64_t checkDraws = 0;     // draws per check
  uint64_t totalDraws = 0;     // all source draws used (iterations and checks)
};

// The stopping rule: masses at h from a fresh batch keyed (seed, checkIndex, kCheck) of
// N = min(m (2q/tol)², maxCheckDraws) draws (exact in d = 1). Passed when
// max error + q·sqrt(m/N) ≤ tol, i.e. the true max error is ≤ tol at 95% simultaneous confidence.
struct CheckResult {
  std::vector<double> mass;
  double maxError = 0, meanError = 0, bound = 0;
  uint64_t draws = 0;
  bool passed = false;
};
CheckResult checkCellMasses(const double* y, const double* h, size_t m, size_t d, const SemidiscreteOptions& o,
                            uint32_t checkIndex, Progress& progress);

// Starting weights: the Voronoi partition of the y_i in source coordinates x = s·z,
// h_i = −|y_i|²/2 (every cell non-empty).
std::vector<double> voronoiWeights(const double* y, size_t m, size_t d, double scale);

// Averaged stochastic gradient ascent (semidiscrete_sgd.cc) and damped Newton (semidiscrete_newton.cc).
SemidiscreteResult fitSemidiscreteSgd(const double* y, size_t m, size_t d, std::vector<double> h,
                                      const SemidiscreteOptions& o, Progress& progress);
SemidiscreteResult fitSemidiscreteNewton(const double* y, size_t m, size_t d, std::vector<double> h,
                                         const SemidiscreteOptions& o, Progress& progress);

// Validates, picks the starting weights (hInit or Voronoi) and runs the chosen method.
SemidiscreteResult fitSemidiscrete(const double* y, size_t m, size_t d, const double* hInit,
                                   const SemidiscreteOptions& o, Progress& progress);

}  // namespace dw2
