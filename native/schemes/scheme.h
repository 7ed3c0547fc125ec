// The catalogue of sampling schemes (spec §5–6): names, evaluation counts, orders, and
// the function that writes a step of a linear-stage scheme as a StepPlan.
#pragma once
#include <string>
#include <vector>
#include "process/process.h"
#include "schemes/step_plan.h"

namespace dw2 {

enum class Scheme {
  EulerMaruyama,
  Ddpm,
  Exponential,
  Euler,
  Heun,
  Rk4,
  Ddim,
  ExponentialOde,
  RandomizedMidpoint,
  RandomizedExponential,
  LocalLinearization,
  LocalLinearizationOde,
  // The samplers of k-diffusion / diffusers (multistep_schemes.cc, sigma_schemes.cc)
  DpmSolverPp2M,
  EulerAncestral,
  Edm,
  UniPc,
  DpmSolver2,
  DpmSolver3,
  DpmSolverPp2SAncestral,
  DpmSolverPp2MSde,
  DpmSolverPp3MSde,
  Lms,
  DpmAdaptive,
};

constexpr int kSchemeCount = 23;

struct SchemeInfo {
  Scheme scheme;
  const char* name;
  int nfePerStep;       // score evaluations per full step (Hessian work not counted)
  double order;         // W2 order in the step size proven/observed for smooth targets
  bool stochastic;      // draws noise (ddim: when η > 0)
  bool randomized;      // draws a random evaluation time u ~ U(0, 1) per particle and step
  bool usesHessian;     // needs ∇s, Δs, ∂_t s (local linearization)
  bool ode;             // discretizes the probability-flow ODE
  bool vpOnly;          // defined for vp/ou only
  int historySlots;     // vectors a particle carries between steps (multistep schemes); 0: single-step
};

const SchemeInfo& schemeInfo(Scheme s);
const SchemeInfo* allSchemes();  // kSchemeCount entries
Scheme parseScheme(const std::string& name);

// Options of the k-diffusion samplers (their names there: eta, s_noise, s_churn, s_tmin, s_tmax).
// sTmin/sTmax are noise levels ς = σ/α, like k-diffusion's sigmas.
struct SamplerParams {
  double eta = 1.0;       // ancestral / SDE η ≥ 0 (euler-ancestral, dpmpp-2s-ancestral, dpmpp-2m-sde, dpmpp-3m-sde;
                          // k-diffusion's default 1); ddim's η is PlanOptions::eta
  double sNoise = 1.0;    // the same samplers and edm: scale of the fresh noise
  double sChurn = 0.0;    // edm: total churn; γ_k = min(S_churn/N, √2 − 1) inside [S_tmin, S_tmax]
  double sTmin = 0.0;
  double sTmax = 1e300;
  int order = 0;          // unipc (1–3; 0: 2); lms (1–4; 0: 4)
  bool bh2 = true;        // unipc: B(h) = e^{−h} − 1 (bh2, diffusers' default) or −h (bh1)
  bool corrector = true;  // unipc: apply UniC
  // dpm-adaptive (k-diffusion's dpm_solver_adaptive; order 2 or 3 in `order`, 0: 3): error
  // tolerances, initial step in λ, PID coefficients and the acceptance threshold.
  double rtol = 0.05, atol = 0.0078, hInit = 0.05;
  double pcoeff = 0.0, icoeff = 1.0, dcoeff = 0.0, acceptSafety = 0.81;
};

struct PlanOptions {
  double eta = 0.0;               // ddim's η ∈ [0, 1]
  double u = 0.5;                 // randomized schemes' uniform draw
  bool scoreDefinedAtZero = true; // if false and t_{k+1} = 0, two-stage schemes fall back to Euler
  SamplerParams params;
};

// Writes the plan of one step t0 = t_k → t1 = t_{k+1} (t0 > t1 ≥ 0) of a scheme whose step
// depends on t0, t1 only. Throws for the local linearization schemes (not linear-stage: see
// local_linearization.h), for schemes that need the whole grid (multistep, edm: use the grid
// form) and for invalid steps (ddpm with h·g² ≥ 1).
void buildStepPlan(Scheme s, const Process& p, double t0, double t1, const PlanOptions& o, StepPlan& plan);

// Writes the plan of step k (grid[k] → grid[k+1]) of any linear-stage scheme; multistep schemes
// read the earlier grid times their history was stored at.
void buildStepPlan(Scheme s, const Process& p, const std::vector<double>& grid, int k, const PlanOptions& o, StepPlan& plan);

// True when the scheme's plan depends on more of the grid than its own step.
bool needsWholeGrid(Scheme s);

// Checks a scheme's options (η ranges, S_churn ≥ 0, …) and that the scheme is defined for the
// process; throws INVALID_ARGUMENT saying why not.
void validateSchemeOptions(Scheme s, const Process& p, const PlanOptions& o);

}  // namespace dw2
