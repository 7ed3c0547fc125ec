// The catalogue of sampling schemes (spec §5–6): one row per scheme (scheme_catalog.cc) with its
// name, evaluation counts, order, traits and the function that writes its steps as StepPlans.
// A Scheme is a pointer to its row; code asks the row, never compares against named schemes.
#pragma once
#include <string>
#include <vector>
#include "process/process.h"
#include "schemes/randomized_plans.h"
#include "schemes/step_plan.h"

namespace dw2 {

// Options of the k-diffusion samplers (their names there: eta, s_noise, s_churn, s_tmin, s_tmax).
// sTmin/sTmax are noise levels ς = σ/α, like k-diffusion's sigmas.
struct SamplerParams {
  double eta = 1.0;       // ancestral / SDE η ≥ 0 (euler-ancestral, dpmpp-2s-ancestral, dpmpp-2m-sde, dpmpp-3m-sde;
                          // k-diffusion's default 1); ddim's η is PlanOptions::eta
  double sNoise = 1.0;    // the same samplers and edm: scale of the fresh noise
  double sChurn = 0.0;    // edm: total churn; γ_k = min(S_churn/N, √2 − 1) inside [S_tmin, S_tmax]
  double sTmin = 0.0;
  double sTmax = 1e300;
  int order = 0;          // unipc (1–3; 0: 2); lms (1–4; 0: 4); dpm-adaptive (2–3; 0: 3)
  bool bh2 = true;        // unipc: B(h) = e^{−h} − 1 (bh2, diffusers' default) or −h (bh1)
  bool corrector = true;  // unipc: apply UniC
  // dpm-adaptive (k-diffusion's dpm_solver_adaptive): error tolerances, initial step in λ, PID
  // coefficients and the acceptance threshold.
  double rtol = 0.05, atol = 0.0078, hInit = 0.05;
  double pcoeff = 0.0, icoeff = 1.0, dcoeff = 0.0, acceptSafety = 0.81;
};

struct PlanOptions {
  double eta = 0.0;               // ddim's η ∈ [0, 1]
  double u = 0.5;                 // randomized schemes' uniform draw
  bool scoreDefinedAtZero = true; // if false and t_{k+1} = 0, two-stage schemes fall back to Euler
  SamplerParams params;
};

struct SchemeInfo;

// What a plan writer reads for step k of a grid t_0 > t_1 > … > t_N: single-step schemes read
// t0() = t_k and t1() = t_{k+1} only; multistep schemes and edm read the earlier times too.
struct StepContext {
  const Process& p;
  const double* grid;  // t_0 … t_N
  int steps;           // N
  int k;
  const PlanOptions& o;
  const SchemeInfo* scheme;
  double t0() const { return grid[k]; }
  double t1() const { return grid[k + 1]; }
  // The scheme's `order` option, checked against its row and resolved (0: the row's default).
  int order() const;
};

// Writes the plan of one step (plan arrives zeroed); throws INVALID_ARGUMENT for invalid steps.
using PlanWriter = void (*)(const StepContext& c, StepPlan& plan);

// Which η a scheme reads: none, ddim's (PlanOptions::eta ∈ [0, 1]; stochastic when > 0), or the
// ancestral η ≥ 0 of SamplerParams, which scales the injected noise (Ancestral) or, for the SDE
// samplers of the DPM-Solver++ family, its variance (AncestralVariance: noise scale √η).
enum class SchemeEta { None, Ddim, Ancestral, AncestralVariance };

// The `order` option a scheme takes (min = 0: none).
struct OrderOption {
  int min = 0, max = 0, fallback = 0;
};

// Row flags.
enum : unsigned {
  kStochastic = 1u,    // draws noise with every option (ddim, which does when η > 0, is not flagged)
  kUsesHessian = 4u,   // needs ∇s, Δs, ∂_t s (local linearization; no PlanWriter)
  kOde = 8u,           // discretizes the probability-flow ODE
  kVpOnly = 16u,       // defined for vp/ou only
  kWholeGrid = 32u,    // a step's plan reads earlier grid times (multistep schemes, edm)
  kAdaptive = 64u,     // chooses its own grid (the grid it is given is [T, t_end])
};

struct SchemeInfo {
  const char* name;
  PlanWriter write;     // null: not a linear-stage scheme (local linearization)
  int nfePerStep;       // score evaluations per full step (Hessian work not counted)
  double order;         // W2 order in the step size proven/observed for smooth targets
  bool stochastic, usesHessian, ode, vpOnly, wholeGrid, adaptive;
  int historySlots;     // vectors a particle carries between steps (multistep schemes); 0: single-step
  SchemeEta eta;
  OrderOption orderOption;
  RandomizedRule rule;  // randomized schemes' per-particle formula (randomized_plans.h)
  bool randomized;      // draws a random evaluation time u ~ U(0, 1) per particle and step

  constexpr SchemeInfo(const char* name_, PlanWriter write_, int nfe, double order_, unsigned flags, int history = 0,
                       SchemeEta eta_ = SchemeEta::None, OrderOption orders = {}, RandomizedRule rule_ = RandomizedRule::None)
      : name(name_), write(write_), nfePerStep(nfe), order(order_), stochastic(flags & kStochastic),
        usesHessian(flags & kUsesHessian), ode(flags & kOde), vpOnly(flags & kVpOnly), wholeGrid(flags & kWholeGrid),
        adaptive(flags & kAdaptive), historySlots(history), eta(eta_), orderOption(orders), rule(rule_),
        randomized(rule_ != RandomizedRule::None) {}
};

using Scheme = const SchemeInfo*;

inline const SchemeInfo& schemeInfo(Scheme s) { return *s; }
int schemeCount();
Scheme schemeAt(int i);
Scheme parseScheme(const std::string& name);

// Writes the plan of one step t0 = t_k → t1 = t_{k+1} (t0 > t1 ≥ 0) of a scheme whose step
// depends on t0, t1 only. Throws for the local linearization schemes (not linear-stage: see
// local_linearization.h), for schemes that need the whole grid (multistep, edm: use the grid
// form) and for invalid steps (ddpm with h·g² ≥ 1).
void buildStepPlan(Scheme s, const Process& p, double t0, double t1, const PlanOptions& o, StepPlan& plan);

// Writes the plan of step k (grid[k] → grid[k+1]) of any linear-stage scheme; multistep schemes
// read the earlier grid times their history was stored at.
void buildStepPlan(Scheme s, const Process& p, const std::vector<double>& grid, int k, const PlanOptions& o, StepPlan& plan);

// True when the scheme's plan depends on more of the grid than its own step.
inline bool needsWholeGrid(Scheme s) { return s->wholeGrid; }

// True when a run of the scheme draws noise (ddimEta: PlanOptions::eta).
inline bool drawsNoise(Scheme s, double ddimEta) { return s->stochastic || (s->eta == SchemeEta::Ddim && ddimEta > 0); }

// Checks a scheme's options (η ranges, S_churn ≥ 0, …) and that the scheme is defined for the
// process; throws INVALID_ARGUMENT saying why not.
void validateSchemeOptions(Scheme s, const Process& p, const PlanOptions& o);

}  // namespace dw2
