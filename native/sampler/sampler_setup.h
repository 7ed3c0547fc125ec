// Everything a sampler run needs besides the particles themselves, and what it reports.
#pragma once
#include <cstddef>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>
#include "process/process.h"
#include "schemes/scheme.h"

namespace dw2 {

class BrownianWalker;

enum class HessianRoute { Auto, Dense, Krylov };

struct SamplerSetup {
  Scheme scheme = nullptr;  // a row of the catalogue (parseScheme)
  Process process;
  std::vector<double> grid;  // t_0 = T > … > t_N = t_end
  double eta = 0.0;          // ddim
  SamplerParams params;      // ancestral η, s_noise, s_churn, s_tmin, s_tmax (k-diffusion samplers)
  uint64_t seed = 0;
  bool pathNoise = false;      // noise from one Brownian path per particle (sampler/path_noise.h)
  std::shared_ptr<BrownianWalker> pathWalker;  // its walker (makePathWalker), when pathNoise
  // The grid's kind when it was built from one (GridKind as int; −1: an explicit grid) and its ρ:
  // path noise puts its Brownian tree on that kind's own clock (sampler/path_noise.h).
  int gridKind = -1;
  double gridRho = 7.0;
  uint64_t pathPieces = 1;  // odd part of the step count the path's tree is laid out for (path_noise.h)
  uint64_t firstParticle = 0;  // global index of row 0 (noise keys use first + row)
  size_t n = 0, d = 0;
  bool scoreDefinedAtZero = true;
  HessianRoute hessian = HessianRoute::Auto;
  int krylovDim = 30;          // Lanczos iterations (capped at d); the cached route's largest dimension
  double krylovTolerance = 1e-10;  // cached route: relative tolerance of each Lanczos run (local_linearization_step.h)
  // Local linearization, stabilized variant: the matrix functions see min(μ, cap/h) for each
  // eigenvalue μ of L (local_linearization_step.h); +∞ = the plain scheme of spec §6.
  double linearizationCap = HUGE_VAL;
  std::vector<int> trajectorySteps;  // grid indices whose states are recorded
};

struct SamplerStats {
  uint64_t nfe = 0;         // score evaluations per particle (finite differences included)
  uint64_t hvps = 0;        // Hessian-vector products per particle (local linearization)
  uint64_t jacobians = 0;   // full Jacobians ∇s per particle (dense route, native targets)
  int fallbackSteps = 0;    // steps reduced to their first stage at t = 0
  bool dense = false;       // local linearization: the dense route was used
  uint64_t krylovUnconverged = 0;  // cached route: Lanczos runs stopped at krylovDim before meeting the tolerance
  // dpm-adaptive: attempted steps accepted / rejected, and the accepted grid (T … t_end)
  uint64_t accepted = 0, rejected = 0;
  std::vector<double> acceptedGrid;
  uint64_t divergedParticles = 0;  // particles that became non-finite or ran away (sampler/divergence.h)
  int firstDivergedStep = 0;       // the first step (1-based) where one did; 0 = none
};

// Dense eigen route for local linearization when d is at most this (hessian: 'auto').
constexpr size_t kDenseHessianMaxDim = 64;
// With path noise (Lanczos runs on the cached route), auto takes the cached-product Krylov route from
// this d on for targets that offer it in SIMD lanes (diagonal mixtures: Target::laneScratchSize() >
// 0), the dense route below. Crossovers measured on the bench mixture (K = 8, one thread, µs per
// particle-step dense / Krylov): d = 2 0.99 / 0.72, d = 4 1.51 / 1.57, d = 8 3.25 / 3.60, d = 10
// 4.33 / 3.83, d = 12 5.66 / 4.07. With per-step noise and for the ODE (the polynomial route) the
// cached route is faster at every d and for every native target: diagonal mixtures SDE d = 2 0.76 /
// 0.34, d = 8 3.05 / 0.50, ODE d = 2 0.69 / 0.25; d = 16 Gaussian 2.2 / 0.54, full-covariance mixture
// 12.5 / 7.5, empirical (200 points) 44 / 41. docs/sampling.md.
constexpr size_t kCachedHessianMinDimPathNoise = 10;

}  // namespace dw2
