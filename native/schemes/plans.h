// What the plan files share: the catalogue's types (each scheme's PlanWriter is declared beside its
// row in scheme_catalog.cc) and the one step formula another part of the tree also calls.
#pragma once
#include "schemes/scheme.h"

namespace dw2::plans {

// An attempted step of DPM-Solver-12 (order 2) or -23 (order 3): x′ the higher-order solution,
// H′₀ the embedded lower-order one (DPM-Solver-1, resp. DPM-Solver-2 with r₁ = ⅓); the adaptive
// driver (sampler/adaptive_driver.cc) steps with it (dpm_solver_schemes.cc).
void dpmSolverEmbedded(const Process& p, double t0, double t1, int order, StepPlan& plan);

}  // namespace dw2::plans
