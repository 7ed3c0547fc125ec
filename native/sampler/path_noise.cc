#include "sampler/path_noise.h"
#include <cmath>
#include <vector>
#include "random/brownian_path.h"
#include "random/noise.h"
#include "random/philox_normal.h"
#include "sampler/noise_keys.h"

namespace dw2 {

namespace {

struct StepInterval {
  BrownianPath path;
  double a, b;  // σ_k, σ_{k+1}
};

// The path is indexed by σ = T − t, so it is the same for every grid sharing T and t_end.
StepInterval stepInterval(const SamplerSetup& s, int k) {
  const double T = s.grid.front();
  return {{s.seed, T - s.grid.back()}, T - s.grid[k], T - s.grid[k + 1]};
}

std::vector<double>& scratch(size_t size) {
  thread_local std::vector<double> buffer;
  if (buffer.size() < size) buffer.resize(size);
  return buffer;
}

}  // namespace

void stepNoiseBlock(const SamplerSetup& s, int k, int noises, bool randomized, uint64_t first, size_t rows, double* noise, size_t slotStride) {
  const size_t d = s.d;
  if (!s.pathNoise) {
    for (int l = 0; l < noises; ++l)
      normalBlock(NoiseKey{s.seed, static_cast<uint32_t>(k), static_cast<uint32_t>(l)}, first, rows, d, noise + static_cast<size_t>(l) * slotStride);
    return;
  }
  if (noises == 0) return;
  const StepInterval iv = stepInterval(s, k);
  const double h = iv.b - iv.a;
  std::vector<double>& area = scratch(rows * d);
  double* w = noise;  // slot 0 receives ΔW, then is scaled in place
  brownianIncrementBlock(iv.path, first, rows, d, iv.a, iv.b, w, area.data());
  if (!randomized) {
    const double scale = 1.0 / std::sqrt(h);
    for (size_t q = 0; q < rows * d; ++q) w[q] *= scale;
    return;
  }
  double* second = noise + slotStride;
  for (size_t r = 0; r < rows; ++r) {
    const uint64_t particle = first + r;
    const double u = randomizedTime(s.seed, particle, static_cast<uint32_t>(k));
    const double s1 = 1.0 / std::sqrt(u * h), s2 = 1.0 / std::sqrt((1.0 - u) * h);
    for (size_t j = 0; j < d; ++j) {
      const size_t q = r * d + j;
      const double z = normalAt(s.seed, particle, static_cast<uint32_t>(k), kBrownianPathStepStage, j);
      const double left = bridgeIncrementAt({w[q], area[q]}, h, u, z);
      second[q] = (w[q] - left) * s2;
      w[q] = left * s1;
    }
  }
}

void localLinearizationNoise(const SamplerSetup& s, int k, uint64_t particle, double* zW, double* zH, double* xi) {
  const size_t d = s.d;
  const uint32_t step = static_cast<uint32_t>(k);
  if (xi) normalRow(NoiseKey{s.seed, step, kLocalLinearizationStageFresh}, particle, d, xi);
  if (!s.pathNoise) {
    if (zW) normalRow(NoiseKey{s.seed, step, kLocalLinearizationStageW}, particle, d, zW);
    if (zH) normalRow(NoiseKey{s.seed, step, kLocalLinearizationStageH}, particle, d, zH);
    return;
  }
  if (!zW && !zH) return;
  const StepInterval iv = stepInterval(s, k);
  const double h = iv.b - iv.a;
  std::vector<double>& buf = scratch(2 * d);
  brownianIncrementBlock(iv.path, particle, 1, d, iv.a, iv.b, buf.data(), buf.data() + d);
  const double sw = 1.0 / std::sqrt(h), sh = std::sqrt(12.0 / h);
  for (size_t j = 0; j < d; ++j) {
    if (zW) zW[j] = buf[j] * sw;
    if (zH) zH[j] = buf[d + j] * sh;
  }
}

}  // namespace dw2
