// Runs a non-randomized scheme's StepPlans (or local linearization's weights) on every
// eigen-direction of a Gaussian score, giving the run's DirectionMaps.
#pragma once
#include <cmath>
#include <vector>
#include "analysis/direction_maps.h"
#include "process/process.h"
#include "core/progress.h"
#include "schemes/scheme.h"

namespace dw2::analysis {

// grid: T = t₀ > … > t_N. eta: ddim's η. Throws for randomized schemes (see
// randomized_moments.h), for ddpm outside vp/ou, and for invalid steps.
DirectionMaps schemeMaps(Scheme scheme, const Process& process, const std::vector<double>& grid, double eta,
                         const ScoreSpectrum& score, Progress& progress = noProgress());

// The same with every scheme option (η, s_noise, s_churn, …). Multistep schemes and plans that
// perturb their input run the joint (x, history) recursion of joint_form.h.
DirectionMaps schemeMaps(Scheme scheme, const Process& process, const std::vector<double>& grid, const PlanOptions& options,
                         const ScoreSpectrum& score, Progress& progress = noProgress());

// Throws INVALID_ARGUMENT when a vp/ou-only scheme (ddpm) meets another process.
void requireSchemeFitsProcess(Scheme scheme, const Process& process);

// Local linearization (spec §6) per direction (local_linearization_gaussian.cc); with a finite
// linearizationCap κ, the stabilized variant (L replaced by min(L, κ/h) in every weight).
DirectionMaps localLinearizationMaps(bool ode, const Process& process, const std::vector<double>& grid,
                                     const ScoreSpectrum& score, Progress& progress = noProgress(), double linearizationCap = HUGE_VAL);

}  // namespace dw2::analysis
