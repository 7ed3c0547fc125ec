// Executes StepPlans (schemes/step_plan.h) on particle rows; it never re-derives a scheme.
//   R₀ = x; R_j = Σ input[j] · (R, S, Z); S_j = s(τ_j, R_j); x′ = Σ output · (R, S, Z).
// Two forms with identical arithmetic:
//   fused     — native targets: each thread takes whole particles through the whole step;
//   stagewise — batched scores (JS callbacks): one score call per stage for the whole batch.
// Noise Z_l of particle i at step k is normalRow({seed, k, l}, first + i); a randomized scheme's u
// is randomizedTime(seed, first + i, k), and its plan is then built per particle.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>
#include "random/philox_lanes.h"
#include "sampler/batch_score.h"
#include "sampler/sampler_setup.h"
#include "schemes/step_plan.h"
#include "targets/target.h"

namespace dw2 {

// Particles whose noise is drawn together by the fused executor (a noise block): 32 rows, and
// up to 128 for short rows (each noise array ≤ 16 KiB), where the costs paid once per block
// (the generator's and the target's per-call set-up: the process coefficients, the time
// constants' lookup) would otherwise be a visible share of a step (≈ 3% at d = 16).
constexpr size_t kMinNoiseBlock = 32, kMaxNoiseBlock = 128;
// Tiles and chunks are built from noise blocks, and the Brownian walker moves groups of
// kPhiloxLanes rows: a block must be whole groups so that no group is shared by two tiles.
static_assert(kMinNoiseBlock % kPhiloxLanes == 0 && kMaxNoiseBlock % kPhiloxLanes == 0, "noise blocks are whole walker groups");
inline size_t noiseBlockRows(size_t d) {
  const size_t rows = 2048 / (d > 0 ? d : 1) / kPhiloxLanes * kPhiloxLanes;
  return rows < kMinNoiseBlock ? kMinNoiseBlock : (rows > kMaxNoiseBlock ? kMaxNoiseBlock : rows);
}

// Rows the fused executor takes through a stage together (one Target::scoreBatch call): the
// whole noise block for small d, fewer rows when d is large (each block array ≤ 32 KiB).
inline size_t stageBlockRows(size_t d) {
  const size_t rows = 4096 / (d > 0 ? d : 1), block = noiseBlockRows(d);
  return rows < 1 ? 1 : (rows > block ? block : rows);
}

class PlanScratch {
 public:
  // targetScratch: Target::batchScratchSize() (0 for callbacks).
  PlanScratch(int threads, size_t d, size_t targetScratch);
  double* forThread(int t) { return data_.data() + static_cast<size_t>(t) * stride_; }
  // The thread's block of noise rows: kMaxNoises × noiseBlockRows(d) × d.
  double* noiseBlock(int t);
  // The thread's stage blocks: registers (kMaxStages), scores (kMaxStages) and the output,
  // each stageBlockRows(d) × d.
  double* stageBlock(int t);
  size_t d() const { return d_; }
  // Multistep schemes: `slots` history vectors per particle (n × d doubles each, kept in double
  // between steps) of the batch starting at particle `firstParticle`, and per thread
  // kMaxHistory rows blocks for the new history of a step.
  void allocateHistory(int slots, size_t n, uint64_t firstParticle);
  // The history row of a particle (global index), so that a step run on a chunk of the batch
  // reads and writes its own particles' rows.
  double* history(int slot, uint64_t particle) {
    return history_.data() + static_cast<size_t>(slot) * historyStride_ + static_cast<size_t>(particle - historyFirst_) * d_;
  }
  int historySlots() const { return historySlots_; }
  double* saveBlock(int t) { return saves_.data() + static_cast<size_t>(t) * kMaxHistory * stageBlockRows(d_) * d_; }

 private:
  size_t d_, targetScratch_, stride_;
  uint64_t historyFirst_ = 0;
  int threads_;
  std::vector<double> data_;
  size_t historyStride_ = 0;
  int historySlots_ = 0;
  std::vector<double> history_, saves_;
};

// Threads the executors use for a batch of n rows of dimension d.
int planThreads(size_t n, size_t d, int stages);

// plan: the step's plan, or nullptr for randomized schemes (built per particle).
template <class T>
void executePlanFused(const SamplerSetup& s, const Target& target, int k, const StepPlan* plan, T* x, PlanScratch& scratch, int threads);

// The most rows a thread takes through several steps before moving on (executePlansTiled): the
// state, in its storage type, plus any history rows, within kTileBytes (L2-resident), in whole
// noise blocks.
constexpr size_t kTileBytes = size_t(128) << 10;
size_t tileRows(size_t d, size_t bytesPerValue, int historySlots);

// Called after step k with the tile of rows [first, first + count) of the batch, on the thread
// that ran them (tiles are disjoint, so observers that touch only these rows need no locks).
using TileObserver = std::function<void(int k, size_t first, size_t count)>;

// Steps kBegin … kEnd − 1 of a native-target run, tile by tile: each thread takes `tile`
// particles (a multiple of noiseBlockRows(d)) through all these steps while they stay in cache,
// instead of streaming all n particles through memory once per step. plans[k − kBegin] is step
// k's plan (nullptr: randomized). Particles are independent and every particle sees the
// operations of executePlanFused in the same order, so results are bit-identical to calling it
// once per step, whatever the tile and the thread that takes it.
template <class T>
void executePlansTiled(const SamplerSetup& s, const Target& target, int kBegin, int kEnd, const StepPlan* const* plans, T* x, PlanScratch& scratch,
                       int threads, size_t tile, const TileObserver& afterStep);

template <class T>
void executePlanStagewise(const SamplerSetup& s, BatchScore<T>& score, int k, const StepPlan* plan, PlanScratch& scratch, int threads);

// Throws CALLBACK_FAILED naming `what` when a callback wrote NaN/Inf into rows [first, first + count).
template <class T>
void requireFiniteCallbackOutput(const T* out, size_t first, size_t count, size_t d, const char* what, double t);

}  // namespace dw2
