// The adaptive DPM-Solver driver (dpm-adaptive): attempted steps of an embedded DPM-Solver pair
// (schemes/ plansDpmSolverEmbedded) whose size a PID controller chooses from the batch's error
// estimate, as in Lu et al. 2022 (adaptive step size schedule) and k-diffusion's dpm_solver_adaptive.
// The controller sees the whole batch, so the accepted grid depends on every particle of the
// call: results are reproducible across thread counts, not across batch splits.
#pragma once
#include "core/progress.h"
#include "sampler/batch_score.h"
#include "sampler/plan_executor.h"
#include "sampler/sampler_setup.h"
#include "targets/target.h"

namespace dw2 {

// Steps x (n × d) from grid.front() to grid.back() (> 0); intermediate grid points are ignored.
// Fills stats.nfe, accepted, rejected and acceptedGrid. scratch must hold one history slot.
template <class T>
void runAdaptiveSampler(const SamplerSetup& s, const Target* target, BatchScore<T>* batch, T* x, PlanScratch& scratch, int threads,
                        Progress& progress, SamplerStats& stats);

}  // namespace dw2
