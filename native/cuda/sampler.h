// The sampler on the GPU (analytic Gaussian and Gaussian-mixture targets, every linear-stage
// scheme): the same prior draw, the same StepPlans (built on the host by buildStepPlan), the same
// score formulas and the same Philox noise as the CPU's fused executor, so samples equal the CPU
// path to float round-off. Plain C++: the CUDA parts sit behind cuda/sampler_kernels.h.
#pragma once
#include <cstddef>
#include <memory>
#include "cuda/sampler_kernels.h"
#include "process/process.h"
#include "core/progress.h"
#include "sampler/run_sampler.h"
#include "sampler/sampler_setup.h"

namespace dw2 {
class GaussianComponents;
}

namespace dw2::cuda {

// A 'gaussian' (mixture = false) or 'gmm' target prepared for the device with the CPU target's
// own code (GaussianComponents: validation, eigendecomposition, per-time constants), so the
// device sees the CPU's eigenbases and constants bit for bit.
class DeviceGaussianTarget {
 public:
  // Arguments as makeGaussianTarget / makeGaussianMixtureTarget (targets/targets.h); K = 1 and
  // weights = null for a single Gaussian.
  DeviceGaussianTarget(bool mixture, size_t K, size_t d, const double* weights, const double* means,
                       const double* covariances, const double* variances);
  ~DeviceGaussianTarget();
  const DevTargetHost& data() const { return data_; }
  // Mixtures: K·d inverse ℓ then K log normalisers at time t (GaussianComponents::timeConstants).
  size_t constantsSize() const { return data_.mixture ? data_.K * data_.d + data_.K : 0; }
  void timeConstants(const Process& p, double t, double* out) const;

 private:
  std::unique_ptr<GaussianComponents> g_;
  DevTargetHost data_;
};

// Why a scheme cannot run on the GPU (Hessian schemes), or null when it can.
const char* unsupportedScheme(Scheme s);

// runSampler (sampler/run_sampler.h) with the scores of `target` computed on the GPU. The prior
// is drawn on the CPU (same keys), the particles are stepped on the device and copied back
// (and at every trajectory index). Throws UNSUPPORTED (with the reason) where no GPU is usable.
template <class T>
void runSampler(const SamplerSetup& s, const DeviceGaussianTarget& target, SamplerIo<T>& io, Progress& progress,
                SamplerStats& stats);

}  // namespace dw2::cuda
