#include <string>
#include "core/errors.h"
#include "schemes/scheme.h"

namespace dw2 {

static const SchemeInfo kSchemes[kSchemeCount] = {
    // scheme, name, nfe/step, order, stochastic, randomized, hessian, ode, vpOnly, history slots
    {Scheme::EulerMaruyama, "euler-maruyama", 1, 1.0, true, false, false, false, false, 0},
    {Scheme::Ddpm, "ddpm", 1, 1.0, true, false, false, false, true, 0},
    {Scheme::Exponential, "exponential", 1, 1.0, true, false, false, false, false, 0},
    {Scheme::Euler, "euler", 1, 1.0, false, false, false, true, false, 0},
    {Scheme::Heun, "heun", 2, 2.0, false, false, false, true, false, 0},
    {Scheme::Rk4, "rk4", 4, 4.0, false, false, false, true, false, 0},
    {Scheme::Ddim, "ddim", 1, 1.0, false, false, false, true, false, 0},
    {Scheme::ExponentialOde, "exponential-ode", 1, 1.0, false, false, false, true, false, 0},
    {Scheme::RandomizedMidpoint, "randomized-midpoint", 2, 1.0, true, true, false, false, false, 0},
    {Scheme::RandomizedExponential, "randomized-exponential", 2, 1.0, true, true, false, false, false, 0},
    {Scheme::LocalLinearization, "local-linearization", 1, 2.0, true, false, true, false, false, 0},
    {Scheme::LocalLinearizationOde, "local-linearization-ode", 1, 2.0, false, false, true, true, false, 0},
    // The orders are those of the default options (edm: S_churn = 0, the deterministic Heun sampler).
    {Scheme::DpmSolverPp2M, "dpmpp-2m", 1, 2.0, false, false, false, true, false, 1},
    {Scheme::EulerAncestral, "euler-ancestral", 1, 1.0, true, false, false, false, false, 0},
    {Scheme::Edm, "edm", 2, 2.0, true, false, false, true, false, 0},
    // unipc (order 2, bh2, corrector): UniC raises a step's local order by one, but the first-order
    // first and last steps (the authors' lower_order_final) keep the global order at 2 for order ≥ 2
    {Scheme::UniPc, "unipc", 1, 2.0, false, false, false, true, false, 4},
    {Scheme::DpmSolver2, "dpm-2", 2, 2.0, false, false, false, true, false, 0},
    {Scheme::DpmSolver3, "dpm-3", 3, 3.0, false, false, false, true, false, 0},
    // η = 1 (default); their W2 order on Gaussian data is 2 (euler-ancestral's is 1)
    {Scheme::DpmSolverPp2SAncestral, "dpmpp-2s-ancestral", 2, 2.0, true, false, false, false, false, 0},
    {Scheme::DpmSolverPp2MSde, "dpmpp-2m-sde", 1, 2.0, true, false, false, false, false, 1},
    {Scheme::DpmSolverPp3MSde, "dpmpp-3m-sde", 1, 2.0, true, false, false, false, false, 2},
    // lms (order 4): the lower-order start (orders 1, 2, 3) keeps the global order at 2
    {Scheme::Lms, "lms", 1, 2.0, false, false, false, true, false, 3},
    // dpm-adaptive: NFE per attempted step; on a given (accepted) grid its steps are DPM-Solver-3's.
    // History slot 0 holds the embedded lower-order solution of the step (for the error estimate).
    {Scheme::DpmAdaptive, "dpm-adaptive", 3, 3.0, false, false, false, true, false, 1},
};

const SchemeInfo& schemeInfo(Scheme s) { return kSchemes[static_cast<int>(s)]; }
const SchemeInfo* allSchemes() { return kSchemes; }

Scheme parseScheme(const std::string& name) {
  for (const auto& s : kSchemes)
    if (name == s.name) return s.scheme;
  std::string known;
  for (const auto& s : kSchemes) known += std::string(known.empty() ? "" : ", ") + "'" + s.name + "'";
  fail(ErrorCode::InvalidArgument, "unknown sampler '" + name + "'; known: " + known);
}

}  // namespace dw2
