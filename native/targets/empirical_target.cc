// The empirical distribution (1/m) Σ_k δ_{x_k}: p_t = (1/m) Σ_k N(αx_k, σ²I), the mixture
// with Σ_k = 0 and equal weights, whose score is the ideal denoiser (spec §4). Every
// component shares the covariance σ²I, which makes the mixture formulas collapse to
// O(m d) per point: with x̄ = Σ r_k x_k and e_k = α(x_k − x̄)/σ² (= s_k − s),
//   s   = −(x − αx̄)/σ²
//   ∇s  = −I/σ² + Σ r_k e_k e_kᵀ
//   Δs  = Σ r_k |e_k|² e_k                       (the H_k e_k and tr H_k terms cancel)
//   ∂ts = −(2f + g²/σ²) s + fαx̄/σ² + Σ r_k (δ_k − δ̄) e_k,
//         δ_k = ∂_t log N_k up to a k-independent term = (f/σ²) y_k·x + g²|y_k|²/(2σ⁴), y_k = x − αx_k.
// Defined for σ(t) > 0 only.
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>
#include "core/errors.h"
#include "targets/basis_kernels.h"
#include "targets/marginal_noise.h"
#include "targets/mixture_block.h"
#include "targets/point_scores.h"
#include "targets/targets.h"

namespace dw2 {

namespace {

class EmpiricalTarget final : public Target {
 public:
  EmpiricalTarget(size_t m, size_t d, const double* points) : m_(m), d_(d), points_(points, points + m * d), halfSquaredNorms_(m) {
    if (m == 0) fail(ErrorCode::InvalidArgument, "points is empty: an empirical target needs at least one point");
    if (d == 0) fail(ErrorCode::InvalidArgument, "d must be >= 1");
    requireFinitePoints();
    for (size_t k = 0; k < m; ++k) halfSquaredNorms_[k] = 0.5 * dotProduct(points + k * d, points + k * d, d);
  }

  size_t dim() const override { return d_; }
  bool scoreDefinedAtZero() const override { return false; }
  // r (m), |y_k|² then δ_k (m), then x̄, e and one more d-vector.
  size_t scratchSize() const override { return 2 * m_ + 3 * d_; }

  // The score by the block kernel (one row needs m + 2d + 2 ≤ scratchSize() doubles), so that
  // per-point and batched scores are the same bits.
  void score(const Process& p, double t, const double* x, double* s, double* scratch) const override {
    empiricalScoresBlock(m_, d_, 1, p.alpha(t), p.sigma2(t), points_.data(), halfSquaredNorms_.data(), x, s, scratch);
  }

  size_t batchScratchSize() const override { return std::max(scratchSize(), empiricalBlockWork(m_, d_)); }

  void scoreBatch(const Process& p, double t, const double* x, size_t rows, size_t d, double* s, double* scratch) const override {
    const double alpha = p.alpha(t), sigma2 = p.sigma2(t);
    for (size_t first = 0; first < rows; first += kEmpiricalBlock) {
      const size_t count = std::min(kEmpiricalBlock, rows - first);
      empiricalScoresBlock(m_, d, count, alpha, sigma2, points_.data(), halfSquaredNorms_.data(), x + first * d, s + first * d, scratch);
    }
  }

  void scoreJacobian(const Process& p, double t, const double* x, double* s, double* jacobian, double* scratch) const override {
    Work w = layout(scratch);
    const Scales c = weigh(p, t, x, w);
    for (size_t i = 0; i < d_; ++i) s[i] = -(x[i] - c.alpha * w.xbar[i]) / c.sigma2;
    for (size_t i = 0; i < d_ * d_; ++i) jacobian[i] = 0.0;
    for (size_t i = 0; i < d_; ++i) jacobian[i * d_ + i] = -1.0 / c.sigma2;
    for (size_t k = 0; k < m_; ++k) {
      const double r = w.r[k];
      if (r == 0) continue;
      centred(c, k, w);
      for (size_t a = 0; a < d_; ++a) {
        const double ra = r * w.e[a];
        for (size_t b = 0; b < d_; ++b) jacobian[a * d_ + b] += ra * w.e[b];
      }
    }
  }

  void hessianVectorProduct(const Process& p, double t, const double* x, const double* v, double* out,
                            double* scratch) const override {
    Work w = layout(scratch);
    const Scales c = weigh(p, t, x, w);
    for (size_t i = 0; i < d_; ++i) out[i] = -v[i] / c.sigma2;
    for (size_t k = 0; k < m_; ++k) {
      const double r = w.r[k];
      if (r == 0) continue;
      centred(c, k, w);
      const double ev = r * dotProduct(w.e, v, d_);
      for (size_t i = 0; i < d_; ++i) out[i] += ev * w.e[i];
    }
  }

  void scoreLaplacian(const Process& p, double t, const double* x, double* laplacian, double* scratch) const override {
    Work w = layout(scratch);
    const Scales c = weigh(p, t, x, w);
    for (size_t i = 0; i < d_; ++i) laplacian[i] = 0.0;
    for (size_t k = 0; k < m_; ++k) {
      const double r = w.r[k];
      if (r == 0) continue;
      centred(c, k, w);
      const double coefficient = r * dotProduct(w.e, w.e, d_);
      for (size_t i = 0; i < d_; ++i) laplacian[i] += coefficient * w.e[i];
    }
  }

  void scoreTimeDerivative(const Process& p, double t, const double* x, double* dsdt, double* scratch) const override {
    Work w = layout(scratch);
    const Scales c = weigh(p, t, x, w);
    const double f = p.f(t), g2 = p.g2(t);
    // δ_k for the points that carry weight (w.delta holds |y_k|² on entry).
    double meanDelta = 0.0;
    for (size_t k = 0; k < m_; ++k) {
      if (w.r[k] == 0) continue;
      const double* xk = points_.data() + k * d_;
      double yx = 0.0;
      for (size_t i = 0; i < d_; ++i) yx += (x[i] - c.alpha * xk[i]) * x[i];
      w.delta[k] = f * yx / c.sigma2 + 0.5 * g2 * w.delta[k] / (c.sigma2 * c.sigma2);
      meanDelta += w.r[k] * w.delta[k];
    }
    const double a = -(2.0 * f + g2 / c.sigma2), b = f * c.alpha / c.sigma2;
    for (size_t i = 0; i < d_; ++i) {
      const double s = -(x[i] - c.alpha * w.xbar[i]) / c.sigma2;
      dsdt[i] = a * s + b * w.xbar[i];
    }
    for (size_t k = 0; k < m_; ++k) {
      const double r = w.r[k];
      if (r == 0) continue;
      centred(c, k, w);
      const double coefficient = r * (w.delta[k] - meanDelta);
      for (size_t i = 0; i < d_; ++i) dsdt[i] += coefficient * w.e[i];
    }
  }

  void sampleMarginal(const Process& p, double t, uint64_t seed, uint64_t particle, double* x, double* scratch) const override {
    const double u = marginalComponentUniform(seed, particle);
    const size_t k = std::min(m_ - 1, static_cast<size_t>(u * double(m_)));
    marginalDiffusionNormals(seed, particle, d_, scratch);
    const double alpha = p.alpha(t), sigma = p.sigma(t);
    const double* xk = points_.data() + k * d_;
    for (size_t i = 0; i < d_; ++i) x[i] = alpha * xk[i] + sigma * scratch[i];
  }

  // Sample mean and biased (1/m) covariance, in two passes.
  void moments(double* mean, double* covariance) const override {
    for (size_t i = 0; i < d_; ++i) mean[i] = 0.0;
    for (size_t i = 0; i < d_ * d_; ++i) covariance[i] = 0.0;
    for (size_t k = 0; k < m_; ++k)
      for (size_t i = 0; i < d_; ++i) mean[i] += points_[k * d_ + i];
    for (size_t i = 0; i < d_; ++i) mean[i] /= double(m_);
    for (size_t k = 0; k < m_; ++k) {
      const double* xk = points_.data() + k * d_;
      for (size_t a = 0; a < d_; ++a)
        for (size_t b = 0; b < d_; ++b) covariance[a * d_ + b] += (xk[a] - mean[a]) * (xk[b] - mean[b]);
    }
    for (size_t i = 0; i < d_ * d_; ++i) covariance[i] /= double(m_);
  }

 private:
  struct Work {
    double *r, *delta, *xbar, *e, *tmp;
  };
  struct Scales {
    double alpha, sigma2;
  };

  Work layout(double* scratch) const {
    Work w;
    w.r = scratch;
    w.delta = w.r + m_;
    w.xbar = w.delta + m_;
    w.e = w.xbar + d_;
    w.tmp = w.e + d_;
    return w;
  }

  // Responsibilities r_k ∝ exp(−|x − αx_k|²/(2σ²)), |y_k|² in w.delta, and x̄ = Σ r_k x_k.
  Scales weigh(const Process& p, double t, const double* x, const Work& w) const {
    const Scales c{p.alpha(t), p.sigma2(t)};
    scaledSquaredDistances(points_.data(), m_, d_, c.alpha, x, w.delta);
    const double scale = -0.5 / c.sigma2;
    for (size_t k = 0; k < m_; ++k) w.r[k] = scale * w.delta[k];
    point::softmaxInPlace(w.r, m_);
    for (size_t i = 0; i < d_; ++i) w.xbar[i] = 0.0;
    for (size_t k = 0; k < m_; ++k) {
      const double r = w.r[k];
      if (r == 0) continue;
      const double* xk = points_.data() + k * d_;
      for (size_t i = 0; i < d_; ++i) w.xbar[i] += r * xk[i];
    }
    return c;
  }

  // e = α(x_k − x̄)/σ², computed directly rather than as s_k − s.
  void centred(const Scales& c, size_t k, const Work& w) const {
    const double* xk = points_.data() + k * d_;
    const double a = c.alpha / c.sigma2;
    for (size_t i = 0; i < d_; ++i) w.e[i] = a * (xk[i] - w.xbar[i]);
  }

  void requireFinitePoints() const {
    for (size_t i = 0; i < points_.size(); ++i)
      if (!std::isfinite(points_[i])) fail(ErrorCode::NonFinite, "points contains a non-finite value at index " + std::to_string(i));
  }

  size_t m_, d_;
  std::vector<double> points_, halfSquaredNorms_;
};

}  // namespace

std::shared_ptr<const Target> makeEmpiricalTarget(size_t m, size_t d, const double* points) {
  return std::make_shared<EmpiricalTarget>(m, d, points);
}

}  // namespace dw2
