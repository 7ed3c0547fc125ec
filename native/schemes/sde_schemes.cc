// One-evaluation discretizations of the reverse SDE dx = −F_SDE dt, F_SDE = f x − g² s.
#include <cmath>
#include <string>
#include "core/errors.h"
#include "schemes/plans.h"

namespace dw2::plans {

// x′ = x − h F_SDE(t_k, x) + g(t_k)√h z
void eulerMaruyama(const StepContext& c, StepPlan& plan) {
  const Process& p = c.p;
  const double t0 = c.t0(), t1 = c.t1();
  const double h = t0 - t1, g2 = p.g2(t0);
  plan.stages = 1;
  plan.noises = 1;
  plan.scoreTime[0] = t0;
  plan.output.reg[0] = 1.0 - h * p.f(t0);
  plan.output.score[0] = h * g2;
  plan.output.noise[0] = std::sqrt(g2 * h);
}

// b = h g(t_k)²; x′ = (x + b s)/√(1 − b) + √b z   (vp/ou only, b < 1)
void ddpm(const StepContext& c, StepPlan& plan) {
  const Process& p = c.p;
  const double t0 = c.t0(), t1 = c.t1();
  const double b = (t0 - t1) * p.g2(t0);
  if (!(b < 1.0))
    fail(ErrorCode::InvalidArgument, "ddpm needs h·g(t_k)² < 1 at every step; at t_k = " + std::to_string(t0) + " it is " +
                                         std::to_string(b) + " (use more steps)");
  const double scale = 1.0 / std::sqrt(1.0 - b);
  plan.stages = 1;
  plan.noises = 1;
  plan.scoreTime[0] = t0;
  plan.output.reg[0] = scale;
  plan.output.score[0] = b * scale;
  plan.output.noise[0] = std::sqrt(b);
}

// Score frozen at t_k, linear part integrated exactly:
// x′ = (α₁/α₀) x + α₁ I(t₁, t₀) s + α₁ √(λ₀ − λ₁) z
void exponential(const StepContext& c, StepPlan& plan) {
  const Process& p = c.p;
  const double t0 = c.t0(), t1 = c.t1();
  const double a0 = p.alpha(t0), a1 = p.alpha(t1);
  plan.stages = 1;
  plan.noises = 1;
  plan.scoreTime[0] = t0;
  plan.output.reg[0] = a1 / a0;
  plan.output.score[0] = a1 * p.integral(t1, t0);
  plan.output.noise[0] = a1 * std::sqrt(p.lambda(t0) - p.lambda(t1));
}

}  // namespace dw2::plans
