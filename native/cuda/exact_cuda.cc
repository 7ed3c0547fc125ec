// Exact W2 for uniform clouds with the auction on the GPU: the host half (cuda/auction.h).
// Certification and repair are ot/exact.cc's (certifyAssignment), shared with the CPU path.
#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <string>
#include "core/errors.h"
#include "cuda/auction.h"
#include "cuda/device.h"
#include "ot/assignment.h"
#include "ot/certificate.h"
#include "ot/cost.h"
#include "ot/exact.h"

namespace dw2::cuda {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The GPU auction on clouds whose squared distances are finite (ot/cost_scale.h).
ot::ExactResult solveInRange(const ot::Cloud& a, const ot::Cloud& b, const ot::ExactOptions& opts, Progress& progress) {
  using namespace ot;
  const size_t n = a.n, d = a.d;
  ExactResult r;
  SqEuclideanCost C(a, b);
  r.dense = false;
  r.workingBytes = 8.0 * double(2 * n) * double(d) + 8.0 * 24.0 * double(2 * n);
  const double epsScale = DBL_EPSILON * C.maxCostBound();
  AssignmentState s;
  s.reset(n);

  auto t0 = Clock::now();
  GpuAuctionOptions ao;
  ao.relGap = 0.5 * opts.tolerance;
  ao.absGap = 2.0 * double(n) * epsScale;
  ao.maxBids = opts.maxIterations;
  GpuAuctionStats gs;
  std::vector<double> prices;
  ProgressRange bidding(progress, 0.0, 0.8);
  auctionAssign(a.x, b.x, n, d, C.maxCostBound(), ao, s.col4row, prices, gs, bidding);
  for (size_t i = 0; i < n; ++i)
    if (s.col4row[i] >= 0) s.row4col[size_t(s.col4row[i])] = int64_t(i);
  for (size_t j = 0; j < n; ++j) s.v[j] = -prices[j];
  r.auction.bids = gs.bids;
  r.auction.rebuilds = gs.rounds;  // reported as 'rounds' by the binding
  r.auction.phases = gs.phases;
  r.auction.exhausted = gs.exhausted;
  r.auction.finalEpsilon = gs.finalEpsilon;
  r.auction.gapEstimate = gs.gapEstimate;
  r.solver = "cuda-auction";
  r.secondsSolve = since(t0);
  ProgressRange certifying(progress, 0.8, 1.0);
  certifyAssignment(C, s, gs.exhausted, opts, r, certifying);
  return r;
}

}  // namespace

ot::ExactResult solveExactCuda(const ot::Cloud& a, const ot::Cloud& b, const ot::ExactOptions& opts, Progress& progress) {
  using namespace ot;
  const size_t n = a.n;
  if (n == 0 || b.n == 0)
    fail(ErrorCode::InvalidArgument, "empty cloud: a has " + std::to_string(n) + " points, b has " + std::to_string(b.n));
  if (a.d != b.d) fail(ErrorCode::ShapeMismatch, "point dimensions differ: a has d = " + std::to_string(a.d) + ", b has d = " + std::to_string(b.d));
  if (b.n != n)
    fail(ErrorCode::Unsupported, "device 'cuda' solves assignment problems only (uniform weights and n = m), got n = " +
                                     std::to_string(n) + ", m = " + std::to_string(b.n) + "; use device 'cpu'");
  if (opts.solver == ExactSolver::NetworkSimplex || opts.solver == ExactSolver::ShortestPath)
    fail(ErrorCode::Unsupported, std::string("solver '") + (opts.solver == ExactSolver::NetworkSimplex ? "network-simplex" : "shortest-path") +
                                     "' has no CUDA implementation (device 'cuda' runs the auction); use device 'cpu'");
  if (n > size_t(INT32_MAX)) fail(ErrorCode::TooLarge, "clouds beyond 2^31 - 1 points");
  requireDevice();
  ot::ExactResult r = ot::solveScaled(a, b, [&](const ot::Cloud& sa, const ot::Cloud& sb) { return solveInRange(sa, sb, opts, progress); });
  progress.checkpoint(1.0);
  return r;
}

}  // namespace dw2::cuda

