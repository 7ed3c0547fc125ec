// The per-thread scratch of local linearization's cached-product route (local_linearization_cached.cc).
#pragma once
#include <vector>
#include "sampler/lane_lanczos.h"
#include "sampler/local_linearization_step.h"

namespace dw2 {

// The runs of one group of 8 particles, each (lane, run)'s small eigenproblem, the summaries in
// lanes, and the Ritz values of the noise runs gathered for one evaluation of the step's table.
struct LocalLinearizationStepper::CachedScratch {
  static constexpr int kRuns = 5;
  CachedScratch(size_t d, size_t rank, int maxDim)
      : runs{{d, maxDim}, {d, maxDim}, {d, maxDim}, {d, maxDim}, {d, maxDim}}, maxDim(maxDim),
        summary(rank > 0 ? (1 + rank) * d * kLanczosLanes : d * d * kLanczosLanes), v(d * kLanczosLanes), dx(d * kLanczosLanes),
        mu(3 * kLanczosLanes * static_cast<size_t>(maxDim)), cW(mu.size()), cH(mu.size()), sqrtRemainder(mu.size()),
        work(LocalLinearizationNoiseTable::workSize(static_cast<int>(mu.size()))), weights(maxDim),
        coef(static_cast<size_t>(maxDim) * kLanczosLanes) {
    solves.reserve(kLanczosLanes * kRuns);
    for (int i = 0; i < kLanczosLanes * kRuns; ++i) solves.emplace_back(maxDim);
  }
  LaneLanczos runs[kRuns];
  std::vector<RitzSolve> solves;  // lane p, run r at p·5 + r
  int maxDim;
  std::vector<double> summary, v, dx, mu, cW, cH, sqrtRemainder, work, weights, coef;
};

}  // namespace dw2
