// Exact assignment in the plane from sparse candidate sets, proven optimal over all n^2
// pairs without evaluating them.
//
// 1. Candidates: each a-point's k nearest b-points and each b-point's k/2 nearest
//    a-points (uniform grids, grid2d.h), around positions moved by the per-axis affine
//    map between the clouds' means and spreads, plus the rank-wise pairs along the
//    principal axis (a perfect matching, so the candidate graph always has one).
// 2. An epsilon-scaling auction on the candidate pairs only (exact costs), to the same
//    gap target as the dense auction. If the candidate graph has no perfect matching
//    the bid budget runs out: k doubles and the auction starts afresh.
// 3. The certificate over ALL pairs: u_i = min over candidates of C_ij + p_j, v = -p;
//    a b-point j can violate u_i + v_j <= C_ij only where C_ij < u_i + max v, and a grid
//    cell c only where lowerBound(a_i, c) < u_i + max_{j in c} v_j: rings of cells around
//    a_i are scanned outward until no cell beyond can violate, and only cells that can
//    are evaluated exactly. The most violated pairs of each row (violation above a small
//    share of the tolerance) become candidates, and steps 2-3 repeat until none is left.
// The returned certificate is exact over all pairs (pruned pairs provably satisfy the
// dual constraint to round-off; maxViolation includes their bounds).
#pragma once
#include <cstddef>
#include "ot/assignment.h"
#include "ot/certificate.h"
#include "ot/cost.h"
#include "core/progress.h"

namespace dw2::ot {

struct SparseStats {
  size_t rounds = 0;          // auction + certificate rounds
  size_t candidates = 0;      // candidate pairs at the end
  size_t addedPairs = 0;      // violating pairs added by the certificate
  size_t kDoublings = 0;      // bid budget exhausted: more neighbours
  size_t pairsEvaluated = 0;  // exact costs computed by the certificate scans
  uint64_t bids = 0;
};

struct SparseOptions {
  size_t k = 32;           // initial neighbours per row
  double relGap = 1e-13;   // auction gap target relGap * cost + absGap
  double absGap = 0.0;
  double addShare = 0.25;  // pairs violating by more than addShare * (target) / n are added
  size_t addPerRow = 4;   // most violated pairs added per row and round
  size_t maxRounds = 200;
  size_t maxDoublings = 3;  // then the candidates are judged unsuitable (the caller solves densely)
};

// Uniform weights, n = m, d = 2. On success s holds the assignment and potentials
// (u = row minima over all pairs is NOT filled: the certificate below is) and cert the
// all-pairs certificate; false when the rounds ran out (the caller falls back).
bool sparseAssign2D(const SqEuclideanCost& C, const SparseOptions& opts, AssignmentState& s, Certificate& cert,
                    SparseStats& stats, Progress& progress);

}  // namespace dw2::ot
