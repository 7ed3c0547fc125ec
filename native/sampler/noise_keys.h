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

// A local-linearization (SDE) step with per-step noise consumes one standard-normal vector z per
// particle, NoiseKey{seed, k, kLocalLinearizationStageW} (stage 0, the one noise vector of the other
// schemes): η = √Q(hL) z. With path noise it consumes three: z_W and z_H (the step's Brownian
// increment and space-time Lévy area, normalized, from the path: sampler/path_noise.h) and a fresh
// ξ = NoiseKey{seed, k, kLocalLinearizationStageFresh}. Stage 1 (kLocalLinearizationStageH) was
// per-step noise's z_H in the three-vector form; localLinearizationNoise still draws it when asked.
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
