// The catalogue: one row per scheme, its plan writer declared beside it (defined in the scheme's
// plan file). Adding a scheme is its plan file plus its row here; TypeScript's SamplerName is
// generated from these rows (scripts/gen-sampler-names.mjs), so keep each row's name the first
// string literal of a line that starts with `{"`.
#include <string>
#include "core/errors.h"
#include "schemes/scheme.h"

namespace dw2 {

namespace plans {
void eulerMaruyama(const StepContext&, StepPlan&);           // sde_schemes.cc
void ddpm(const StepContext&, StepPlan&);                    // sde_schemes.cc
void exponential(const StepContext&, StepPlan&);             // sde_schemes.cc
void euler(const StepContext&, StepPlan&);                   // ode_schemes.cc
void heun(const StepContext&, StepPlan&);                    // ode_schemes.cc
void rk4(const StepContext&, StepPlan&);                     // ode_schemes.cc
void ddim(const StepContext&, StepPlan&);                    // ode_schemes.cc
void exponentialOde(const StepContext&, StepPlan&);          // ode_schemes.cc
void randomized(const StepContext&, StepPlan&);              // randomized_schemes.cc (formulas: randomized_plans.h)
void dpmSolverPp2M(const StepContext&, StepPlan&);           // multistep_schemes.cc
void eulerAncestral(const StepContext&, StepPlan&);          // noise_level_schemes.cc
void edm(const StepContext&, StepPlan&);                     // noise_level_schemes.cc
void unipc(const StepContext&, StepPlan&);                   // unipc.cc
void dpmSolver2(const StepContext&, StepPlan&);              // dpm_solver_schemes.cc
void dpmSolver3(const StepContext&, StepPlan&);              // dpm_solver_schemes.cc
void dpmSolverPp2SAncestral(const StepContext&, StepPlan&);  // dpm_solver_schemes.cc
void dpmSolverPp2MSde(const StepContext&, StepPlan&);        // multistep_schemes.cc
void dpmSolverPp3MSde(const StepContext&, StepPlan&);        // multistep_schemes.cc
void lms(const StepContext&, StepPlan&);                     // multistep_schemes.cc
void dpmAdaptive(const StepContext&, StepPlan&);             // dpm_solver_schemes.cc
}  // namespace plans

namespace {

using E = SchemeEta;
constexpr unsigned kSde = kStochastic;

const SchemeInfo kSchemes[] = {
    // name, plan writer, nfe/step, order, flags, history slots, η, order option {min, max, default}, randomized rule
    {"euler-maruyama", plans::eulerMaruyama, 1, 1.0, kSde},
    {"ddpm", plans::ddpm, 1, 1.0, kSde | kVpOnly},
    {"exponential", plans::exponential, 1, 1.0, kSde},
    {"euler", plans::euler, 1, 1.0, kOde},
    {"heun", plans::heun, 2, 2.0, kOde},
    {"rk4", plans::rk4, 4, 4.0, kOde},
    {"ddim", plans::ddim, 1, 1.0, kOde, 0, E::Ddim},
    {"exponential-ode", plans::exponentialOde, 1, 1.0, kOde},
    {"randomized-midpoint", plans::randomized, 2, 1.0, kSde, 0, E::None, {}, RandomizedRule::Midpoint},
    {"randomized-exponential", plans::randomized, 2, 1.0, kSde, 0, E::None, {}, RandomizedRule::Exponential},
    // not linear-stage: sampler/local_linearization_step.cc, analysis/local_linearization_gaussian.cc
    {"local-linearization", nullptr, 1, 2.0, kSde | kUsesHessian},
    {"local-linearization-ode", nullptr, 1, 2.0, kOde | kUsesHessian},
    // The orders are those of the default options (edm: S_churn = 0, the deterministic Heun sampler).
    {"dpmpp-2m", plans::dpmSolverPp2M, 1, 2.0, kOde | kWholeGrid, 1},
    {"euler-ancestral", plans::eulerAncestral, 1, 1.0, kSde, 0, E::Ancestral},
    {"edm", plans::edm, 2, 2.0, kSde | kOde | kWholeGrid},
    // unipc (order 2, bh2, corrector): UniC raises a step's local order by one, but the first-order
    // first and last steps (the authors' lower_order_final) keep the global order at 2 for order ≥ 2
    {"unipc", plans::unipc, 1, 2.0, kOde | kWholeGrid, 4, E::None, {1, 3, 2}},
    {"dpm-2", plans::dpmSolver2, 2, 2.0, kOde},
    {"dpm-3", plans::dpmSolver3, 3, 3.0, kOde},
    // η = 1 (default); their W2 order on Gaussian data is 2 (euler-ancestral's is 1)
    {"dpmpp-2s-ancestral", plans::dpmSolverPp2SAncestral, 2, 2.0, kSde, 0, E::Ancestral},
    {"dpmpp-2m-sde", plans::dpmSolverPp2MSde, 1, 2.0, kSde | kWholeGrid, 1, E::AncestralVariance},
    {"dpmpp-3m-sde", plans::dpmSolverPp3MSde, 1, 2.0, kSde | kWholeGrid, 2, E::AncestralVariance},
    // lms (order 4): the lower-order start (orders 1, 2, 3) keeps the global order at 2
    {"lms", plans::lms, 1, 2.0, kOde | kWholeGrid, 3, E::None, {1, 4, 4}},
    // dpm-adaptive: NFE per attempted step; on a given (accepted) grid its steps are DPM-Solver-3's.
    // History slot 0 holds the embedded lower-order solution of the step (for the error estimate).
    {"dpm-adaptive", plans::dpmAdaptive, 3, 3.0, kOde | kWholeGrid | kAdaptive, 1, E::None, {2, 3, 3}},
};

constexpr int kCount = static_cast<int>(sizeof kSchemes / sizeof kSchemes[0]);

}  // namespace

int schemeCount() { return kCount; }
Scheme schemeAt(int i) { return &kSchemes[i]; }

Scheme parseScheme(const std::string& name) {
  for (const auto& s : kSchemes)
    if (name == s.name) return &s;
  std::string known;
  for (const auto& s : kSchemes) known += std::string(known.empty() ? "" : ", ") + "'" + s.name + "'";
  fail(ErrorCode::InvalidArgument, "unknown sampler '" + name + "'; known: " + known);
}

}  // namespace dw2
