// Batched reproducible noise: fills rows [first, first + n) of an n × d block.
#pragma once
#include <cstddef>
#include <cstdint>
#include "core/progress.h"

namespace dw2 {

struct NoiseKey {
  uint64_t seed;
  uint32_t step;
  uint32_t stage;
};

// One particle's row: out[j] = normal(seed, particle, step, stage, j), j < d. The building
// block for samplers that draw noise inside their fused per-particle loops.
void normalRow(NoiseKey key, uint64_t particle, size_t d, double* out);
// Rows for particles firstParticle … firstParticle + rows − 1 (rows × d, row-major): the
// fast path (vectorized over particles); prefer it for blocks of 16–64 particles.
void normalBlock(NoiseKey key, uint64_t firstParticle, size_t rows, size_t d, double* out);

// out[r * d + j] = normal(seed, firstParticle + r, step, stage, j), r < n.
void fillNormals(NoiseKey key, uint64_t firstParticle, size_t n, size_t d, double* out, Progress& progress = noProgress());
// Same numbers rounded to float32.
void fillNormals(NoiseKey key, uint64_t firstParticle, size_t n, size_t d, float* out, Progress& progress = noProgress());

}  // namespace dw2
