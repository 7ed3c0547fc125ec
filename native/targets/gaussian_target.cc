// N(μ, Σ): p_t = N(αμ, Σ_t), Σ_t = α²Σ + σ²I; s = −Σ_t⁻¹(x − αμ), ∇s = −Σ_t⁻¹, Δs = 0,
// all applied in the eigenbasis of Σ (spec §4).
#include <memory>
#include "targets/gaussian_components.h"
#include "targets/marginal_noise.h"
#include "targets/targets.h"

namespace dw2 {

namespace {

class GaussianTarget final : public Target {
 public:
  GaussianTarget(size_t d, const double* mean, const double* covariance, const double* variances)
      : g_(1, d, mean, covariance, variances, {"mean", "covariance", "variances"}) {}

  size_t dim() const override { return g_.dim(); }
  bool scoreDefinedAtZero() const override { return g_.nonsingular(); }
  // ŷ, ŝ and one more d-vector.
  size_t scratchSize() const override { return 3 * g_.dim(); }

  void score(const Process& p, double t, const double* x, double* s, double* scratch) const override {
    scoreAt(MarginalScales(p, t), x, s, scratch);
  }

  // The scales once per batch.
  void scoreBatch(const Process& p, double t, const double* x, size_t rows, size_t d, double* s, double* scratch) const override {
    const MarginalScales m(p, t);
    for (size_t i = 0; i < rows; ++i) scoreAt(m, x + i * d, s + i * d, scratch);
  }

  void scoreJacobian(const Process& p, double t, const double* x, double* s, double* jacobian, double* scratch) const override {
    const size_t d = g_.dim();
    score(p, t, x, s, scratch);
    for (size_t i = 0; i < d * d; ++i) jacobian[i] = 0.0;
    g_.hessianInBasis(0, MarginalScales(p, t), scratch);
    g_.addDiagonalInBasis(0, scratch, jacobian);
  }

  void hessianVectorProduct(const Process& p, double t, const double* x, const double* v, double* out,
                            double* scratch) const override {
    const size_t d = g_.dim();
    double *c = scratch, *vhat = scratch + d;
    g_.hessianInBasis(0, MarginalScales(p, t), c);
    g_.toBasis(0, v, vhat);
    for (size_t j = 0; j < d; ++j) vhat[j] *= c[j];
    g_.fromBasis(0, vhat, out);
  }

  void scoreLaplacian(const Process&, double, const double*, double* laplacian, double*) const override {
    for (size_t i = 0; i < g_.dim(); ++i) laplacian[i] = 0.0;
  }

  void scoreTimeDerivative(const Process& p, double t, const double* x, double* dsdt, double* scratch) const override {
    const size_t d = g_.dim();
    double *yhat = scratch, *shat = scratch + d, *tmp = scratch + 2 * d;
    MarginalScales m(p, t);
    g_.residualInBasis(0, m, x, yhat);
    g_.scoreInBasis(0, m, yhat, shat);
    g_.scoreTimeDerivativeInBasis(0, m, shat, tmp);
    g_.fromBasis(0, tmp, dsdt);
  }

  void sampleMarginal(const Process& p, double t, uint64_t seed, uint64_t particle, double* x, double* scratch) const override {
    const size_t d = g_.dim();
    double *z = scratch, *tmp = scratch + d;
    marginalDataNormals(seed, particle, d, z);
    g_.transformNormal(0, z, x, tmp);  // X₀
    marginalDiffusionNormals(seed, particle, d, z);
    const double alpha = p.alpha(t), sigma = p.sigma(t);
    for (size_t i = 0; i < d; ++i) x[i] = alpha * x[i] + sigma * z[i];
  }

  void moments(double* mean, double* covariance) const override {
    for (size_t i = 0; i < g_.dim(); ++i) mean[i] = g_.mean(0)[i];
    g_.covariance(0, covariance);
  }

 private:
  // point_scores.h: the GPU's code too.
  void scoreAt(const MarginalScales& m, const double* x, double* s, double* scratch) const {
    pointGaussianScore(g_.view(), m.alpha, m.sigma2, x, s, scratch);
  }

  GaussianComponents g_;
};

}  // namespace

std::shared_ptr<const Target> makeGaussianTarget(size_t d, const double* mean, const double* covariance, const double* variances) {
  return std::make_shared<GaussianTarget>(d, mean, covariance, variances);
}

}  // namespace dw2
