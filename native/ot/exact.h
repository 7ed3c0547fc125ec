// Exact W2 between two weighted point clouds: chooses the solver, the cost storage
// (dense matrix within the memory budget, else on the fly), certifies the result and
// repairs it with shortest augmenting paths when the certificate misses the tolerance.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>
#include "ot/assignment.h"
#include "ot/certificate.h"
#include "ot/cost.h"
#include "ot/network_simplex.h"
#include "ot/sparse_assignment.h"
#include "core/progress.h"

namespace dw2::ot {

enum class ExactSolver { Auto, Auction, ShortestPath, NetworkSimplex, Sparse };

struct ExactOptions {
  ExactSolver solver = ExactSolver::Auto;
  double memoryBudgetBytes = 1024.0 * 1024.0 * 1024.0;
  double tolerance = 1e-13;  // certificate bound accepted up to tolerance * W2^2 + round-off
  size_t listSize = 0;  // 0: automatic (d <= 3, where near-ties abound: n/64 in [64, 192]; else 24)
  uint64_t maxIterations = 0;  // auction bids / simplex pivots; 0 = automatic
};

struct ExactResult {
  std::string solver;  // what produced the final plan: auction, auction+shortest-path, ...
  bool assignment = false;
  double w2sq = 0.0;
  std::vector<int64_t> permutation;  // assignment problems: column of each row
  SparsePlan plan;                   // always: (i, j, mass), masses sum to 1
  std::vector<double> u, v;          // potentials (in W2^2 units: per unit mass)
  Certificate cert;
  double tolerance = 0.0;  // the accepted bound
  bool certified = false;  // cert.bound <= tolerance
  bool dense = false;
  bool costEstimates = false;  // row scans used float32 estimates + exact candidates (cost_filter.h)
  double workingBytes = 0.0;  // estimated peak working memory of the solve
  AuctionStats auction;
  ShortestPathStats shortestPath;
  SimplexStats simplex;
  SparseStats sparse;
  size_t repairedRows = 0;
  double secondsCosts = 0.0, secondsSolve = 0.0, secondsCertify = 0.0;
  size_t atomsA = 0, atomsB = 0;  // distinct points when duplicates were collapsed (atoms.h), else 0
  int costExponent = 0;           // costs were computed in units of 2^costExponent (cost_scale.h), else 0
};

// Duplicated points are collapsed into weighted atoms first when that shrinks the
// problem at least 4-fold (solver 'auto' or 'network-simplex'; see atoms.h).
// wa / wb: weights (null = uniform); validated (finite, >= 0, positive totals equal to
// relative 1e-6 when both are given) and renormalised to sum 1.
ExactResult solveExact(const Cloud& a, const double* wa, const Cloud& b, const double* wb, const ExactOptions& opts,
                       Progress& progress);

// Runs `solve` on the clouds, or on copies rescaled by a power of two when squared
// distances would leave float64's safe range, and scales the result back (cost_scale.h).
// Throws NON_FINITE when a value does not fit float64 in the original units.
ExactResult solveScaled(const Cloud& a, const Cloud& b, const std::function<ExactResult(const Cloud&, const Cloud&)>& solve);

// Certifies the assignment in `s` (columns of the rows and dual potentials, uniform weights)
// and fills r's plan, permutation, potentials, w2sq, certificate and tolerance. Unless
// r.solver is "shortest-path", an exhausted auction or a certificate that misses the
// tolerance is repaired: rows that violate complementary slackness are freed and finished
// with shortest augmenting paths from the prices (r.solver gains "+shortest-path").
// progress: the part of the caller's progress this takes (a ProgressRange).
void certifyAssignment(const SqEuclideanCost& C, AssignmentState& s, bool exhausted, const ExactOptions& opts, ExactResult& r,
                       Progress& progress);

// Validated, renormalised weights (sum 1) or uniform ones when w is null.
std::vector<double> normalisedWeights(const double* w, size_t n, const char* name);
// Throws unless the two raw totals agree to relative 1e-6 (when only one side has
// weights, the uniform side takes its total: nothing to check).
void requireEqualTotals(const double* wa, size_t n, const double* wb, size_t m);

}  // namespace dw2::ot
