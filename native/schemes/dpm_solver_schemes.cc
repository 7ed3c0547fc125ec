// DPM-Solver singlestep (Lu et al. 2022, "DPM-Solver", Algorithms 1 and 2; noise prediction
// ε̂ = −σ s) and DPM-Solver++(2S) ancestral (Lu et al. 2023, Algorithm 1 with r = ½, as
// k-diffusion's sample_dpmpp_2s_ancestral runs it). Intermediate times are placed in
// λ = log(α/σ) = −log ς: t_λ(λ₀ + r h) is the time where ς = ς₀ e^{−r h}. A step to ς = 0
// (h = ∞) is the Euler/DDIM step x′ = α₁ x̂₀, as in k-diffusion.
#include <cmath>
#include "schemes/plan_algebra.h"
#include "schemes/plans.h"

namespace dw2::plans {

namespace {
// The last step to t = 0: x′ = (α₁/α₀) x − α₁ ς₀ ε̂₀ (= α₁ x̂₀).
void denoiseToZero(const Process& p, double t0, double t1, StepPlan& plan) {
  plan.stages = 1;
  plan.scoreTime[0] = t0;
  plan.output.reg[0] = p.alpha(t1) / p.alpha(t0);
  addScaled(plan.output, -p.alpha(t1) * p.varsigma(t0), noiseEstimateTerm(p, t0, 0));
}

// DPM-Solver-2 (r₁ = ½): u = (α_s/α₀) x − σ_s (e^{h/2} − 1) ε̂₀;  x′ = (α₁/α₀) x − σ₁ (e^h − 1) ε̂(u, s).
void dpm2Step(const Process& p, double t0, double t1, StepPlan& plan) {
  const double v0 = p.varsigma(t0), v1 = p.varsigma(t1);
  if (!(v1 > 0.0)) return denoiseToZero(p, t0, t1, plan);
  const double ts = p.timeOfVarsigma(std::sqrt(v0 * v1)), a0 = p.alpha(t0);
  const double eh = v0 / v1;  // e^h
  plan.stages = 2;
  plan.scoreTime[0] = t0;
  plan.scoreTime[1] = ts;
  plan.input[1].reg[0] = p.alpha(ts) / a0;
  addScaled(plan.input[1], -p.sigma(ts) * (std::sqrt(eh) - 1.0), noiseEstimateTerm(p, t0, 0));
  plan.output.reg[0] = p.alpha(t1) / a0;
  addScaled(plan.output, -p.sigma(t1) * (eh - 1.0), noiseEstimateTerm(p, ts, 1));
}

// DPM-Solver-3 (r₁ = ⅓, r₂ = ⅔):
//   u₁ = (α_{s₁}/α₀) x − σ_{s₁}(e^{r₁h} − 1) ε̂₀;  D₁ = ε̂(u₁, s₁) − ε̂₀;
//   u₂ = (α_{s₂}/α₀) x − σ_{s₂}(e^{r₂h} − 1) ε̂₀ − (σ_{s₂} r₂/r₁)((e^{r₂h} − 1)/(r₂h) − 1) D₁;  D₂ = ε̂(u₂, s₂) − ε̂₀;
//   x′ = (α₁/α₀) x − σ₁(e^h − 1) ε̂₀ − (σ₁/r₂)((e^h − 1)/h − 1) D₂.
void dpm3Step(const Process& p, double t0, double t1, StepPlan& plan) {
  const double v0 = p.varsigma(t0), v1 = p.varsigma(t1);
  if (!(v1 > 0.0)) return denoiseToZero(p, t0, t1, plan);
  const double r1 = 1.0 / 3.0, r2 = 2.0 / 3.0, h = std::log(v0 / v1), a0 = p.alpha(t0);
  const double s1 = p.timeOfVarsigma(v0 * std::exp(-r1 * h)), s2 = p.timeOfVarsigma(v0 * std::exp(-r2 * h));
  const Combination e0 = noiseEstimateTerm(p, t0, 0), e1 = noiseEstimateTerm(p, s1, 1), e2 = noiseEstimateTerm(p, s2, 2);
  plan.stages = 3;
  plan.scoreTime[0] = t0;
  plan.scoreTime[1] = s1;
  plan.scoreTime[2] = s2;
  plan.input[1].reg[0] = p.alpha(s1) / a0;
  addScaled(plan.input[1], -p.sigma(s1) * std::expm1(r1 * h), e0);
  const double c1 = -(p.sigma(s2) * r2 / r1) * (std::expm1(r2 * h) / (r2 * h) - 1.0);  // weight of D₁
  plan.input[2].reg[0] = p.alpha(s2) / a0;
  addScaled(plan.input[2], -p.sigma(s2) * std::expm1(r2 * h) - c1, e0);
  addScaled(plan.input[2], c1, e1);
  const double c2 = -(p.sigma(t1) / r2) * (std::expm1(h) / h - 1.0);  // weight of D₂
  plan.output.reg[0] = p.alpha(t1) / a0;
  addScaled(plan.output, -p.sigma(t1) * std::expm1(h) - c2, e0);
  addScaled(plan.output, c2, e2);
}

}  // namespace

void dpmSolver2(const StepContext& c, StepPlan& plan) { dpm2Step(c.p, c.t0(), c.t1(), plan); }
void dpmSolver3(const StepContext& c, StepPlan& plan) { dpm3Step(c.p, c.t0(), c.t1(), plan); }

// DPM-Solver++(2S) to ς_down, then the ancestral noise (get_ancestral_step as euler-ancestral), in
// the noise-level frame y = x/α: ς_s = √(ς₀ ς_down);  y₂ = (ς_s/ς₀) y − (ς_s/ς₀ − 1) D₀;
// y′ = (ς_down/ς₀) y − (ς_down/ς₀ − 1) D(y₂, ς_s) + s_noise ς_up z.
void dpmSolverPp2SAncestral(const StepContext& c, StepPlan& plan) {
  const Process& p = c.p;
  const double t0 = c.t0(), t1 = c.t1(), eta = c.o.params.eta, sNoise = c.o.params.sNoise;
  const double a0 = p.alpha(t0), a1 = p.alpha(t1), v0 = p.varsigma(t0), v1 = p.varsigma(t1);
  const double up = std::fmin(v1, eta * std::sqrt(std::fmax(0.0, v1 * v1 * (v0 * v0 - v1 * v1) / (v0 * v0))));
  const double down = std::sqrt(std::fmax(0.0, v1 * v1 - up * up));
  if (!(down > 0.0)) {
    denoiseToZero(p, t0, t1, plan);
  } else {
    const double vs = std::sqrt(v0 * down), ts = p.timeOfVarsigma(vs), as = p.alpha(ts);
    plan.stages = 2;
    plan.scoreTime[0] = t0;
    plan.scoreTime[1] = ts;
    plan.input[1].reg[0] = as * (vs / v0) / a0;
    addScaled(plan.input[1], -as * (vs / v0 - 1.0), denoisedTerm(p, t0, 0));
    plan.output.reg[0] = a1 * (down / v0) / a0;
    addScaled(plan.output, -a1 * (down / v0 - 1.0), denoisedTerm(p, ts, 1));
  }
  if (up * sNoise > 0.0 && v1 > 0.0) {
    plan.noises = 1;
    plan.output.noise[0] = a1 * sNoise * up;
  }
}

// Lu et al. 2022, adaptive step size schedule (DPM-Solver-12/23): the pair's lower-order member shares
// the higher one's evaluations. DPM-Solver-2 with r₁: x′ = (α₁/α₀) x − σ₁(e^h − 1) ε̂₀
// − (σ₁/(2r₁))(e^h − 1)(ε̂(u₁, s₁) − ε̂₀), u₁ = dpm-3's first stage (r₁ = ⅓).
void dpmSolverEmbedded(const Process& p, double t0, double t1, int order, StepPlan& plan) {
  plan = StepPlan{};
  if (order == 2) dpm2Step(p, t0, t1, plan);
  else dpm3Step(p, t0, t1, plan);
  plan.historyWrite = 1;
  Combination& low = plan.save[0];
  low.reg[0] = p.alpha(t1) / p.alpha(t0);
  const double v0 = p.varsigma(t0), v1 = p.varsigma(t1);
  if (!(v1 > 0.0)) {  // both members are the denoising step
    low = plan.output;
    return;
  }
  const double eh = v0 / v1, s1 = p.sigma(t1);
  addScaled(low, -s1 * (eh - 1.0), noiseEstimateTerm(p, t0, 0));
  if (order == 3) {
    const double r1 = 1.0 / 3.0, c = -(s1 / (2.0 * r1)) * (eh - 1.0);
    addScaled(low, c, noiseEstimateTerm(p, plan.scoreTime[1], 1));
    addScaled(low, -c, noiseEstimateTerm(p, t0, 0));
  }
}

// dpm-adaptive on a given (accepted) grid, as the exact analysis reads it: the pair's higher-order steps.
void dpmAdaptive(const StepContext& c, StepPlan& plan) { dpmSolverEmbedded(c.p, c.t0(), c.t1(), c.order(), plan); }

}  // namespace dw2::plans
