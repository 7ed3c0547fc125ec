// A target distribution p₀ with an analytic score of every marginal p_t (spec §4).
// Kernels call these per particle from OpenMP threads: implementations are const and
// thread-safe, and use only the caller's scratch (scratchSize() doubles), never allocate.
#pragma once
#include <cstddef>
#include <cstdint>
#include "process/process.h"

namespace dw2 {

class Target {
 public:
  virtual ~Target() = default;
  virtual size_t dim() const = 0;
  // False when p_t's score blows up at t = 0 (Dirac mixtures, singular covariances):
  // then two-stage schemes do not evaluate it there (spec §5, last paragraph).
  virtual bool scoreDefinedAtZero() const = 0;
  // Doubles of scratch the calls below need (per calling thread).
  virtual size_t scratchSize() const = 0;

  // s(t, x) = ∇ log p_t(x).
  virtual void score(const Process& p, double t, const double* x, double* s, double* scratch) const = 0;
  // Doubles of scratch scoreBatch needs (per calling thread); at least scratchSize(), and the
  // same buffer may be passed to the per-point methods (its first scratchSize() doubles).
  virtual size_t batchScratchSize() const { return scratchSize(); }
  // s_i = s(t, x_i) for rows i < rows (x, s: rows × d, row-major, not aliased): bitwise equal
  // to calling score row by row, for any rows (the fused sampler calls it on blocks of
  // particles, so results stay independent of block and thread splits). The default loops over
  // score; targets override it with kernels vectorized over rows.
  virtual void scoreBatch(const Process& p, double t, const double* x, size_t rows, size_t d, double* s, double* scratch) const;
  // s and its Jacobian ∇s (the Hessian of log p_t, symmetric, d × d row-major).
  virtual void scoreJacobian(const Process& p, double t, const double* x, double* s, double* jacobian, double* scratch) const = 0;
  // (∇s) v, without forming ∇s where the target can.
  virtual void hessianVectorProduct(const Process& p, double t, const double* x, const double* v, double* out, double* scratch) const = 0;
  // Δs: component i is Σ_j ∂²s_i/∂x_j².
  virtual void scoreLaplacian(const Process& p, double t, const double* x, double* laplacian, double* scratch) const = 0;
  // ∂s/∂t at fixed x.
  virtual void scoreTimeDerivative(const Process& p, double t, const double* x, double* dsdt, double* scratch) const = 0;
  // What one local-linearization step needs at x, together: s, ∂_t s, Δs and, when jacobian is
  // non-null, ∇s — each bitwise equal to the separate calls above. The default makes those calls;
  // mixtures override it with one pass over the components (their shared work done once).
  virtual void localDerivatives(const Process& p, double t, const double* x, double* s, double* dsdt, double* laplacian,
                                double* jacobian, double* scratch) const;
  // The fast (cached-product) route of local linearization: localDerivatives without the Jacobian,
  // plus a summary of ∇s at x in `cache` (hessianCacheSize() doubles) from which
  // cachedHessianProduct gives (∇s) v with no further score work. Default: the cache is ∇s
  // itself (d × d) and a product costs d²; diagonal mixtures keep diag + rank K (O(K d)).
  virtual size_t hessianCacheSize() const { return dim() * dim(); }
  virtual void localDerivativesCached(const Process& p, double t, const double* x, double* s, double* dsdt, double* laplacian,
                                      double* cache, double* scratch) const {
    localDerivatives(p, t, x, s, dsdt, laplacian, cache, scratch);
  }
  virtual void cachedHessianProduct(const double* cache, const double* v, double* out) const;
  // The cache's layout, for callers that apply it themselves (the sampler's SIMD lanes): 0 when it is
  // ∇s (d × d, row-major); R > 0 when it is [m ≤ R, D (d), u_1 … u_m (d each)] with
  // ∇s = diag(D) + Σ_k u_k u_kᵀ (diagonal mixtures: R = K).
  virtual size_t hessianSummaryRank() const { return 0; }
  // The same for up to 8 points at once (rows × d, row-major), one per SIMD lane (the sampler's lane
  // route): s, ∂_t s, Δs as lanes (d × 8 each, coordinate j of point p at j·8 + p) and the summary as
  // lanes in laneSummary — D (d × 8), then u_1 … u_R (R × d × 8; zeros for the terms a row does not
  // have); Δs is skipped where its pointer is null (the ODE step does not need it).
  // laneScratchSize() = 0: not offered (structured summaries only).
  virtual size_t laneScratchSize() const { return 0; }
  virtual void localDerivativesLanes(const Process&, double, const double*, size_t, double*, double*, double*, double*,
                                     double*) const {}

  // An exact draw from p_t for `particle`, a pure function of (seed, particle, t): noise
  // from the Philox generator with step = kMarginalStep and stages ≥ kMarginalStage.
  virtual void sampleMarginal(const Process& p, double t, uint64_t seed, uint64_t particle, double* x, double* scratch) const = 0;

  // Mean (d) and covariance (d × d) of p₀, for the ot-gaussian prior.
  virtual void moments(double* mean, double* covariance) const = 0;
};

// Noise keys reserved for exact draws of p_t (kept away from sampler steps and stages).
constexpr uint32_t kMarginalStep = 0xFFFFFFF0u;
constexpr uint32_t kMarginalStage = 0x100u;

}  // namespace dw2
