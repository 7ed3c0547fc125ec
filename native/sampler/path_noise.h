// The noise a sampler step consumes, from one of two sources (SamplerSetup::pathNoise):
//   per-step — fresh normals Z_l = normal(seed, particle, step k, stage l) (random/noise.h);
//   path     — one Brownian path per particle and coordinate (random/brownian_path.h) on reverse
//              time σ = T − t ∈ [0, T − t_end], the same path for every grid on [t_end, T], so
//              runs with different step counts (and a fine-grid reference) share their noise.
// Coupling per scheme, with ΔW, H the path's increment and space-time Lévy area over the step's
// σ-interval of length h = t_k − t_{k+1}:
//   one-noise schemes (euler-maruyama, ddpm, exponential, ddim with η > 0): Z₀ = ΔW/√h;
//   randomized schemes (τ = t_k − u h): Z₀ = W(σ_k → σ_τ)/√(u h), Z₁ = W(σ_τ → σ_{k+1})/√((1 − u) h),
//     with W at σ_τ bridged from (ΔW, H) by the exact conditional law (one draw per step);
//   local linearization (SDE): z_W = ΔW/√h, z_H = H·√(12/h) and a fresh ξ (localLinearizationNoise);
//     with per-step noise the step takes z_W alone (η = √Q(hL) z_W, local_linearization_step.h).
// Every slot is N(0, I) alone in both modes, so a scheme's law (and its exact Gaussian analysis)
// does not depend on the source.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include "random/brownian_path.h"
#include "sampler/sampler_setup.h"

namespace dw2 {

// The clock of a grid kind on [t_end, T] (random/brownian_path.h TreeTime): t(u) is grid/grid.cc
// makeGrid's formula in the kind's variable v (v_k = k/N), with v's `pieces` equal pieces laid onto
// a dyadic partition of tree time (random/tree_pieces.h), so a grid of that kind with N = pieces·2ʲ
// steps lies on tree nodes; u(t) inverts it. Both empty for the uniform kind with one piece (the
// uniform tree on σ = T − t).
struct GridClock {
  TreeTime t;
  std::function<double(double)> u;
};
GridClock gridKindClock(const Process& p, int kind, double T, double tEnd, double rho, uint64_t pieces = 1);

// The walker of s's Brownian path over its grid (σ_k = T − t_k, span T − t_end), for rows
// 0 … n − 1. Throws INVALID_ARGUMENT for a grid with two times inside one leaf of the tree.
std::shared_ptr<BrownianWalker> makePathWalker(const SamplerSetup& s);

// Slots 0 … noises − 1 of step k for rows first … first + rows − 1 (global particle indices):
// slot l of row r at noise[l·slotStride + r·d]. randomized: the scheme draws u per particle.
void stepNoiseBlock(const SamplerSetup& s, int k, int noises, bool randomized, uint64_t first, size_t rows, double* noise, size_t slotStride);

// The three standard-normal vectors of a local-linearization (SDE) step for one particle: z_W and
// z_H carry the step's increment and Lévy area, ξ is independent of both. Per-step noise draws
// them as stages kLocalLinearizationStageW/H/Fresh (sampler/noise_keys.h). Any pointer may be null.
void localLinearizationNoise(const SamplerSetup& s, int k, uint64_t particle, double* zW, double* zH, double* xi);

}  // namespace dw2
