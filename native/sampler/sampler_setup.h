// Everything a sampler run needs besides the particles themselves, and what it reports.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>
#include "process/process.h"
#include "schemes/scheme.h"

namespace dw2 {

class BrownianWalker;

enum class HessianRoute { Auto, Dense, Krylov };

struct SamplerSetup {
  Scheme scheme = Scheme::EulerMaruyama;
  Process process;
  std::vector<double> grid;  // t_0 = T > … > t_N = t_end
  double eta = 0.0;          // ddim
  uint64_t seed = 0;
  bool pathNoise = false;      // noise from one Brownian path per particle (sampler/path_noise.h)
  std::shared_ptr<BrownianWalker> pathWalker;  // its walker (makePathWalker), when pathNoise
  uint64_t firstParticle = 0;  // global index of row 0 (noise keys use first + row)
  size_t n = 0, d = 0;
  bool scoreDefinedAtZero = true;
  HessianRoute hessian = HessianRoute::Auto;
  int krylovDim = 30;          // Lanczos iterations (capped at d)
  std::vector<int> trajectorySteps;  // grid indices whose states are recorded
};

struct SamplerStats {
  uint64_t nfe = 0;         // score evaluations per particle (finite differences included)
  uint64_t hvps = 0;        // Hessian-vector products per particle (local linearization)
  uint64_t jacobians = 0;   // full Jacobians ∇s per particle (dense route, native targets)
  int fallbackSteps = 0;    // steps reduced to their first stage at t = 0
  bool dense = false;       // local linearization: the dense route was used
};

// Dense eigen route for local linearization when d is at most this (hessian: 'auto').
constexpr size_t kDenseHessianMaxDim = 64;

}  // namespace dw2
