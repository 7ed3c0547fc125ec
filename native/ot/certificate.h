// Optimality certificates for transport plans under squared-Euclidean costs.
//
// For a plan pi (marginals a, b, each summing to 1) and potentials (u, v):
//   primal        = sum pi_ij C_ij                       (Neumaier sum)
//   dual          = sum a_i u_i + sum b_j v_j             (Neumaier sums)
//   maxViolation  = max over ALL pairs of u_i + v_j - C_ij (recomputed costs)
// Weak duality: (u - maxViolation, v) is dual feasible, so every plan costs at least
// dual - max(0, maxViolation). Hence
//   primal - optimum <= bound = max(0, primal - dual) + max(0, maxViolation),
// a checked bound on how far the reported value is above the true optimum.
#pragma once
#include <cstdint>
#include <vector>
#include "ot/cost.h"
#include "core/progress.h"

namespace dw2::ot {

struct SparsePlan {
  std::vector<int64_t> rows, cols;
  std::vector<double> mass;
  size_t size() const { return mass.size(); }
  void add(int64_t i, int64_t j, double w) {
    rows.push_back(i);
    cols.push_back(j);
    mass.push_back(w);
  }
};

struct Certificate {
  double primal = 0.0;
  double dual = 0.0;
  double primalDualGap = 0.0;
  double maxViolation = 0.0;
  int64_t worstRow = -1, worstCol = -1;  // the pair attaining maxViolation
  double marginalError = 0.0;            // max |row/column sums of the plan - weights|
  double bound = 0.0;
};

// Recomputes every cost from coordinates (or the dense matrix, which holds the same
// numbers). wa/wb: marginal weights (sum 1). When tightenRows is set, u_i is first
// replaced by min_j (C_ij - v_j), the best row potential for the given v, in the same
// pass. Parallel over rows; checkpoints the progress.
// Cost: SqEuclideanCost or CostMatrix (ot/cost_matrix.h).
template <class Cost>
Certificate certify(const Cost& C, const double* wa, const double* wb, const SparsePlan& plan,
                    std::vector<double>& u, const std::vector<double>& v, bool tightenRows, Progress& progress);

// certify() for a caller's plan and potentials between two clouds, in rescaled
// coordinates when squared distances would overflow (cost_scale.h); values returned
// in original units (NON_FINITE when they do not fit).
Certificate certifyClouds(const Cloud& a, const double* wa, const Cloud& b, const double* wb, const SparsePlan& plan,
                          std::vector<double> u, std::vector<double> v, Progress& progress);

// Column potentials v_j = min_{i in rows} (C_ij - u_i) for the columns listed in cols.
template <class Cost>
void tightenColumns(const Cost& C, const std::vector<int64_t>& rows, const std::vector<double>& u,
                    const std::vector<int64_t>& cols, std::vector<double>& v);

}  // namespace dw2::ot
