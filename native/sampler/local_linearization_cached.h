// The per-thread scratch of local linearization's cached-product route (local_linearization_cached.cc).
#pragma once
#include <vector>
#include "runtime/lane_buffer.h"
#include "sampler/lane_chebyshev.h"
#include "sampler/lane_lanczos.h"
#include "sampler/lane_tridiagonal_qr.h"
#include "sampler/local_linearization_step.h"

namespace dw2 {

// The runs of one group of 8 particles, each (lane, run)'s small eigenproblem, the summaries in
// lanes, and the Ritz values of the noise runs gathered for one evaluation of the step's table; the
// polynomial route's interpolants and recurrence (lane_chebyshev.h).
struct LocalLinearizationStepper::CachedScratch {
  static constexpr int kRuns = 5;
  // interpolants: the run's store of the polynomial route's fits, shared by its threads.
  CachedScratch(size_t d, size_t rank, int maxDim, LaneChebyshev::Store& interpolants)
      : runs{{d, maxDim}, {d, maxDim}, {d, maxDim}, {d, maxDim}, {d, maxDim}},
        qr{LaneTridiagonalQr(maxDim), LaneTridiagonalQr(maxDim), LaneTridiagonalQr(maxDim), LaneTridiagonalQr(maxDim),
           LaneTridiagonalQr(maxDim)},
        maxDim(maxDim),
        summary(rank > 0 ? (1 + rank) * d * kLanczosLanes : d * d * kLanczosLanes), v(d * kLanczosLanes), dx(d * kLanczosLanes),
        mu(3 * kLanczosLanes * static_cast<size_t>(maxDim)), cW(mu.size()), cH(mu.size()), sqrtRemainder(mu.size()),
        work(LocalLinearizationNoiseTable::workSize(static_cast<int>(mu.size()))), weights(static_cast<size_t>(maxDim) * kLanczosLanes),
        fallbackWeights(maxDim), coef(kRuns * static_cast<size_t>(maxDim) * kLanczosLanes), polynomial(d, &interpolants),
        vectors(kRuns * d * kLanczosLanes), derivatives(3 * d * kLanczosLanes) {
    solves.reserve(kLanczosLanes * kRuns);
    for (int i = 0; i < kLanczosLanes * kRuns; ++i) solves.emplace_back(maxDim);
  }
  LaneLanczos runs[kRuns];
  LaneTridiagonalQr qr[kRuns];  // each run's T_k of the 8 lanes
  std::vector<RitzSolve> solves;  // lane p, run r at p·5 + r: where a lane's QR iteration does not converge
  int maxDim;
  // Of the current checkpoint, per run and lane: the dimension evaluated (0: none), whether the QR
  // iteration converged, |v| |f(T) e₁| and the error estimate.
  int n[kRuns][kLanczosLanes];
  bool converged[kRuns][kLanczosLanes];
  double norm[kRuns][kLanczosLanes], estimate[kRuns][kLanczosLanes];
  // Of the group, per lane and run: still extending, started (v ≠ 0), next checkpoint, dimension of
  // the latest evaluation, and its norm |v| |f(T) e₁| (the scales of the later runs' tolerances).
  bool active[kLanczosLanes][kRuns], started[kLanczosLanes][kRuns];
  int check[kLanczosLanes][kRuns], dims[kLanczosLanes][kRuns];
  double norms[kLanczosLanes][kRuns];
  LaneBuffer summary, v, dx;
  std::vector<double> mu, cW, cH, sqrtRemainder, work, weights, fallbackWeights;
  // Per run, |v| f(T) e₁ of each lane's latest evaluation (entry l of lane p at (r·maxDim + l)·8 + p).
  LaneBuffer coef;
  LaneChebyshev polynomial;
  // The step's vectors of the group in lanes (run r at r·d·8), and which lanes hold finite ones; the
  // lane route's s, ∂_t s and Δs in lanes (d × 8 each).
  LaneBuffer vectors, derivatives;
  bool finite[kLanczosLanes];
  // The thread's deferred group (LocalLinearizationStepper::deferLane): Lanczos lanes of mixed groups,
  // their summaries and vectors in lanes, block rows and finiteness; `deferred` lanes are taken.
  LaneBuffer deferredSummary = LaneBuffer(summary.size()), deferredVectors = LaneBuffer(vectors.size());
  size_t deferredRows[kLanczosLanes] = {};
  bool deferredFinite[kLanczosLanes] = {};
  int deferred = 0;
};

}  // namespace dw2
