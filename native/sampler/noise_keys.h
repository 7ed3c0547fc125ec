// Philox keys the sampler reserves next to the per-step noise keys {seed, step k, stage l}
// (l = index of the fresh normal vector within the step). Steps are < 2^27 (grids cap N at 1e8),
// so these never collide with a real step, nor with the targets' exact-draw keys.
#pragma once
#include <cstdint>
#include "random/philox_normal.h"

namespace dw2 {

// The prior x_T of particle i is drawn with NoiseKey{seed, kPriorStep, 0}.
constexpr uint32_t kPriorStep = 0xFFFFFFFEu;
// The uniform u of a randomized scheme at step k comes from counter (0, particle, k, kUniformStage).
constexpr uint32_t kUniformStage = 0x80u;

// A local-linearization (SDE) step consumes three standard-normal vectors per particle: z_W and
// z_H (the step's Brownian increment and space-time Lévy area, normalized) and a fresh ξ. Per-step
// noise draws them as NoiseKey{seed, k, stage} with these stages (z_W keeps stage 0, the one noise
// vector of the other schemes); path noise maps z_W, z_H to the path (sampler/path_noise.h).
constexpr uint32_t kLocalLinearizationStageW = 0u;
constexpr uint32_t kLocalLinearizationStageH = 1u;
constexpr uint32_t kLocalLinearizationStageFresh = 2u;

// u ∈ (0, 1) from 53 random bits: a pure function of (seed, particle, step). Host and device
// (the CUDA kernels call it too).
DW2_HD inline double randomizedTime(uint64_t seed, uint64_t particle, uint32_t step) {
  auto r = philoxRaw(seed, 0u, static_cast<uint32_t>(particle), step, kUniformStage);
  return uniformOpen(r.v[0], r.v[1]);
}

}  // namespace dw2
