// The fused sampler step on the GPU, as the host driver (cuda/sampler_run.cc) sees it: plain
// C++ (no CUDA types), so .cc files include it. One thread per particle takes the particle
// through a whole step (every stage, its scores and its noise), as the CPU's fused executor
// does; state and stage registers live in global memory, coordinate-major (coalesced).
// Implemented in sampler_kernels.cu; without CUDA, sampler_unavailable.cc throws UNSUPPORTED.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>
#include "process/process_coefficients.h"
#include "schemes/randomized_plans.h"

namespace dw2::cuda {

constexpr int kDevMaxStages = 4;  // = kMaxStages (schemes/step_plan.h)
constexpr int kDevMaxNoises = 2;  // = kMaxNoises
constexpr int kDevMaxTerms = 2 * kDevMaxStages + kDevMaxNoises;

// sampler/combination.h's CompiledCombination: non-zero terms in the CPU's order (registers,
// scores, noises). source: 0 register, 1 score, 2 noise.
struct DevCombination {
  int count = 0;
  double coef[kDevMaxTerms] = {};
  int source[kDevMaxTerms] = {};
  int index[kDevMaxTerms] = {};
};

// One step t0 → t1, everything computed on the host except what depends on a particle's u.
struct DevStep {
  uint32_t k = 0;  // step index (noise key)
  int stages = 0, noises = 0;
  RandomizedRule randomized = RandomizedRule::None;
  DevCombination input[kDevMaxStages];  // [0] unused (R₀ = x)
  DevCombination output;
  // α and σ² of every stage whose time is shared by all particles (all stages, or stage 0 of a
  // randomized scheme), from the host's Process: the CPU's own numbers.
  double alpha[kDevMaxStages] = {}, sigma2[kDevMaxStages] = {};
  // Randomized schemes: the host's values at t0 and t1 (randomizedEnds, as the CPU computes them).
  RandomizedEnds ends = {};
};

// An analytic Gaussian (mixture = false, K = 1) or Gaussian mixture, as the device needs it.
struct DevTargetHost {
  bool mixture = false;
  bool diagonal = true;
  size_t K = 1, d = 0;
  std::vector<double> logWeights;   // K (mixtures)
  std::vector<double> means;        // K·d
  std::vector<double> eigenvalues;  // K·d (the variances when diagonal)
  std::vector<double> basis;        // K·d·d: row j of component k at (k·d + j)·d (empty when diagonal)
};

class DeviceSampler {
 public:
  // Allocates the state (n × d) and the stage workspace for chunks of particles.
  DeviceSampler(const DevTargetHost& target, ProcessParams process, size_t n, size_t d, bool float32, uint64_t seed,
                uint64_t firstParticle);
  ~DeviceSampler();
  DeviceSampler(const DeviceSampler&) = delete;
  DeviceSampler& operator=(const DeviceSampler&) = delete;

  // x: n × d row-major host array of float (float32) or double.
  void upload(const void* x);
  void download(void* x);
  // constants (mixtures): per shared stage j, K·d inverse ℓ then K log normalisers (the CPU's
  // GaussianComponents::timeConstants); null for a single Gaussian.
  void step(const DevStep& s, const double* constants, size_t constantsLength);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dw2::cuda
