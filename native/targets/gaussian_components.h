// K Gaussians N(μ_k, Σ_k), each kept in the eigenbasis of its covariance,
// Σ_k = Σ_j λ_kj v_kj v_kjᵀ. The marginal covariance α²Σ_k + σ²I of every p_t is then
// diagonal in the same basis (eigenvalues ℓ_kj = α²λ_kj + σ²), so scores, their
// derivatives and draws cost O(d²) per component (O(d) for diagonal covariances),
// with one eigendecomposition at construction.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>
#include "process/process.h"
#include "targets/point_scores.h"

namespace dw2 {

// α, σ², f, g² of a process at one time (what the component formulas need).
struct MarginalScales {
  double alpha, sigma2, f, g2;
  MarginalScales(const Process& p, double t) : alpha(p.alpha(t)), sigma2(p.sigma2(t)), f(p.f(t)), g2(p.g2(t)) {}
};

class GaussianComponents {
 public:
  // How errors name the inputs ("mean"/"covariance" for one Gaussian, "means"/"covariances" for a mixture).
  struct Names {
    std::string means, covariances, variances;
  };
  // means: K·d. Exactly one of covariances (K·d·d, row-major, symmetric PSD) and
  // variances (K·d, ≥ 0) is non-null. With K > 1 covariance errors name the component.
  GaussianComponents(size_t K, size_t d, const double* means, const double* covariances, const double* variances,
                     const Names& names);

  size_t count() const { return K_; }
  size_t dim() const { return d_; }
  bool diagonal() const { return basis_.empty(); }
  // True when every Σ_k is nonsingular (then every p_t has a score at t = 0).
  bool nonsingular() const { return nonsingular_; }

  const double* mean(size_t k) const { return means_.data() + k * d_; }
  // μ_k in its eigenbasis.
  const double* meanInBasis(size_t k) const { return diagonal() ? mean(k) : meansInBasis_.data() + k * d_; }
  const double* eigenvalues(size_t k) const { return eigenvalues_.data() + k * d_; }
  // The components as the per-point score code (point_scores.h) reads them.
  point::Components view() const { return {K_, d_, means_.data(), eigenvalues_.data(), diagonal() ? nullptr : basis_.data()}; }

  // Coordinates in component k's eigenbasis and back (copies when covariances are diagonal).
  void toBasis(size_t k, const double* v, double* out) const;
  void fromBasis(size_t k, const double* w, double* out) const;
  // out += Σ_j c_j v_kj v_kjᵀ (d × d): a matrix diagonal in component k's eigenbasis.
  void addDiagonalInBasis(size_t k, const double* c, double* out) const;

  // Per-time constants of every component, kept in a caller-owned buffer of timeCacheSize()
  // doubles: 1/ℓ_kj and the log normalisers −½(Σ_j log ℓ_kj + d log 2π). They are recomputed
  // only when (α, σ²) change, so a batch of particles at one time pays the K·d logarithms once
  // per thread instead of once per particle. The cache keeps kTimeCacheSlots times (a step of
  // a multi-stage scheme alternates between up to four), the least recently used replaced. A
  // zero-filled buffer is a valid empty cache.
  struct TimeConstants {
    const double* inverseEll;  // K·d
    const double* logNormaliser;  // K
    // H_k = −Σ_{k,t}⁻¹ = U_k diag(−1/ℓ_k) U_kᵀ (K·d·d, row-major) when asked for and
    // precisionCached(), else null.
    const double* hessian;
  };
  // Full covariances small enough (K·d² ≤ kPrecisionLimit doubles) that the cache also keeps
  // every −Σ_{k,t}⁻¹: the block kernel then needs one matrix product per component.
  static constexpr size_t kPrecisionLimit = size_t(1) << 18;
  bool precisionCached() const { return !diagonal() && K_ * d_ * d_ <= kPrecisionLimit; }
  static constexpr size_t kTimeCacheSlots = 4;
  size_t timeCacheSize() const { return 1 + kTimeCacheSlots * timeSlotSize(); }
  // withHessian: also H_k (precisionCached() only; built on first request for the time).
  TimeConstants timeConstants(const MarginalScales& m, double* cache, bool withHessian = false) const;

  // ŷ = (coordinates of x − αμ_k in the eigenbasis).
  void residualInBasis(size_t k, const MarginalScales& m, const double* x, double* yhat) const;
  // The score in the eigenbasis, ŝ_j = −ŷ_j/ℓ_j.
  void scoreInBasis(size_t k, const MarginalScales& m, const double* yhat, double* shat) const;
  // ∂_t log N at fixed x, from ŝ.
  double logDensityTimeDerivative(size_t k, const MarginalScales& m, const double* shat) const;
  // ∂_t ŝ at fixed x, from ŝ (in place allowed).
  void scoreTimeDerivativeInBasis(size_t k, const MarginalScales& m, const double* shat, double* out) const;
  // −1/ℓ_j: the Hessian of log N in the eigenbasis.
  void hessianInBasis(size_t k, const MarginalScales& m, double* out) const;

  // μ_k + Σ_k^{1/2} z (z: d standard normals) — a draw of N(μ_k, Σ_k).
  void transformNormal(size_t k, const double* z, double* out, double* scratch) const;
  // Σ_k (d × d), rebuilt from the eigendecomposition.
  void covariance(size_t k, double* out) const;

 private:
  size_t timeSlotSize() const { return 5 + K_ * d_ + K_ + (precisionCached() ? K_ * d_ * d_ : 0); }
  void buildHessians(const double* inverseEll, double* hessian) const;
  void diagonalFromMatrices(const double* covariances, const std::function<std::string(size_t)>& name);
  // The basis of component k: d rows of d doubles.
  const double* basis(size_t k) const { return basis_.data() + k * d_ * d_; }

  size_t K_, d_;
  std::vector<double> means_, meansInBasis_, eigenvalues_, basis_;  // basis_: K·d·d rows, empty when diagonal
  bool nonsingular_ = true;
};

// The CPU's per-point scores: point_scores.h compiled once per SIMD path (runtime/simd.h).
void pointGaussianScore(const point::Components& g, double alpha, double sigma2, const double* x, double* s, double* work);

// Every component's ŝ_k and s_k in its own slice of a work area, for the derivatives that follow
// a mixture score (with the identity basis ŝ_k = s_k: pass the same area twice).
struct KeptComponents {
  static constexpr bool kKeepsComponents = true;
  double* logits;
  double *shats, *sks;
  size_t d;
  double* shat(size_t k) const { return shats + k * d; }
  double* sk(size_t k) const { return sks + k * d; }
};
void pointMixtureScore(const point::Components& g, const point::CachedConstants& c, const double* logWeights, double alpha,
                       const double* x, double* s, const KeptComponents& w);

}  // namespace dw2
