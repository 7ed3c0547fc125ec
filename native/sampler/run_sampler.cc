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
  if (s.scheme->adaptive) {
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
// A native-target run, steps window by window (kStepWindow plans built at a time). Within a
// window, particles go chunk by chunk, each chunk taken through a run of steps tile by tile
// (executePlansTiled: a tile stays in cache across steps), with a cancellation check and a
// progress report (the fraction of particle-steps done) between chunks: a step can take seconds
// (an empirical target with many points), and an abort should land within a few tens of
// milliseconds. The first chunk (one step, small tiles) measures the cost of a particle-step;
// then tiles, steps per chunk and chunk size are chosen so that a chunk takes about
// kChunkSeconds: cheap targets get cache-sized tiles through many steps, expensive ones small
// tiles through one step. Particles are independent in the fused path (noise is keyed by
// particle, step and stage), so none of these choices changes a result.
template <class T>
class ChunkedTiledRun {
 public:
  static constexpr int kStepWindow = 32;
  ChunkedTiledRun(const SamplerSetup& s, int threads, int historySlots)
      : sub_(s), threads_(threads), tileMax_(tileRows(s.d, sizeof(T), historySlots)), block_(noiseBlockRows(s.d)), tile_(block_) {
    chunk_ = std::min(s.n, 4 * size_t(threads) * tile_);
  }
  // Steps [kBegin, kEnd) of N (plans[k − kBegin]); afterStep sees rows of the whole batch.
  void run(const SamplerSetup& s, const Target& target, int kBegin, int kEnd, int N, const StepPlan* const* plans, T* x, PlanScratch& scratch,
           const TileObserver& afterStep, Progress& progress) {
    for (int k = kBegin; k < kEnd;) {
      const int steps = std::min(steps_, kEnd - k);
      for (size_t first = 0; first < s.n;) {
        const size_t count = std::min(chunk_, s.n - first);
        sub_.n = count;
        sub_.firstParticle = s.firstParticle + first;
        const TileObserver shifted = [&](int kk, size_t f, size_t c) { afterStep(kk, first + f, c); };
        const auto start = std::chrono::steady_clock::now();
        executePlansTiled(sub_, target, k, k + steps, plans + (k - kBegin), x + first * s.d, scratch, threads_, tile_, shifted);
        adapt(count, steps, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        first += count;
        progress.checkpoint((double(k) * double(s.n) + double(first) * double(steps)) / (double(N) * double(s.n)));
      }
      k += steps;
    }
  }

 private:
  static constexpr double kChunkSeconds = 0.02;
  // From the seconds a chunk of `count` particles × `steps` took: the cost of one particle-step
  // on one thread, then tile, steps and chunk for the next chunks.
  void adapt(size_t count, int steps, double seconds) {
    const double cost = seconds * threads_ / (double(count) * steps);
    if (!(cost > 0)) return;
    const auto multiple = [](double rows, size_t unit) { return std::max<size_t>(1, size_t(rows / double(unit))) * unit; };
    tile_ = std::min(tileMax_, multiple(kChunkSeconds / cost, block_));
    steps_ = static_cast<int>(std::clamp(kChunkSeconds / (double(tile_) * cost), 1.0, double(kStepWindow)));
    chunk_ = multiple(kChunkSeconds * threads_ / (double(steps_) * cost), size_t(threads_) * tile_);
  }
  SamplerSetup sub_;
  int threads_;
  size_t tileMax_, block_, tile_, chunk_;
  int steps_ = 1;
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
  if (s.scheme->adaptive) stats.acceptedGrid = {s.grid.front(), s.grid.back()};
  if (n == 0) {
    for (int k = 1; k <= N; ++k) record(k);
    return;
  }

  // Every buffer the loop needs is allocated here, before the first step.
  const int threads = planThreads(n, d, info.nfePerStep);
  std::unique_ptr<PlanScratch> planScratch;
  std::unique_ptr<LocalLinearizationStepper> ll;
  std::unique_ptr<LocalModel> model;
  std::unique_ptr<ChunkedTiledRun<T>> tiled;
  if (info.usesHessian) {
    const int llThreads = std::max(threads, planThreads(n, d * d, 4));
    // auto: the cached route for native targets where the polynomial route applies (per-step noise,
    // the ODE); with path noise (Lanczos runs) dense up to kDenseHessianMaxDim, except for targets that
    // offer the cached route in SIMD lanes (diagonal mixtures) from kCachedHessianMinDimPathNoise on.
    // Each where it was measured faster (sampler_setup.h, docs/sampling.md).
    const bool structured = target && target->hessianCacheSize() < d * d;
    const bool lanes = target && target->laneScratchSize() > 0;
    const bool cachedAvailable = target && (structured || d <= kDenseHessianMaxDim);
    const bool polynomial = !s.pathNoise || s.scheme->ode;
    const bool cachedFaster = polynomial ? cachedAvailable : lanes && d >= kCachedHessianMinDimPathNoise;
    bool dense = s.hessian == HessianRoute::Dense || (s.hessian == HessianRoute::Auto && d <= kDenseHessianMaxDim && !cachedFaster);
    stats.dense = dense;
    // Native targets take the cached-product route unless dense, when their summary is structured or
    // d² doubles per row are small (d ≤ kDenseHessianMaxDim): a d² summary of a large unstructured
    // target (full Gaussian, empirical) would cost O(d³) per particle and d² memory per row, so those
    // and callbacks take the lockstep Krylov route (products on demand).
    using Route = LocalLinearizationStepper::Route;
    const bool cached = cachedAvailable;
    const Route route = dense ? Route::Dense : cached ? Route::Cached : Route::Krylov;
    ll = std::make_unique<LocalLinearizationStepper>(s, route, llThreads, target ? target->hessianCacheSize() : 0,
                                                     target ? target->hessianSummaryRank() : 0, lanes);
    if (target) model = std::make_unique<TargetLocalModel>(*target, s.process, d, llThreads);
    else model = std::make_unique<BatchLocalModel<T>>(*batch, d, ll->blockRows());
  } else {
    planScratch = std::make_unique<PlanScratch>(threads, d, target ? target->batchScratchSize() : 0);
    if (info.historySlots > 0) planScratch->allocateHistory(info.historySlots, n, s.firstParticle);
    if (target) tiled = std::make_unique<ChunkedTiledRun<T>>(s, threads, info.historySlots);
  }
  const bool dense = stats.dense;
  if (s.scheme->adaptive) {
    runAdaptiveSampler(s, target, batch, io.x, *planScratch, threads, progress, stats);
    return;
  }
  DivergenceMonitor divergence(io.x, n, d, target ? dataScale(*target) : 0.0, threads);

  PlanOptions o;
  o.eta = s.eta;
  o.scoreDefinedAtZero = s.scoreDefinedAtZero;
  o.params = s.params;
  // Step k's shared plan (nullptr for randomized schemes, built per particle), counted in stats.
  auto buildPlan = [&](int k, StepPlan& plan) -> const StepPlan* {
    if (info.randomized) {
      stats.nfe += 2;
      return nullptr;
    }
    buildStepPlan(s.scheme, s.process, s.grid, k, o, plan);
    if (plan.fellBack) ++stats.fallbackSteps;
    stats.nfe += static_cast<uint64_t>(plan.stages);
    return &plan;
  };
  if (tiled) {
    // Divergence and trajectory rows are handled tile by tile, on the thread that computed them.
    const TileObserver afterStep = [&](int k, size_t first, size_t count) {
      divergence.checkRows(io.x, k + 1, first, count);
      for (auto& [index, dest] : io.trajectory)
        if (index == k + 1) std::memcpy(dest + first * d, io.x + first * d, count * d * sizeof(T));
    };
    std::vector<StepPlan> plans(ChunkedTiledRun<T>::kStepWindow);
    std::vector<const StepPlan*> planOf(ChunkedTiledRun<T>::kStepWindow);
    for (int k0 = 0; k0 < N; k0 += ChunkedTiledRun<T>::kStepWindow) {
      const int k1 = std::min(N, k0 + ChunkedTiledRun<T>::kStepWindow);
      for (int k = k0; k < k1; ++k) planOf[static_cast<size_t>(k - k0)] = buildPlan(k, plans[static_cast<size_t>(k - k0)]);
      tiled->run(s, *target, k0, k1, N, planOf.data(), io.x, *planScratch, afterStep, progress);
    }
  } else {
    StepPlan plan;
    for (int k = 0; k < N; ++k) {
      progress.checkpoint(double(k) / N);
      if (ll) ll->step(*model, k, io.x, stats);
      else executePlanStagewise(s, *batch, k, buildPlan(k, plan), *planScratch, threads);
      divergence.check(io.x, k + 1);
      record(k + 1);
    }
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
