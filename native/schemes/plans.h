// Per-scheme plan writers (internal to schemes/); buildStepPlan dispatches to them.
#pragma once
#include <vector>
#include "schemes/scheme.h"

namespace dw2::plans {

// SDE schemes, one score evaluation (sde_schemes.cc)
void eulerMaruyama(const Process& p, double t0, double t1, StepPlan& plan);
void ddpm(const Process& p, double t0, double t1, StepPlan& plan);
void exponential(const Process& p, double t0, double t1, StepPlan& plan);
// probability-flow ODE schemes (ode_schemes.cc)
void euler(const Process& p, double t0, double t1, StepPlan& plan);
void heun(const Process& p, double t0, double t1, bool lastStageAllowed, StepPlan& plan);
void rk4(const Process& p, double t0, double t1, bool lastStageAllowed, StepPlan& plan);
void ddim(const Process& p, double t0, double t1, double eta, StepPlan& plan);
void exponentialOde(const Process& p, double t0, double t1, StepPlan& plan);
// randomized schemes, evaluation time τ = t0 − u h (randomized_schemes.cc)
void randomizedMidpoint(const Process& p, double t0, double t1, double u, StepPlan& plan);
void randomizedExponential(const Process& p, double t0, double t1, double u, StepPlan& plan);

// noise-level (Karras) form, y = x/α and ς = σ/α (noise_level_schemes.cc)
void eulerAncestral(const Process& p, double t0, double t1, double eta, double sNoise, StepPlan& plan);
void edm(const Process& p, const std::vector<double>& grid, int k, const PlanOptions& o, StepPlan& plan);
// multistep schemes, history in StepPlan::save / Combination::history (multistep_schemes.cc)
void dpmSolverPp2M(const Process& p, const std::vector<double>& grid, int k, StepPlan& plan);
void dpmSolverPp2MSde(const Process& p, const std::vector<double>& grid, int k, double eta, double sNoise, StepPlan& plan);
void dpmSolverPp3MSde(const Process& p, const std::vector<double>& grid, int k, double eta, double sNoise, StepPlan& plan);
void lms(const Process& p, const std::vector<double>& grid, int k, int order, StepPlan& plan);
// DPM-Solver singlestep and DPM-Solver++(2S) ancestral (dpm_solver_schemes.cc)
void dpmSolver2(const Process& p, double t0, double t1, StepPlan& plan);
void dpmSolver3(const Process& p, double t0, double t1, StepPlan& plan);
void dpmSolverPp2SAncestral(const Process& p, double t0, double t1, double eta, double sNoise, StepPlan& plan);
// An attempted step of DPM-Solver-12 (order 2) or -23 (order 3): x′ the higher-order solution,
// H′₀ the embedded lower-order one (DPM-Solver-1, resp. DPM-Solver-2 with r₁ = ⅓).
void dpmSolverEmbedded(const Process& p, double t0, double t1, int order, StepPlan& plan);
// UniPC (unipc.cc); q.order resolved (1–3)
void unipc(const Process& p, const std::vector<double>& grid, int k, const SamplerParams& q, StepPlan& plan);
void requireUnipcSteps(const SamplerParams& q, int steps);

}  // namespace dw2::plans
