// Samplers written by Karras et al. (2022) and k-diffusion in noise-level form: the state is
// y = x/α and the "time" is ς = σ/α, so that y_t = y₀ + ς z (the ve process). Every process of
// spec §1 has α > 0 and σ > 0 for t > 0, so each of them is such a reparameterization and these
// samplers are defined for all of them: a step is written in y, ς and mapped back by x = α y.
// The model's outputs are D = (x + σ² s)/α and d = (y − D)/ς = −σ s (plan_algebra.h).
#include <cmath>
#include <string>
#include "core/errors.h"
#include "schemes/plan_algebra.h"
#include "schemes/plans.h"

namespace dw2::plans {

// k-diffusion's get_ancestral_step: σ_up = min(ς₁, η √(ς₁²(ς₀² − ς₁²)/ς₀²)), σ_down = √(ς₁² − σ_up²).
// Euler ancestral (k-diffusion sample_euler_ancestral; η = 1 is DDPM's ancestral sampling in this
// form, η = 0 is DDIM): y′ = y + (σ_down − ς₀) d + s_noise σ_up z.
void eulerAncestral(const StepContext& c, StepPlan& plan) {
  const Process& p = c.p;
  const double t0 = c.t0(), t1 = c.t1(), eta = c.o.params.eta, sNoise = c.o.params.sNoise;
  if (!(eta >= 0.0)) fail(ErrorCode::InvalidArgument, "eta must be >= 0, got " + std::to_string(eta));
  const double a0 = p.alpha(t0), a1 = p.alpha(t1), v0 = p.varsigma(t0), v1 = p.varsigma(t1);
  const double up = std::fmin(v1, eta * std::sqrt(std::fmax(0.0, v1 * v1 * (v0 * v0 - v1 * v1) / (v0 * v0))));
  const double down = std::sqrt(std::fmax(0.0, v1 * v1 - up * up));
  plan.stages = 1;
  plan.scoreTime[0] = t0;
  plan.output.reg[0] = a1 / a0;
  addScaled(plan.output, a1 * (down - v0), noiseEstimateTerm(p, t0, 0));
  if (up * sNoise > 0.0) {
    plan.noises = 1;
    plan.output.noise[0] = a1 * sNoise * up;
  }
}

// EDM's stochastic sampler (Karras et al. 2022, Algorithm 2), step i of N:
//   γ = min(S_churn/N, √2 − 1) if S_tmin ≤ ς_i ≤ S_tmax, else 0;  ς̂ = (1 + γ) ς_i;
//   ŷ = y + S_noise √(ς̂² − ς_i²) z;  d = (ŷ − D(ŷ; ς̂))/ς̂;  y′ = ŷ + (ς_{i+1} − ς̂) d;
//   if ς_{i+1} ≠ 0: d′ = (y′ − D(y′; ς_{i+1}))/ς_{i+1};  y′ = ŷ + (ς_{i+1} − ς̂)(d + d′)/2.
// ς̂ is the time t̂ = ς⁻¹(ς̂) of the process, so the churned state is x̂ = α(t̂) ŷ.
void edm(const StepContext& c, StepPlan& plan) {
  const Process& p = c.p;
  const int k = c.k, N = c.steps;
  const double t0 = c.t0(), t1 = c.t1();
  const double v0 = p.varsigma(t0), v1 = p.varsigma(t1);
  const SamplerParams& q = c.o.params;
  const double gamma = (q.sChurn > 0.0 && v0 >= q.sTmin && v0 <= q.sTmax) ? std::fmin(q.sChurn / N, std::sqrt(2.0) - 1.0) : 0.0;
  double tHat = t0, vHat = v0;
  if (gamma > 0.0) {
    vHat = (1.0 + gamma) * v0;
    tHat = p.timeOfVarsigma(vHat);
    if (!(tHat <= p.tMax()))
      fail(ErrorCode::InvalidArgument, "edm: the churned noise level " + std::to_string(vHat) + " at step " + std::to_string(k) +
                                           " lies beyond the range of the '" + p.name() + "' process (lower sChurn or sTmax)");
    plan.perturbsInput = true;
    plan.noises = 1;
    plan.input[0].reg[0] = p.alpha(tHat) / p.alpha(t0);
    plan.input[0].noise[0] = p.alpha(tHat) * q.sNoise * std::sqrt(vHat * vHat - v0 * v0);
  }
  const double aHat = p.alpha(tHat), a1 = p.alpha(t1), dv = v1 - vHat;
  plan.scoreTime[0] = tHat;
  // x′ = α₁ (ŷ + Δς d) with ŷ = R₀/α̂
  plan.output.reg[0] = a1 / aHat;
  if (!(v1 > 0.0)) {  // the last step to ς = 0 is an Euler step by definition
    plan.stages = 1;
    addScaled(plan.output, a1 * dv, noiseEstimateTerm(p, tHat, 0));
    return;
  }
  plan.stages = 2;
  plan.scoreTime[1] = t1;
  plan.input[1] = plan.output;
  addScaled(plan.input[1], a1 * dv, noiseEstimateTerm(p, tHat, 0));
  addScaled(plan.output, 0.5 * a1 * dv, noiseEstimateTerm(p, tHat, 0));
  addScaled(plan.output, 0.5 * a1 * dv, noiseEstimateTerm(p, t1, 1));
}

}  // namespace dw2::plans
