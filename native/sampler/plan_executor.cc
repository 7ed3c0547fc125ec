#include "sampler/plan_executor.h"
#include <omp.h>
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <type_traits>
#include "core/errors.h"
#include "random/noise.h"
#include "runtime/simd.h"
#include "runtime/threads.h"
#include "sampler/combination.h"
#include "core/parallel_failure.h"
#include "sampler/noise_keys.h"
#include "sampler/path_noise.h"

namespace dw2 {

// Layout per thread: R (kMaxStages·d), S (kMaxStages·d), Z (kMaxNoises·d), out (d), target
// scratch, a block of noise rows (kMaxNoises · noiseBlockRows(d) · d), then the stage blocks
// ((2 kMaxStages + 1) · stageBlockRows(d) · d).
PlanScratch::PlanScratch(int threads, size_t d, size_t targetScratch)
    : d_(d),
      targetScratch_(targetScratch),
      stride_((2 * kMaxStages + kMaxNoises + 1) * d + targetScratch + 8 + kMaxNoises * noiseBlockRows(d) * d +
              (2 * kMaxStages + 1) * stageBlockRows(d) * d),
      threads_(threads),
      data_(static_cast<size_t>(threads) * stride_) {}

void PlanScratch::allocateHistory(int slots, size_t n, uint64_t firstParticle) {
  historySlots_ = slots;
  historyFirst_ = firstParticle;
  historyStride_ = n * d_;
  history_.assign(static_cast<size_t>(slots) * historyStride_, 0.0);
  saves_.assign(static_cast<size_t>(threads_) * kMaxHistory * stageBlockRows(d_) * d_, 0.0);
}

double* PlanScratch::noiseBlock(int t) { return forThread(t) + (2 * kMaxStages + kMaxNoises + 1) * d_ + targetScratch_ + 8; }
double* PlanScratch::stageBlock(int t) { return noiseBlock(t) + kMaxNoises * noiseBlockRows(d_) * d_; }

int planThreads(size_t n, size_t d, int stages) { return threadsFor(double(n) * double(d), 40.0 * std::max(1, stages)); }

namespace {

struct ThreadRows {
  RowSources src;
  double* reg[kMaxStages];
  double* score[kMaxStages];
  double* noise[kMaxNoises];
  double* out;
  double* targetScratch;
};

ThreadRows threadRows(PlanScratch& scratch, int thread) {
  ThreadRows r;
  double* p = scratch.forThread(thread);
  const size_t d = scratch.d();
  for (int j = 0; j < kMaxStages; ++j, p += d) r.src.reg[j] = r.reg[j] = p;
  for (int j = 0; j < kMaxStages; ++j, p += d) r.src.score[j] = r.score[j] = p;
  for (int l = 0; l < kMaxNoises; ++l, p += d) r.src.noise[l] = r.noise[l] = p;
  r.out = p;
  r.targetScratch = p + d;
  return r;
}

struct CompiledPlan {
  CompiledCombination input[kMaxStages];
  CompiledCombination output;
  CompiledCombination save[kMaxHistory];
};

void compilePlan(const StepPlan& plan, CompiledPlan& c) {
  const int h = plan.historyRead;
  if (plan.perturbsInput) c.input[0] = compileCombination(plan.input[0], 1, plan.noises, h);
  for (int j = 1; j < plan.stages; ++j) c.input[j] = compileCombination(plan.input[j], plan.stages, plan.noises, h);
  c.output = compileCombination(plan.output, plan.stages, plan.noises, h);
  for (int m = 0; m < plan.historyWrite; ++m) c.save[m] = compileCombination(plan.save[m], plan.stages, plan.noises, h);
}

// The end of a step on `len` elements of rows: x′ into `out`, then the new history, computed
// from the old one into `saves` before it is overwritten (x′ and H′ may both read H).
void finishStep(const StepPlan& plan, const CompiledPlan& c, const RowSources& src, size_t len, double* out, double* saves,
                double* const* history) {
  applyCombination(c.output, src, len, out);
  for (int m = 0; m < plan.historyWrite; ++m) applyCombination(c.save[m], src, len, saves + m * len);
  for (int m = 0; m < plan.historyWrite; ++m) std::copy(saves + m * len, saves + (m + 1) * len, history[m]);
}

// The plan of particle `particle` at step k (built when the scheme is randomized).
const StepPlan& particlePlan(const SamplerSetup& s, int k, uint64_t particle, const StepPlan* shared, StepPlan& local) {
  if (shared) return *shared;
  PlanOptions o;
  o.eta = s.eta;
  o.scoreDefinedAtZero = s.scoreDefinedAtZero;
  o.u = randomizedTime(s.seed, particle, static_cast<uint32_t>(k));
  buildStepPlan(s.scheme, s.process, s.grid[k], s.grid[k + 1], o, local);
  return local;
}

// Rows between the state's storage type and the double registers (SIMD clones: the baseline
// build would copy 16 bytes at a time).
DW2_SIMD_CLONES void loadRow(const double* in, size_t d, double* out) {
  for (size_t j = 0; j < d; ++j) out[j] = in[j];
}
DW2_SIMD_CLONES void loadRow(const float* in, size_t d, double* out) {
  for (size_t j = 0; j < d; ++j) out[j] = static_cast<double>(in[j]);
}
DW2_SIMD_CLONES void storeRow(const double* in, size_t d, double* out) {
  for (size_t j = 0; j < d; ++j) out[j] = in[j];
}
DW2_SIMD_CLONES void storeRow(const double* in, size_t d, float* out) {
  for (size_t j = 0; j < d; ++j) out[j] = static_cast<float>(in[j]);
}

// One thread's views into PlanScratch for the fused executor: the per-particle rows, the noise
// block and the stage blocks (registers, scores, output) of blockRows rows.
struct FusedThread {
  ThreadRows rows;
  double* noise;
  size_t blockRows;
  double* blockReg[kMaxStages];
  double* blockScore[kMaxStages];
  RowSources block;
  double* blockOut;
  double* saves;
  StepPlan localPlan;
  CompiledPlan localCompiled;
  FusedThread(PlanScratch& scratch, int thread)
      : rows(threadRows(scratch, thread)), noise(scratch.noiseBlock(thread)), blockRows(stageBlockRows(scratch.d())) {
    const size_t d = scratch.d();
    double* q = scratch.stageBlock(thread);
    for (int j = 0; j < kMaxStages; ++j, q += blockRows * d) block.reg[j] = blockReg[j] = q;
    for (int j = 0; j < kMaxStages; ++j, q += blockRows * d) block.score[j] = blockScore[j] = q;
    blockOut = q;
    saves = scratch.historySlots() > 0 ? scratch.saveBlock(thread) : nullptr;
  }
};

// Step k on particles [first, first + count) of the batch (count ≤ noiseBlockRows(d); x is the
// batch's first row). Noise is drawn for the whole block at once (the generator vectorizes over
// particles); randomized schemes (plan == nullptr) always draw kMaxNoises vectors.
template <class T>
void fusedBlockStep(const SamplerSetup& s, const Target& target, int k, const StepPlan* plan, const CompiledPlan& shared, T* x, size_t first,
                    size_t count, PlanScratch& scratch, FusedThread& t) {
  const size_t d = s.d;
  const int stepNoises = plan ? plan->noises : kMaxNoises;
  const size_t slot = noiseBlockRows(d) * d;  // doubles between a block's noise vectors
  stepNoiseBlock(s, k, stepNoises, plan == nullptr, s.firstParticle + first, count, t.noise, slot);
  if (plan) {
    // One plan for all particles: every combination is elementwise with shared coefficients,
    // so it runs over whole blocks of rows (the same operations per element as row by row),
    // and each stage is one batched score call.
    for (size_t r0 = 0; r0 < count; r0 += t.blockRows) {
      const size_t m = std::min(t.blockRows, count - r0), len = m * d;
      for (int l = 0; l < kMaxNoises; ++l) t.block.noise[l] = t.noise + static_cast<size_t>(l) * slot + r0 * d;
      T* xr = x + (first + r0) * d;
      double* hist[kMaxHistory] = {};
      for (int h = 0; h < scratch.historySlots(); ++h) t.block.history[h] = hist[h] = scratch.history(h, s.firstParticle + first + r0);
      // float64 state that the step reads unchanged and writes only at the end (no churn, no
      // history saved after x′) is register 0 itself and receives x′ in place (the combination
      // reads all terms of an element before writing it): the same values, two copies fewer.
      const bool inPlace = std::is_same_v<T, double> && !plan->perturbsInput && plan->historyWrite == 0;
      double* reg0 = inPlace ? reinterpret_cast<double*>(xr) : t.blockReg[0];
      t.block.reg[0] = reg0;
      if (!inPlace) loadRow(xr, len, reg0);
      if (plan->perturbsInput) applyCombination(shared.input[0], t.block, len, reg0);
      for (int j = 0; j < plan->stages; ++j) {
        if (j > 0) applyCombination(shared.input[j], t.block, len, t.blockReg[j]);
        target.scoreBatch(s.process, plan->scoreTime[j], j == 0 ? reg0 : t.blockReg[j], m, d, t.blockScore[j], t.rows.targetScratch);
      }
      finishStep(*plan, shared, t.block, len, inPlace ? reg0 : t.blockOut, t.saves, hist);
      if (!inPlace) storeRow(t.blockOut, len, xr);
    }
    return;
  }
  for (size_t r = 0; r < count; ++r) {
    const uint64_t particle = s.firstParticle + first + r;
    const StepPlan& p = particlePlan(s, k, particle, plan, t.localPlan);
    compilePlan(p, t.localCompiled);
    for (int l = 0; l < kMaxNoises; ++l) t.rows.src.noise[l] = t.noise + static_cast<size_t>(l) * slot + r * d;
    T* row = x + (first + r) * d;
    loadRow(row, d, t.rows.reg[0]);
    for (int j = 0; j < p.stages; ++j) {
      if (j > 0) applyCombination(t.localCompiled.input[j], t.rows.src, d, t.rows.reg[j]);
      target.score(s.process, p.scoreTime[j], t.rows.reg[j], t.rows.score[j], t.rows.targetScratch);
    }
    applyCombination(t.localCompiled.output, t.rows.src, d, t.rows.out);
    storeRow(t.rows.out, d, row);
  }
}

}  // namespace

template <class T>
void executePlanFused(const SamplerSetup& s, const Target& target, int k, const StepPlan* plan, T* x, PlanScratch& scratch, int threads) {
  CompiledPlan shared;
  if (plan) compilePlan(*plan, shared);
  const size_t block = noiseBlockRows(s.d);
  const long long blocks = static_cast<long long>((s.n + block - 1) / block);
  ParallelFailure failure;
#pragma omp parallel num_threads(threads)
  {
    FusedThread t(scratch, omp_get_thread_num());
#pragma omp for schedule(static)
    for (long long b = 0; b < blocks; ++b) {
      const size_t first = static_cast<size_t>(b) * block;
      failure.guard([&] { fusedBlockStep(s, target, k, plan, shared, x, first, std::min(block, s.n - first), scratch, t); });
    }
  }
  failure.rethrow();
}

size_t tileRows(size_t d, size_t bytesPerValue, int historySlots) {
  const size_t rowBytes = d * (bytesPerValue + sizeof(double) * static_cast<size_t>(historySlots));
  const size_t rows = kTileBytes / (rowBytes > 0 ? rowBytes : 1);
  const size_t block = noiseBlockRows(d);
  return std::max(block, rows / block * block);
}

template <class T>
void executePlansTiled(const SamplerSetup& s, const Target& target, int kBegin, int kEnd, const StepPlan* const* plans, T* x, PlanScratch& scratch,
                       int threads, size_t tile, const TileObserver& afterStep) {
  std::vector<CompiledPlan> compiled(static_cast<size_t>(kEnd - kBegin));
  for (int k = kBegin; k < kEnd; ++k)
    if (plans[k - kBegin]) compilePlan(*plans[k - kBegin], compiled[static_cast<size_t>(k - kBegin)]);
  const long long tiles = static_cast<long long>((s.n + tile - 1) / tile);
  const size_t block = noiseBlockRows(s.d);
  ParallelFailure failure;
#pragma omp parallel num_threads(threads)
  {
    FusedThread t(scratch, omp_get_thread_num());
    // Dynamic: a tile's result does not depend on the thread that runs it, and a core slowed by
    // other work then simply takes fewer tiles.
#pragma omp for schedule(dynamic, 1)
    for (long long b = 0; b < tiles; ++b) {
      const size_t first = static_cast<size_t>(b) * tile, count = std::min(tile, s.n - first);
      failure.guard([&] {
        for (int k = kBegin; k < kEnd; ++k) {
          for (size_t r = 0; r < count; r += block)
            fusedBlockStep(s, target, k, plans[k - kBegin], compiled[static_cast<size_t>(k - kBegin)], x, first + r, std::min(block, count - r), scratch, t);
          if (afterStep) afterStep(k, first, count);
        }
      });
    }
  }
  failure.rethrow();
}

template <class T>
void requireFiniteCallbackOutput(const T* out, size_t first, size_t count, size_t d, const char* what, double t) {
  const long long lo = static_cast<long long>(first * d), hi = static_cast<long long>((first + count) * d);
  long long bad = hi;
  const int threads = threadsFor(double(hi - lo), 1.0);
#pragma omp parallel for num_threads(threads) reduction(min : bad)
  for (long long q = lo; q < hi; ++q)
    if (!std::isfinite(out[q]) && q < bad) bad = q;
  if (bad < hi)
    fail(ErrorCode::CallbackFailed, std::string("the ") + what + " callback returned a non-finite value (" + std::to_string(double(out[bad])) +
                                        ") at row " + std::to_string(bad / static_cast<long long>(d)) + ", column " +
                                        std::to_string(bad % static_cast<long long>(d)) + " (t = " + std::to_string(t) + ")");
}

template <class T>
void executePlanStagewise(const SamplerSetup& s, BatchScore<T>& score, int k, const StepPlan* plan, PlanScratch& scratch, int threads) {
  const size_t n = s.n, d = s.d;
  CompiledPlan shared;
  if (plan) compilePlan(*plan, shared);
  const int stages = plan ? plan->stages : 2;  // randomized schemes: two stages for every particle
  const double t0 = plan ? plan->scoreTime[0] : s.grid[k];
  // A plan that perturbs its input (edm's churn) runs its stage 0 combination first (j = 0 below).
  const int firstStage = plan && plan->perturbsInput ? 0 : 1;
  if (firstStage == 1) {
    score.score(t0, false, BatchBuffer::X, BatchBuffer::S0, 0, n);
    requireFiniteCallbackOutput(score.buffer(BatchBuffer::S0), 0, n, d, "score", t0);
  }
  T* bufs[2 * kMaxStages];
  for (int j = 0; j < stages; ++j) {
    bufs[j] = score.buffer(registerBuffer(j));
    bufs[kMaxStages + j] = score.buffer(scoreBuffer(j));
  }
  double* times = score.times();
  // Stage j ≥ 1 (j == stages: the output), computed row by row from registers and scores < j.
  for (int j = firstStage; j <= stages; ++j) {
    ParallelFailure failure;
#pragma omp parallel num_threads(threads)
    {
      const int thread = omp_get_thread_num();
      ThreadRows rows = threadRows(scratch, thread);
      StepPlan localPlan;
      CompiledPlan localCompiled;
#pragma omp for schedule(static)
      for (long long i = 0; i < static_cast<long long>(n); ++i) {
        failure.guard([&] {
          const uint64_t particle = s.firstParticle + static_cast<uint64_t>(i);
          const StepPlan& p = particlePlan(s, k, particle, plan, localPlan);
          const CompiledPlan* c = &shared;
          if (!plan) {
            compilePlan(p, localCompiled);
            c = &localCompiled;
          }
          const size_t off = static_cast<size_t>(i) * d;
          for (int q = 0; q < j; ++q) {
            loadRow(bufs[q] + off, d, rows.reg[q]);
            loadRow(bufs[kMaxStages + q] + off, d, rows.score[q]);
          }
          if (j == 0) loadRow(bufs[0] + off, d, rows.reg[0]);
          double* hist[kMaxHistory] = {};
          for (int h = 0; h < scratch.historySlots(); ++h) rows.src.history[h] = hist[h] = scratch.history(h, particle);
          stepNoiseBlock(s, k, p.noises, plan == nullptr, particle, 1, rows.noise[0], d);  // slots are d apart (threadRows)
          if (j == stages) {
            finishStep(p, *c, rows.src, d, rows.out, scratch.historySlots() > 0 ? scratch.saveBlock(thread) : nullptr, hist);
            storeRow(rows.out, d, bufs[0] + off);
          } else {
            applyCombination(c->input[j], rows.src, d, rows.out);
            storeRow(rows.out, d, bufs[j] + off);
            if (!plan) times[i] = p.scoreTime[j];
          }
        });
      }
    }
    failure.rethrow();
    if (j < stages) {
      const double tj = plan ? plan->scoreTime[j] : t0;
      score.score(tj, plan == nullptr, registerBuffer(j), scoreBuffer(j), 0, n);
      requireFiniteCallbackOutput(bufs[kMaxStages + j], 0, n, d, "score", tj);
    }
  }
}

template void executePlanFused<double>(const SamplerSetup&, const Target&, int, const StepPlan*, double*, PlanScratch&, int);
template void executePlanFused<float>(const SamplerSetup&, const Target&, int, const StepPlan*, float*, PlanScratch&, int);
template void executePlansTiled<double>(const SamplerSetup&, const Target&, int, int, const StepPlan* const*, double*, PlanScratch&, int, size_t, const TileObserver&);
template void executePlansTiled<float>(const SamplerSetup&, const Target&, int, int, const StepPlan* const*, float*, PlanScratch&, int, size_t, const TileObserver&);
template void executePlanStagewise<double>(const SamplerSetup&, BatchScore<double>&, int, const StepPlan*, PlanScratch&, int);
template void executePlanStagewise<float>(const SamplerSetup&, BatchScore<float>&, int, const StepPlan*, PlanScratch&, int);
template void requireFiniteCallbackOutput<double>(const double*, size_t, size_t, size_t, const char*, double);
template void requireFiniteCallbackOutput<float>(const float*, size_t, size_t, size_t, const char*, double);

}  // namespace dw2
