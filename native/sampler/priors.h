// Where sampling starts (spec §2). A prior draws x_T for one particle as a pure function of
// (seed, particle), so the start does not depend on threads or batch split. New priors (a
// fitted optimal-transport map, say) implement the same small interface.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>
#include "otprior/laguerre_argmax.h"
#include "process/process.h"
#include "targets/target.h"

namespace dw2 {

class Prior {
 public:
  virtual ~Prior() = default;
  virtual size_t scratchSize() const { return 0; }
  // x (d doubles) = the start of `particle`; thread-safe, no allocation.
  virtual void draw(uint64_t seed, uint64_t particle, double* x, double* scratch) const = 0;
  // rows starts at once (x: rows × d, particles first … first + rows − 1), equal to draw row by
  // row; the default loops over draw. scratch: scratchSize() doubles.
  virtual void drawRows(uint64_t seed, uint64_t first, size_t rows, size_t d, double* x, double* scratch) const {
    for (size_t r = 0; r < rows; ++r) draw(seed, first + r, x + r * d, scratch);
  }
};

// scale · z, z ~ N(0, I): `normal` (scale 1 for vp/ou, σ(T) for ve/heat) and `marginal-noise` (σ(T)).
class ScaledNormalPrior : public Prior {
 public:
  ScaledNormalPrior(size_t d, double scale) : d_(d), scale_(scale) {}
  void draw(uint64_t seed, uint64_t particle, double* x, double* scratch) const override;
  // The block noise generator (vectorized over particles).
  void drawRows(uint64_t seed, uint64_t first, size_t rows, size_t d, double* x, double* scratch) const override;

 private:
  size_t d_;
  double scale_;
};

// mean + A z with A symmetric (d × d, row-major): the `ot-gaussian` prior.
class AffineGaussianPrior : public Prior {
 public:
  AffineGaussianPrior(std::vector<double> mean, std::vector<double> factor) : mean_(std::move(mean)), factor_(std::move(factor)) {}
  size_t scratchSize() const override { return mean_.size(); }
  void draw(uint64_t seed, uint64_t particle, double* x, double* scratch) const override;

 private:
  std::vector<double> mean_, factor_;
};

// An exact draw of p_T from an analytic target: the `exact` prior.
class TargetMarginalPrior : public Prior {
 public:
  TargetMarginalPrior(std::shared_ptr<const Target> target, Process p, double T) : target_(std::move(target)), p_(p), T_(T) {}
  size_t scratchSize() const override { return target_->scratchSize(); }
  void draw(uint64_t seed, uint64_t particle, double* x, double* scratch) const override;

 private:
  std::shared_ptr<const Target> target_;
  Process p_;
  double T_;
};

// A fitted semi-discrete OT prior (spec §2; otprior/): the source draw z ~ N(0, I) of `particle`,
// keyed (seed, step 0, otstream::kPriorSample) as lib/ot-prior.ts's sample() draws it, mapped
// through the transport map of points y (m × d) and dual weights h for source scale `scale`
// (hard map for tau = 0, soft map with temperature tau > 0). Equal, row for row, to the map
// applied to all particles at once.
class TransportMapPrior : public Prior {
 public:
  TransportMapPrior(std::vector<double> points, const std::vector<double>& weights, size_t d, double scale, double tau);
  size_t scratchSize() const override;
  void draw(uint64_t seed, uint64_t particle, double* x, double* scratch) const override { drawRows(seed, particle, 1, d_, x, scratch); }
  void drawRows(uint64_t seed, uint64_t first, size_t rows, size_t d, double* x, double* scratch) const override;

 private:
  std::vector<double> points_;
  size_t d_;
  double tau_;
  PackedCells cells_;
  size_t rowsAtOnce_;  // rows mapped per pass (bounds the soft map's rows × m scores)
};

// The ot-gaussian prior for data with mean μ and covariance Σ (d × d): α(T)μ + (α(T)²Σ + σ(T)²I)^{1/2} z.
// Throws INVALID_ARGUMENT when Σ is not symmetric positive semi-definite.
std::unique_ptr<Prior> otGaussianPrior(const Process& p, double T, const double* mean, const double* covariance, size_t d);

// Builds a prior by name ('normal', 'marginal-noise', 'exact', 'ot-gaussian'); `target` may be null
// (callback scores), then 'exact' is rejected and 'ot-gaussian' needs mean/covariance.
std::unique_ptr<Prior> makePrior(const std::string& name, const Process& p, double T, size_t d,
                                 std::shared_ptr<const Target> target, const double* mean, const double* covariance);

// Draws rows [0, n) of x (particles first … first + n − 1) from the prior, in parallel.
template <class T>
void drawPrior(const Prior& prior, uint64_t seed, uint64_t first, size_t n, size_t d, T* x);

}  // namespace dw2
