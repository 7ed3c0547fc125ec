// The sampler driver: validates a run, draws the prior, then steps t_0 → t_N, recording the
// states at the requested grid indices. Scores come from a native target (fused per particle)
// or from a batched score (one call per stage for the whole batch).
#pragma once
#include <memory>
#include <utility>
#include <vector>
#include "core/progress.h"
#include "sampler/batch_score.h"
#include "sampler/priors.h"
#include "sampler/sampler_setup.h"
#include "targets/target.h"

namespace dw2 {

template <class T>
struct SamplerIo {
  T* x = nullptr;                              // n × d: the start (when prior is null) and the result
  const Prior* prior = nullptr;                // draws x_T when set
  std::vector<std::pair<int, T*>> trajectory;  // (grid index, n × d destination)
};

// Checks everything that can be checked before any work: scheme vs process, every step's plan
// (ddpm's h·g² < 1), trajectory indices, sizes. Throws INVALID_ARGUMENT naming the parameter.
void validateSampler(const SamplerSetup& s);

template <class T>
void runSampler(const SamplerSetup& s, const Target* target, BatchScore<T>* batch, SamplerIo<T>& io, Progress& progress, SamplerStats& stats);

}  // namespace dw2
