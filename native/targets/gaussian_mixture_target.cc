// Σ_k w_k N(μ_k, Σ_k): p_t = Σ_k w_k N(αμ_k, α²Σ_k + σ²I) (spec §4). With component scores
// s_k, responsibilities r_k ∝ w_k N_k(x) and e_k = s_k − s (centred, which avoids the
// cancellation of the uncentred forms):
//   s   = Σ r_k s_k
//   ∇s  = Σ r_k (H_k + e_k e_kᵀ)                        (H_k = −Σ_{k,t}⁻¹)
//   Δs  = ∇ tr ∇s = Σ r_k [(tr H_k + |e_k|²) e_k + 2 H_k e_k]
//   ∂ts = Σ r_k [∂_t s_k + (δ_k − δ̄) e_k]              (δ_k = ∂_t log N_k, δ̄ = Σ r_k δ_k)
// Derivation of Δs: s_i = ∂_i log p, so Σ_j ∂²_j s_i = ∂_i tr ∇s; differentiate
// tr ∇s = Σ r_k (tr H_k + |s_k|²) − |s|² with ∇r_k = r_k e_k and ∇|s_k|² = 2 H_k s_k.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>
#include "core/errors.h"
#include "runtime/lane_buffer.h"
#include "targets/basis_kernels.h"
#include "targets/gaussian_components.h"
#include "targets/marginal_noise.h"
#include "targets/mixture_block.h"
#include "targets/mixture_local_lanes.h"
#include "targets/targets.h"

namespace dw2 {

namespace {

// Weights must be finite, ≥ 0 and sum to 1 within this relative tolerance; then renormalised.
constexpr double kWeightSumTolerance = 1e-9;

std::vector<double> normalisedWeights(size_t K, const double* w) {
  double sum = 0.0;
  for (size_t k = 0; k < K; ++k) {
    if (!std::isfinite(w[k])) fail(ErrorCode::NonFinite, "weights contains a non-finite value at index " + std::to_string(k));
    if (w[k] < 0) fail(ErrorCode::InvalidArgument, "weights must be >= 0, got " + std::to_string(w[k]) + " at index " + std::to_string(k));
    sum += w[k];
  }
  if (!(std::abs(sum - 1.0) <= kWeightSumTolerance)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", sum);
    fail(ErrorCode::InvalidArgument, std::string("weights must sum to 1 (within 1e-9), but they sum to ") + buf);
  }
  std::vector<double> out(w, w + K);
  for (double& x : out) x /= sum;
  return out;
}

class GaussianMixtureTarget final : public Target {
 public:
  GaussianMixtureTarget(size_t K, size_t d, const double* weights, const double* means, const double* covariances,
                        const double* variances)
      : weights_(normalisedWeights(K, weights)),
        g_(K, d, means, covariances, variances, {"means", "covariances", "variances"}),
        logWeights_(K),
        cumulative_(K) {
    double c = 0.0;
    for (size_t k = 0; k < K; ++k) {
      logWeights_[k] = weights_[k] > 0 ? std::log(weights_[k]) : -INFINITY;
      c += weights_[k];
      cumulative_[k] = c;
    }
    cumulative_[K - 1] = 1.0;
  }

  size_t dim() const override { return g_.dim(); }
  bool scoreDefinedAtZero() const override { return g_.nonsingular(); }
  // r (K), δ (K), ŝ_k (K·d, in each eigenbasis), s_k (K·d), then four d-vectors.
  // The per-time cache of the components sits after the work areas (it persists across
  // calls made with the same scratch).
  size_t workSize() const { return 2 * K() + 2 * K() * dim() + 4 * dim(); }
  // Full covariances with cached precision matrices also keep the block kernel's work here:
  // their per-point score is the block kernel on one row.
  size_t scratchSize() const override {
    return workSize() + g_.timeCacheSize() + (g_.precisionCached() ? fullMixtureBlockWork(K(), dim()) : 0);
  }

  void score(const Process& p, double t, const double* x, double* s, double* scratch) const override {
    const MarginalScales m(p, t);
    if (g_.precisionCached()) return fullBlocks(m, x, 1, s, scratch);
    Work w = layout(scratch);
    componentScores(m, x, w, s, scratch);
  }

  // Diagonal covariances: a block kernel after the per-point work areas and time cache.
  size_t batchScratchSize() const override {
    return scratchSize() + (g_.diagonal() ? diagonalMixtureBlockWork(K(), dim()) : 0);
  }

  // One MarginalScales and one time-constant lookup per call, then a block kernel vectorized
  // over rows: diagonal covariances, or full ones in precision form. Full covariances too large
  // to cache their precision matrices take the per-point path.
  void scoreBatch(const Process& p, double t, const double* x, size_t rows, size_t d, double* s, double* scratch) const override {
    const MarginalScales m(p, t);
    if (g_.precisionCached()) return fullBlocks(m, x, rows, s, scratch);
    if (!g_.diagonal()) {
      Work w = layout(scratch);
      for (size_t i = 0; i < rows; ++i) componentScores(m, x + i * d, w, s + i * d, scratch);
      return;
    }
    const auto c = g_.timeConstants(m, scratch + workSize());
    double* work = scratch + scratchSize();
    for (size_t first = 0; first < rows; first += kMixtureBlock) {
      const size_t count = std::min(kMixtureBlock, rows - first);
      diagonalMixtureScoresBlock(K(), d, count, m.alpha, g_.mean(0), c.inverseEll, logWeights_.data(), c.logNormaliser,
                                 x + first * d, s + first * d, work);
    }
  }

  void scoreJacobian(const Process& p, double t, const double* x, double* s, double* jacobian, double* scratch) const override {
    Work w = layout(scratch);
    MarginalScales m(p, t);
    componentScores(m, x, w, s, scratch);
    jacobianFrom(m, w, s, jacobian);
  }

  void hessianVectorProduct(const Process& p, double t, const double* x, const double* v, double* out,
                            double* scratch) const override {
    const size_t d = dim();
    Work w = layout(scratch);
    MarginalScales m(p, t);
    componentScores(m, x, w, w.s, scratch);
    for (size_t i = 0; i < d; ++i) out[i] = 0.0;
    for (size_t k = 0; k < K(); ++k) {
      const double r = w.r[k];
      if (r == 0) continue;
      applyComponentHessian(k, m, v, w.e, w);  // e ← H_k v
      for (size_t i = 0; i < d; ++i) out[i] += r * w.e[i];
      centred(w, k, w.s, w.e);
      const double ev = r * dotProduct(w.e, v, d);
      for (size_t i = 0; i < d; ++i) out[i] += ev * w.e[i];
    }
  }

  void scoreLaplacian(const Process& p, double t, const double* x, double* laplacian, double* scratch) const override {
    Work w = layout(scratch);
    MarginalScales m(p, t);
    componentScores(m, x, w, w.s, scratch);
    laplacianFrom(m, w, laplacian);
  }

  void scoreTimeDerivative(const Process& p, double t, const double* x, double* dsdt, double* scratch) const override {
    Work w = layout(scratch);
    MarginalScales m(p, t);
    componentScores(m, x, w, w.s, scratch);
    timeDerivativeFrom(m, w, dsdt);
  }

  // One componentScores for all four quantities; the loops are those of the separate methods,
  // so every output is bitwise what they give.
  void localDerivatives(const Process& p, double t, const double* x, double* s, double* dsdt, double* laplacian, double* jacobian,
                        double* scratch) const override {
    Work w = layout(scratch);
    MarginalScales m(p, t);
    componentScores(m, x, w, w.s, scratch);
    if (jacobian) jacobianFrom(m, w, w.s, jacobian);
    timeDerivativeFrom(m, w, dsdt);
    laplacianFrom(m, w, laplacian);
    // score() takes the precision-form block kernel for cached full covariances (other rounding).
    if (g_.precisionCached()) return fullBlocks(m, x, 1, s, scratch);
    for (size_t i = 0; i < dim(); ++i) s[i] = w.s[i];
  }

  // Diagonal covariances: ∇s = D + Σ_k u_k u_kᵀ with D = Σ r_k H_k diagonal and u_k = √r_k e_k, kept as
  // [count of r_k > 0, D (d), u_k (K·d)]; a product then costs (2K + 1) d. Full covariances: ∇s itself.
  size_t hessianCacheSize() const override { return g_.diagonal() ? 1 + dim() + K() * dim() : Target::hessianCacheSize(); }
  size_t hessianSummaryRank() const override { return g_.diagonal() ? K() : 0; }

  // The lane constants' time key: a marker (a value no scratch of a fresh thread holds by chance:
  // the buffer starts zeroed) and α, σ², f, g².
  static constexpr size_t kLaneTimeKey = 5;
  static constexpr double kLaneTimeMarker = -7.25e-301;
  static constexpr size_t kLaneArrays = 5;  // per-(k, j) lane constants kept in the scratch
  // After the per-point scratch and the d + 8 doubles a per-row caller may add (TargetLocalModel), each
  // part on a lane boundary (runtime/lane_buffer.h): the time the lane constants belong to (a marker,
  // α, σ², f, g²), αμ, ½ℓ′, fαμ, fαμ/ℓ, ℓ′/ℓ (K·d each), tr H_k and −½ Σ_j ℓ′/ℓ (K each), then the
  // lane kernel's work. Nothing else writes there, so the constants stay valid with their key.
  size_t laneConstantsOffset() const { return wholeLanes(scratchSize() + dim() + 8); }
  size_t laneArray() const { return wholeLanes(K() * dim()); }
  size_t laneScratchSize() const override {
    if (!g_.diagonal()) return 0;
    return laneConstantsOffset() + wholeLanes(kLaneTimeKey) + kLaneArrays * laneArray() + 2 * wholeLanes(K()) +
           mixtureLocalLanesWork(K(), dim());
  }

  void localDerivativesLanes(const Process& p, double t, const double* x, size_t rows, double* s, double* dsdt,
                             double* laplacian, double* laneSummary, double* scratch) const override {
    const size_t K = this->K(), d = dim(), A = laneArray();
    const MarginalScales m(p, t);
    const auto tc = g_.timeConstants(m, scratch + workSize());
    double* key = scratch + laneConstantsOffset();
    double* alphaMean = key + wholeLanes(kLaneTimeKey);
    double *halfEllRate = alphaMean + A, *rateMean = halfEllRate + A, *rateMeanOverEll = rateMean + A;
    double *ellRateOverEll = rateMeanOverEll + A, *traceHessian = ellRateOverEll + A, *deltaOffset = traceHessian + wholeLanes(K);
    double* work = deltaOffset + wholeLanes(K);
    // The per-time constants depend on (α, σ², f, g²) alone: kept in the thread's scratch for the next
    // call at the same time (every group of a step) instead of recomputed per group of eight.
    const bool kept = key[0] == kLaneTimeMarker && key[1] == m.alpha && key[2] == m.sigma2 && key[3] == m.f && key[4] == m.g2;
    if (!kept) {
      const double a2 = m.alpha * m.alpha, fa = m.f * m.alpha;
      for (size_t k = 0; k < K; ++k) {
        double trace = 0.0, offset = 0.0;
        for (size_t j = 0; j < d; ++j) {
          const size_t kj = k * d + j;
          const double ell = point::marginalEigenvalue(a2, g_.eigenvalues(k)[j], m.sigma2);
          const double inv = tc.inverseEll[kj], ellRate = 2.0 * m.f * ell + m.g2;
          alphaMean[kj] = m.alpha * g_.mean(k)[j];
          halfEllRate[kj] = 0.5 * ellRate;
          rateMean[kj] = fa * g_.mean(k)[j];
          rateMeanOverEll[kj] = rateMean[kj] * inv;
          ellRateOverEll[kj] = ellRate * inv;
          trace -= inv;
          offset -= 0.5 * ellRateOverEll[kj];
        }
        traceHessian[k] = trace;
        deltaOffset[k] = offset;
      }
      key[0] = kLaneTimeMarker;
      key[1] = m.alpha;
      key[2] = m.sigma2;
      key[3] = m.f;
      key[4] = m.g2;
    }
    const MixtureLaneConstants c{alphaMean,      tc.inverseEll, halfEllRate, rateMean,           rateMeanOverEll,
                                 ellRateOverEll, traceHessian,  deltaOffset, logWeights_.data(), tc.logNormaliser};
    diagonalMixtureLocalLanes(K, d, rows, c, x, s, dsdt, laplacian, laneSummary, laneSummary + d * 8, work);
  }

  void localDerivativesCached(const Process& p, double t, const double* x, double* s, double* dsdt, double* laplacian,
                              double* cache, double* scratch) const override {
    if (!g_.diagonal()) return localDerivatives(p, t, x, s, dsdt, laplacian, cache, scratch);
    localDerivatives(p, t, x, s, dsdt, laplacian, nullptr, scratch);
    const size_t d = dim();
    Work w = layout(scratch);
    const MarginalScales m(p, t);
    const double* inverseEll = g_.timeConstants(m, scratch + workSize()).inverseEll;
    double* D = cache + 1;
    double* u = D + d;
    for (size_t j = 0; j < d; ++j) D[j] = 0.0;
    size_t active = 0;
    for (size_t k = 0; k < K(); ++k) {
      const double r = w.r[k];
      if (r == 0) continue;
      for (size_t j = 0; j < d; ++j) D[j] -= r * inverseEll[k * d + j];
      const double root = std::sqrt(r);
      const double* sk = w.sk + k * d;
      for (size_t j = 0; j < d; ++j) u[active * d + j] = root * (sk[j] - w.s[j]);
      ++active;
    }
    cache[0] = static_cast<double>(active);
  }

  void cachedHessianProduct(const double* cache, const double* v, double* out) const override {
    if (!g_.diagonal()) return Target::cachedHessianProduct(cache, v, out);
    const size_t d = dim(), active = static_cast<size_t>(cache[0]);
    const double* D = cache + 1;
    const double* u = D + d;
    for (size_t j = 0; j < d; ++j) out[j] = D[j] * v[j];
    for (size_t k = 0; k < active; ++k) {
      const double c = dotProduct(u + k * d, v, d);
      for (size_t j = 0; j < d; ++j) out[j] += c * u[k * d + j];
    }
  }

  void sampleMarginal(const Process& p, double t, uint64_t seed, uint64_t particle, double* x, double* scratch) const override {
    const size_t d = dim();
    double *z = scratch, *tmp = scratch + d;
    const double u = marginalComponentUniform(seed, particle);
    const size_t k = std::min<size_t>(K() - 1, std::upper_bound(cumulative_.begin(), cumulative_.end(), u) - cumulative_.begin());
    marginalDataNormals(seed, particle, d, z);
    g_.transformNormal(k, z, x, tmp);  // X₀ ~ N(μ_k, Σ_k)
    marginalDiffusionNormals(seed, particle, d, z);
    const double alpha = p.alpha(t), sigma = p.sigma(t);
    for (size_t i = 0; i < d; ++i) x[i] = alpha * x[i] + sigma * z[i];
  }

  // mean = Σ w_k μ_k, covariance = Σ w_k (Σ_k + (μ_k − mean)(μ_k − mean)ᵀ).
  void moments(double* mean, double* covariance) const override {
    const size_t d = dim();
    std::vector<double> ck(d * d);
    for (size_t i = 0; i < d; ++i) mean[i] = 0.0;
    for (size_t i = 0; i < d * d; ++i) covariance[i] = 0.0;
    for (size_t k = 0; k < K(); ++k)
      for (size_t i = 0; i < d; ++i) mean[i] += weights_[k] * g_.mean(k)[i];
    for (size_t k = 0; k < K(); ++k) {
      g_.covariance(k, ck.data());
      const double* mu = g_.mean(k);
      for (size_t a = 0; a < d; ++a)
        for (size_t b = 0; b < d; ++b)
          covariance[a * d + b] += weights_[k] * (ck[a * d + b] + (mu[a] - mean[a]) * (mu[b] - mean[b]));
    }
  }

 private:
  struct Work {
    double *r, *delta, *shat, *sk, *s, *e, *tmp, *tmp2;
  };

  size_t K() const { return g_.count(); }

  Work layout(double* scratch) const {
    const size_t K = this->K(), d = dim();
    Work w;
    w.r = scratch;
    w.delta = w.r + K;
    w.shat = w.delta + K;
    w.sk = w.shat + K * d;
    w.s = w.sk + K * d;
    w.e = w.s + d;
    w.tmp = w.e + d;
    w.tmp2 = w.tmp + d;
    return w;
  }

  // ∇s = Σ r_k (H_k + e_k e_kᵀ), after componentScores (s: its mixture score).
  void jacobianFrom(const MarginalScales& m, const Work& w, const double* s, double* jacobian) const {
    const size_t d = dim();
    for (size_t i = 0; i < d * d; ++i) jacobian[i] = 0.0;
    for (size_t k = 0; k < K(); ++k) {
      const double r = w.r[k];
      if (r == 0) continue;
      g_.hessianInBasis(k, m, w.tmp);
      for (size_t j = 0; j < d; ++j) w.tmp[j] *= r;
      g_.addDiagonalInBasis(k, w.tmp, jacobian);
      centred(w, k, s, w.e);
      for (size_t a = 0; a < d; ++a) {
        const double ra = r * w.e[a];
        for (size_t b = 0; b < d; ++b) jacobian[a * d + b] += ra * w.e[b];
      }
    }
  }

  // Δs = Σ r_k [(tr H_k + |e_k|²) e_k + 2 H_k e_k], after componentScores into w.s.
  void laplacianFrom(const MarginalScales& m, const Work& w, double* laplacian) const {
    const size_t d = dim();
    for (size_t i = 0; i < d; ++i) laplacian[i] = 0.0;
    for (size_t k = 0; k < K(); ++k) {
      const double r = w.r[k];
      if (r == 0) continue;
      g_.hessianInBasis(k, m, w.tmp);
      double trace = 0.0;
      for (size_t j = 0; j < d; ++j) trace += w.tmp[j];
      centred(w, k, w.s, w.e);
      const double c = r * (trace + dotProduct(w.e, w.e, d));
      for (size_t i = 0; i < d; ++i) laplacian[i] += c * w.e[i];
      applyComponentHessian(k, m, w.e, w.e, w);  // e ← H_k e
      for (size_t i = 0; i < d; ++i) laplacian[i] += 2.0 * r * w.e[i];
    }
  }

  // ∂_t s = Σ r_k [∂_t s_k + (δ_k − δ̄) e_k], after componentScores into w.s.
  void timeDerivativeFrom(const MarginalScales& m, const Work& w, double* dsdt) const {
    const size_t d = dim();
    double meanDelta = 0.0;
    for (size_t k = 0; k < K(); ++k) {
      if (w.r[k] == 0) continue;
      w.delta[k] = g_.logDensityTimeDerivative(k, m, basisScore(w, k));
      meanDelta += w.r[k] * w.delta[k];
    }
    for (size_t i = 0; i < d; ++i) dsdt[i] = 0.0;
    for (size_t k = 0; k < K(); ++k) {
      const double r = w.r[k];
      if (r == 0) continue;
      g_.scoreTimeDerivativeInBasis(k, m, basisScore(w, k), w.tmp);
      g_.fromBasis(k, w.tmp, w.e);
      for (size_t i = 0; i < d; ++i) dsdt[i] += r * w.e[i];
      centred(w, k, w.s, w.e);
      const double c = r * (w.delta[k] - meanDelta);
      for (size_t i = 0; i < d; ++i) dsdt[i] += c * w.e[i];
    }
  }

  // Fills r, ŝ_k and s_k (for r_k > 0) and the mixture score s (point_scores.h: the GPU's code too).
  void componentScores(const MarginalScales& m, const double* x, const Work& w, double* s, double* scratch) const {
    const auto c = g_.timeConstants(m, scratch + workSize());
    // With the identity basis ŝ_k = s_k: both in sk (see basisScore).
    const KeptComponents kept{w.r, g_.diagonal() ? w.sk : w.shat, w.sk, dim()};
    pointMixtureScore(g_.view(), point::CachedConstants{c.inverseEll, c.logNormaliser, dim()}, logWeights_.data(), m.alpha, x, s, kept);
  }

  // Scores of full-covariance components by the precision-form block kernel (mixture_block.h).
  void fullBlocks(const MarginalScales& m, const double* x, size_t rows, double* s, double* scratch) const {
    const size_t d = dim();
    const auto c = g_.timeConstants(m, scratch + workSize(), true);
    double* work = scratch + workSize() + g_.timeCacheSize();
    for (size_t first = 0; first < rows; first += kFullMixtureBlock) {
      const size_t count = std::min(kFullMixtureBlock, rows - first);
      fullMixtureScoresBlock(K(), d, count, m.alpha, g_.mean(0), c.hessian, logWeights_.data(), c.logNormaliser,
                             x + first * d, s + first * d, work);
    }
  }

  // ŝ_k, component k's score in its eigenbasis (s_k itself for diagonal covariances).
  const double* basisScore(const Work& w, size_t k) const { return (g_.diagonal() ? w.sk : w.shat) + k * dim(); }

  // e = s_k − s.
  void centred(const Work& w, size_t k, const double* s, double* e) const {
    const double* sk = w.sk + k * dim();
    for (size_t i = 0; i < dim(); ++i) e[i] = sk[i] - s[i];
  }

  // out = H_k v (out may alias v); uses w.tmp and w.tmp2.
  void applyComponentHessian(size_t k, const MarginalScales& m, const double* v, double* out, const Work& w) const {
    g_.hessianInBasis(k, m, w.tmp);
    g_.toBasis(k, v, w.tmp2);
    for (size_t j = 0; j < dim(); ++j) w.tmp2[j] *= w.tmp[j];
    g_.fromBasis(k, w.tmp2, out);
  }

  std::vector<double> weights_;
  GaussianComponents g_;
  std::vector<double> logWeights_, cumulative_;
};

}  // namespace

std::shared_ptr<const Target> makeGaussianMixtureTarget(size_t K, size_t d, const double* weights, const double* means,
                                                        const double* covariances, const double* variances) {
  if (K == 0) fail(ErrorCode::InvalidArgument, "weights must have at least one entry");
  return std::make_shared<GaussianMixtureTarget>(K, d, weights, means, covariances, variances);
}

}  // namespace dw2
