// The randomized schemes' step formulas (spec §5): the second score is evaluated at
// τ = t_k − u h, u ~ U(0, 1) drawn per particle and step, which removes the leading bias of the
// one-point quadrature of the drift. The plan depends on u, so it is built per particle: on the
// CPU by the catalogue's writer (randomized_schemes.cc), on the GPU by the kernel, both here.
#pragma once
#include <cmath>
#include "core/host_device.h"
#include "process/process_coefficients.h"
#include "schemes/step_plan.h"

namespace dw2 {

enum class RandomizedRule { None, Midpoint, Exponential };

// The coefficients at the step's ends, shared by all particles of a step.
struct RandomizedEnds {
  double t0, t1, f0, g20, alpha0, alpha1, lambda0, lambda1;
};

inline RandomizedEnds randomizedEnds(const ProcessParams& p, double t0, double t1) {
  using namespace coefficients;
  return {t0, t1, f(p, t0), g2(p, t0), alpha(p, t0), alpha(p, t1), lambda(p, t0), lambda(p, t1)};
}

// REM: x_m = x − uh F_SDE(t_k, x) + g(t_k)√(uh) ξ′;
//      x′ = x − h F_SDE(τ, x_m) + g(t_k)√h (√u ξ′ + √(1−u) ξ″)
DW2_HOST_DEVICE inline void randomizedMidpointPlan(const ProcessParams& p, const RandomizedEnds& e, double u, double tau,
                                                   Combination& xm, Combination& out) {
  const double h = e.t0 - e.t1, gk = std::sqrt(e.g20);
  xm.reg[0] = 1.0 - u * h * e.f0;
  xm.score[0] = u * h * e.g20;
  xm.noise[0] = gk * std::sqrt(u * h);
  // − h F_SDE(τ, x_m) = − h f(τ) R₁ + h g²(τ) S₁
  out.reg[0] = 1.0;
  out.reg[1] = -h * coefficients::f(p, tau);
  out.score[1] = h * coefficients::g2(p, tau);
  out.noise[0] = gk * std::sqrt(h * u);
  out.noise[1] = gk * std::sqrt(h * (1.0 - u));
}

// REI, in y = x/α: y_m = x/α_k + I(τ, t_k) s_k + √(λ_k − λ_τ) ξ′, x_m = α_τ y_m;
// x′ = α_{k+1} [x/α_k + h (g(τ)²/α(τ)) s(τ, x_m) + √(λ_k − λ_τ) ξ′ + √(λ_τ − λ_{k+1}) ξ″]
DW2_HOST_DEVICE inline void randomizedExponentialPlan(const ProcessParams& p, const RandomizedEnds& e, double tau,
                                                      Combination& xm, Combination& out) {
  const double h = e.t0 - e.t1;
  const double a0 = e.alpha0, a1 = e.alpha1, at = coefficients::alpha(p, tau);
  const double l0 = e.lambda0, l1 = e.lambda1, lt = coefficients::lambda(p, tau);
  const double firstNoise = std::sqrt(std::fmax(0.0, l0 - lt));
  xm.reg[0] = at / a0;
  xm.score[0] = at * coefficients::integral(p, tau, e.t0, a0);
  xm.noise[0] = at * firstNoise;
  out.reg[0] = a1 / a0;
  out.score[1] = a1 * h * coefficients::g2(p, tau) / at;
  out.noise[0] = a1 * firstNoise;
  out.noise[1] = a1 * std::sqrt(std::fmax(0.0, lt - l1));
}

// Writes R₁'s combination (xm) and x′'s (out) of one particle's step (two stages, two noises,
// scores at t_k and τ) and returns τ.
DW2_HOST_DEVICE inline double randomizedPlan(RandomizedRule rule, const ProcessParams& p, const RandomizedEnds& e, double u,
                                             Combination& xm, Combination& out) {
  const double tau = e.t0 - u * (e.t0 - e.t1);
  if (rule == RandomizedRule::Midpoint) randomizedMidpointPlan(p, e, u, tau, xm, out);
  else randomizedExponentialPlan(p, e, tau, xm, out);
  return tau;
}

}  // namespace dw2
