// Discretizations of the probability-flow ODE dx/dt = F_ODE(t, x) = f x − ½ g² s, stepped
// backwards (step −h). Intermediate states are linear in x and the scores, so each stage is
// a Combination.
#include <cmath>
#include <string>
#include "core/errors.h"
#include "schemes/plans.h"

namespace dw2::plans {

namespace {
// Adds c · F_ODE(t, R_j) = c (f(t) R_j − ½ g²(t) S_j) to a combination.
void addDrift(Combination& into, double c, const Process& p, double t, int j) {
  into.reg[j] += c * p.f(t);
  into.score[j] += -0.5 * c * p.g2(t);
}

// x′ = x − h F_ODE(t_k, x)
void eulerStep(const Process& p, double t0, double t1, StepPlan& plan) {
  const double h = t0 - t1;
  plan.stages = 1;
  plan.scoreTime[0] = t0;
  plan.output.reg[0] = 1.0;
  addDrift(plan.output, -h, p, t0, 0);
}

// Two-stage schemes whose last stage would evaluate the score at t = 0 where it is not defined
// (PlanOptions::scoreDefinedAtZero) take the Euler step instead.
bool fellBackToEuler(const StepContext& c, StepPlan& plan) {
  if (c.o.scoreDefinedAtZero || c.t1() > 0.0) return false;
  eulerStep(c.p, c.t0(), c.t1(), plan);
  plan.fellBack = true;
  return true;
}
}  // namespace

void euler(const StepContext& c, StepPlan& plan) { eulerStep(c.p, c.t0(), c.t1(), plan); }

// d₁ = F(t_k, x); x̃ = x − h d₁; d₂ = F(t_{k+1}, x̃); x′ = x − (h/2)(d₁ + d₂)
void heun(const StepContext& c, StepPlan& plan) {
  if (fellBackToEuler(c, plan)) return;
  const Process& p = c.p;
  const double t0 = c.t0(), t1 = c.t1();
  const double h = t0 - t1;
  plan.stages = 2;
  plan.scoreTime[0] = t0;
  plan.scoreTime[1] = t1;
  plan.input[1].reg[0] = 1.0;
  addDrift(plan.input[1], -h, p, t0, 0);
  plan.output.reg[0] = 1.0;
  addDrift(plan.output, -0.5 * h, p, t0, 0);
  addDrift(plan.output, -0.5 * h, p, t1, 1);
}

// Classic RK4 on dx/dt = F_ODE with step −h:
// k₁ = F(t_k, x), k₂ = F(t_k − h/2, x − (h/2)k₁), k₃ = F(t_k − h/2, x − (h/2)k₂),
// k₄ = F(t_{k+1}, x − h k₃), x′ = x − (h/6)(k₁ + 2k₂ + 2k₃ + k₄).
void rk4(const StepContext& c, StepPlan& plan) {
  if (fellBackToEuler(c, plan)) return;
  const Process& p = c.p;
  const double t0 = c.t0(), t1 = c.t1();
  const double h = t0 - t1, tm = t0 - 0.5 * h;
  plan.stages = 4;
  plan.scoreTime[0] = t0;
  plan.scoreTime[1] = tm;
  plan.scoreTime[2] = tm;
  plan.scoreTime[3] = t1;
  const double tk[4] = {t0, tm, tm, t1};
  const double into[4] = {0.0, 0.5 * h, 0.5 * h, h};  // R_j = x − into[j] k_{j−1}
  for (int j = 1; j < 4; ++j) {
    plan.input[j].reg[0] = 1.0;
    addDrift(plan.input[j], -into[j], p, tk[j - 1], j - 1);
  }
  const double w[4] = {1.0, 2.0, 2.0, 1.0};
  plan.output.reg[0] = 1.0;
  for (int j = 0; j < 4; ++j) addDrift(plan.output, -h * w[j] / 6.0, p, tk[j], j);
}

// x̂₀ = (x + σ₀² s)/α₀; ε̂ = −σ₀ s; σ̃ = η σ₁ √(1 − (α₀σ₁/(α₁σ₀))²);
// x′ = α₁ x̂₀ + √(σ₁² − σ̃²) ε̂ + σ̃ z
void ddim(const StepContext& c, StepPlan& plan) {
  const Process& p = c.p;
  const double t0 = c.t0(), t1 = c.t1(), eta = c.o.eta;
  if (!(eta >= 0.0 && eta <= 1.0)) fail(ErrorCode::InvalidArgument, "eta must be in [0, 1], got " + std::to_string(eta));
  const double a0 = p.alpha(t0), a1 = p.alpha(t1), s0 = p.sigma(t0), s1 = p.sigma(t1);
  const double ratio = (a0 * s1) / (a1 * s0);
  const double tilde = eta * s1 * std::sqrt(std::fmax(0.0, 1.0 - ratio * ratio));
  const double direction = std::sqrt(std::fmax(0.0, s1 * s1 - tilde * tilde));
  plan.stages = 1;
  plan.scoreTime[0] = t0;
  plan.output.reg[0] = a1 / a0;
  plan.output.score[0] = a1 * s0 * s0 / a0 - direction * s0;
  if (tilde > 0.0) {
    plan.noises = 1;
    plan.output.noise[0] = tilde;
  }
}

// x′ = (α₁/α₀) x + ½ α₁ I(t₁, t₀) s
void exponentialOde(const StepContext& c, StepPlan& plan) {
  const Process& p = c.p;
  const double t0 = c.t0(), t1 = c.t1();
  const double a0 = p.alpha(t0), a1 = p.alpha(t1);
  plan.stages = 1;
  plan.scoreTime[0] = t0;
  plan.output.reg[0] = a1 / a0;
  plan.output.score[0] = 0.5 * a1 * p.integral(t1, t0);
}

}  // namespace dw2::plans
