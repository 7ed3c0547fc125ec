// What local linearization (spec §6) needs of the score at a block of particles, in float64:
// s, ∂_t s, Δs, and ∇s either as matrices (dense route) or through products (∇s) v (Krylov
// route). Native targets answer per particle in parallel; batched (JS callback) scores answer
// one call per block, with finite differences where the user gave no derivative.
#pragma once
#include <cstddef>
#include <cstdint>

namespace dw2 {

class LocalModel {
 public:
  virtual ~LocalModel() = default;
  // Rows [first, first + count) of the batch at points x (count × d): s, ∂_t s, Δs.
  virtual void derivatives(double t, size_t first, size_t count, const double* x, double* s, double* dsdt, double* laplacian) = 0;
  // ∇s per row (count × d × d, row-major), symmetric up to round-off.
  virtual void jacobians(double t, size_t first, size_t count, const double* x, double* jacobian) = 0;
  // derivatives() and jacobians() together (one call: native targets share their work per particle).
  virtual void derivativesAndJacobians(double t, size_t first, size_t count, const double* x, double* s, double* dsdt,
                                       double* laplacian, double* jacobian) {
    derivatives(t, first, count, x, s, dsdt, laplacian);
    jacobians(t, first, count, x, jacobian);
  }
  // (∇s) v per row.
  virtual void hvps(double t, size_t first, size_t count, const double* x, const double* v, double* out) = 0;
  // Cached-product route (native targets): derivatives() plus, per row, a summary of ∇s
  // (hessianCacheSize() doubles) from which cachedHvp gives (∇s) v with no further score work.
  // hessianCacheSize() = 0: not offered.
  virtual size_t hessianCacheSize() const { return 0; }
  virtual void derivativesAndCache(double, size_t, size_t, const double*, double*, double*, double*, double*) {}
  // out = (∇s) v for one row's cache; thread-safe.
  virtual void cachedHvp(const double*, const double*, double*) const {}
  // The cache's layout (Target::hessianSummaryRank): 0 for ∇s itself, R > 0 for diagonal + rank ≤ R.
  virtual size_t hessianSummaryRank() const { return 0; }
  // Lane route (Target::localDerivativesLanes): s, ∂_t s, Δs of rows ≤ 8 points x and their summary,
  // all as lanes, with the scratch of OpenMP thread `thread` (models whose target has laneScratchSize() > 0).
  virtual void derivativesLanes(double, const double*, size_t, double*, double*, double*, double*, int) {}
  // Per-particle work so far: score evaluations, Hessian-vector products, Jacobians.
  uint64_t nfe = 0, hvpCount = 0, jacobianCount = 0;
};

}  // namespace dw2
