#include "sampler/run_sampler.h"
#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>
#include <cstring>
#include <string>
#include "core/errors.h"
#include "sampler/adaptive_driver.h"
#include "sampler/batch_local_model.h"
#include "sampler/divergence.h"
#include "sampler/local_linearization_step.h"
#include "sampler/plan_executor.h"
#include "sampler/target_local_model.h"

namespace dw2 {

void validateSampler(const SamplerSetup& s) {
  const SchemeInfo& info = schemeInfo(s.scheme);
  if (s.d < 1) fail(ErrorCode::InvalidArgument, "d must be >= 1");
  if (s.grid.size() < 2) fail(ErrorCode::InvalidArgument, "steps must be >= 1");
  if (s.n > 0 && s.firstParticle + s.n - 1 > 0xffffffffULL) fail(ErrorCode::InvalidArgument, "firstParticle + n must stay below 2^32");
  PlanOptions o;
  o.eta = s.eta;
  o.scoreDefinedAtZero = s.scoreDefinedAtZero;
  o.params = s.params;
  validateSchemeOptions(s.scheme, s.process, o);
  if (s.krylovDim < 1) fail(ErrorCode::InvalidArgument, "krylovDim must be >= 1");
  if (s.grid.front() > s.process.tMax()) fail(ErrorCode::InvalidArgument, "the grid starts beyond the process's range");
  const int N = static_cast<int>(s.grid.size()) - 1;
  for (int k : s.trajectorySteps)
    if (k < 0 || k > N) fail(ErrorCode::InvalidArgument, "trajectory indices must be in [0, steps = " + std::to_string(N) + "], got " + std::to_string(k));
  if (info.usesHessian) return;
  if (s.scheme == Scheme::DpmAdaptive) {
    if (!s.trajectorySteps.empty()) fail(ErrorCode::InvalidArgument, "dpm-adaptive chooses its own grid: trajectory is not available");
    if (!(s.grid.back() > 0.0)) fail(ErrorCode::InvalidArgument, "dpm-adaptive needs t_end > 0 (it steps in λ = −log ς, infinite at t = 0)");
  }
  StepPlan plan;
  for (int k = 0; k < N; ++k) buildStepPlan(s.scheme, s.process, s.grid, k, o, plan);
}

namespace {

// max_j |mean_j| + √cov_jj of p₀: the size of legitimate states (divergence.h).
double dataScale(const Target& target) {
  const size_t d = target.dim();
  std::vector<double> mean(d), cov(d * d);
  target.moments(mean.data(), cov.data());
  double s = 0.0;
  for (size_t j = 0; j < d; ++j) s = std::max(s, std::fabs(mean[j]) + std::sqrt(std::max(0.0, cov[j * d + j])));
  return std::isfinite(s) ? s : 0.0;
}

// A result is never returned with NaN or ±Inf in it: the settings (or the start, or the score)
// overflowed double precision somewhere, and the caller gets a typed error saying so.
template <class T>
void requireFiniteResult(const T* x, size_t n, size_t d, const std::string& what) {
  for (size_t q = 0; q < n * d; ++q)
    if (!std::isfinite(static_cast<double>(x[q])))
      fail(ErrorCode::NonFinite, what + " became non-finite (particle " + std::to_string(q / d) + ", coordinate " + std::to_string(q % d) +
                                     "): the start, the score or the process coefficients overflow double precision for these settings");
}
// One fused step over all particles, in chunks of particles with a cancellation check between
// them: a step can take seconds (an empirical target with many points), and an abort should land
// within a few tens of milliseconds. Particles are independent in the fused path (noise is keyed
// by particle), so the chunking never changes a result; it only sizes each chunk to take about
// kChunkSeconds, measured as it goes.
template <class T>
class ChunkedFusedStep {
 public:
  ChunkedFusedStep(const SamplerSetup& s, int threads) : sub_(s), threads_(threads) {
    minChunk_ = std::max<size_t>(1, size_t(threads) * kNoiseBlock);
    chunk_ = std::min(s.n, 4 * minChunk_);
  }
  void run(const SamplerSetup& s, const Target& target, int k, const StepPlan* plan, T* x, PlanScratch& scratch, Progress& progress) {
    for (size_t first = 0; first < s.n;) {
      const size_t count = std::min(chunk_, s.n - first);
      sub_.n = count;
      sub_.firstParticle = s.firstParticle + first;
      const auto start = std::chrono::steady_clock::now();
      executePlanFused(sub_, target, k, plan, x + first * s.d, scratch, threads_);
      resize(count, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      first += count;
      if (first < s.n && progress.cancelled()) fail(ErrorCode::Aborted, "the operation was aborted");
    }
  }

 private:
  static constexpr double kChunkSeconds = 0.02;
  void resize(size_t count, double seconds) {
    const double scale = seconds > 0 ? kChunkSeconds / seconds : 4.0;
    const double next = double(count) * std::min(4.0, std::max(0.25, scale));
    chunk_ = std::max(minChunk_, size_t(next));
  }
  SamplerSetup sub_;
  int threads_;
  size_t minChunk_, chunk_;
};

}  // namespace

template <class T>
void runSampler(const SamplerSetup& s, const Target* target, BatchScore<T>* batch, SamplerIo<T>& io, Progress& progress, SamplerStats& stats) {
  validateSampler(s);
  if ((target == nullptr) == (batch == nullptr)) fail(ErrorCode::Internal, "runSampler needs exactly one score source");
  if (target && target->dim() != s.d) fail(ErrorCode::ShapeMismatch, "the target has dimension " + std::to_string(target->dim()) + ", not d = " + std::to_string(s.d));
  const size_t n = s.n, d = s.d;
  const int N = static_cast<int>(s.grid.size()) - 1;
  const SchemeInfo& info = schemeInfo(s.scheme);
  stats = SamplerStats{};

  if (io.prior) drawPrior(*io.prior, s.seed, s.firstParticle, n, d, io.x);
  auto record = [&](int k) {
    for (auto& [index, dest] : io.trajectory)
      if (index == k && n > 0) std::memcpy(dest, io.x, n * d * sizeof(T));  // n = 0: both may be null
  };
  record(0);
  if (s.scheme == Scheme::DpmAdaptive) stats.acceptedGrid = {s.grid.front(), s.grid.back()};
  if (n == 0) {
    for (int k = 1; k <= N; ++k) record(k);
    return;
  }

  // Every buffer the loop needs is allocated here, before the first step.
  const int threads = planThreads(n, d, info.nfePerStep);
  std::unique_ptr<PlanScratch> planScratch;
  std::unique_ptr<LocalLinearizationStepper> ll;
  std::unique_ptr<LocalModel> model;
  std::unique_ptr<ChunkedFusedStep<T>> fused;
  if (info.usesHessian) {
    const int llThreads = std::max(threads, planThreads(n, d * d, 4));
    // auto: dense up to kDenseHessianMaxDim, except for targets whose cached ∇s is structured (smaller
    // than d², diagonal mixtures with K < d) from kCachedHessianMinDim(Ode) on, where the cached route is faster.
    const bool structured = target && target->hessianCacheSize() < d * d;
    const size_t cachedFrom = s.scheme == Scheme::LocalLinearizationOde ? kCachedHessianMinDimOde : kCachedHessianMinDim;
    bool dense = s.hessian == HessianRoute::Dense ||
                 (s.hessian == HessianRoute::Auto && d <= kDenseHessianMaxDim && !(structured && d >= cachedFrom));
    stats.dense = dense;
    // Native targets take the cached-product route unless dense; callbacks the lockstep Krylov route.
    using Route = LocalLinearizationStepper::Route;
    const Route route = dense ? Route::Dense : target ? Route::Cached : Route::Krylov;
    ll = std::make_unique<LocalLinearizationStepper>(s, route, llThreads, target ? target->hessianCacheSize() : 0);
    if (target) model = std::make_unique<TargetLocalModel>(*target, s.process, d, llThreads);
    else model = std::make_unique<BatchLocalModel<T>>(*batch, d, ll->blockRows());
  } else {
    planScratch = std::make_unique<PlanScratch>(threads, d, target ? target->batchScratchSize() : 0);
    if (info.historySlots > 0) planScratch->allocateHistory(info.historySlots, n, s.firstParticle);
    if (target) fused = std::make_unique<ChunkedFusedStep<T>>(s, threads);
  }
  const bool dense = stats.dense;
  if (s.scheme == Scheme::DpmAdaptive) {
    runAdaptiveSampler(s, target, batch, io.x, *planScratch, threads, progress, stats);
    return;
  }
  DivergenceMonitor divergence(io.x, n, d, target ? dataScale(*target) : 0.0, threads);

  PlanOptions o;
  o.eta = s.eta;
  o.scoreDefinedAtZero = s.scoreDefinedAtZero;
  o.params = s.params;
  StepPlan plan;
  for (int k = 0; k < N; ++k) {
    progress.checkpoint(double(k) / N);
    if (ll) {
      ll->step(*model, k, io.x, stats);
    } else {
      const StepPlan* shared = nullptr;
      if (!info.randomized) {
        buildStepPlan(s.scheme, s.process, s.grid, k, o, plan);
        shared = &plan;
        if (plan.fellBack) ++stats.fallbackSteps;
        stats.nfe += static_cast<uint64_t>(plan.stages);
      } else {
        stats.nfe += 2;
      }
      if (target) fused->run(s, *target, k, shared, io.x, *planScratch, progress);
      else executePlanStagewise(s, *batch, k, shared, *planScratch, threads);
    }
    divergence.check(io.x, k + 1);
    record(k + 1);
  }
  stats.dense = dense;
  stats.divergedParticles = divergence.particles();
  stats.firstDivergedStep = divergence.firstStep();
  // Non-finite samples are never returned: a run whose particles blew up comes back with its
  // divergence report and the TypeScript layer turns it into a typed error (DivergedError).
  if (stats.divergedParticles == 0) {
    requireFiniteResult(io.x, n, d, "the samples");
    for (auto& [index, dest] : io.trajectory) requireFiniteResult(dest, n, d, "the trajectory state at step " + std::to_string(index));
  }
  progress.checkpoint(1.0);
}

template void runSampler<double>(const SamplerSetup&, const Target*, BatchScore<double>*, SamplerIo<double>&, Progress&, SamplerStats&);
template void runSampler<float>(const SamplerSetup&, const Target*, BatchScore<float>*, SamplerIo<float>&, Progress&, SamplerStats&);

}  // namespace dw2
