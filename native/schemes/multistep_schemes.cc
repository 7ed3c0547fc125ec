// Multistep samplers: they reuse model outputs stored at earlier steps (StepPlan history).
// Written with λ = log(α/σ) = −log ς, defined for t > 0 on every process of spec §1; a step to
// t = 0 (ς = 0, λ = ∞) is the limit h → ∞ of the formulas, taken explicitly.
#include <cmath>
#include "schemes/plan_algebra.h"
#include "schemes/plans.h"

namespace dw2::plans {

// DPM-Solver++(2M) (Lu et al. 2023, "DPM-Solver++", Algorithm 2; data prediction, multistep):
//   h_i = λ_{i+1} − λ_i,  r_i = h_{i−1}/h_i,
//   D̃_i = (1 + 1/(2r_i)) D_i − (1/(2r_i)) D_{i−1}   (D̃_0 = D_0),
//   x_{i+1} = (σ_{i+1}/σ_i) x_i − α_{i+1} (e^{−h_i} − 1) D̃_i,   e^{−h_i} = ς_{i+1}/ς_i.
// History slot 0 holds D_{i−1}. Like k-diffusion's sample_dpmpp_2m, the first step and a last
// step to ς = 0 (where r = 0) are first order.
void dpmSolverPp2M(const StepContext& c, StepPlan& plan) {
  const Process& p = c.p;
  const double* grid = c.grid;
  const int k = c.k;
  const double t0 = grid[k], t1 = grid[k + 1];
  const double v0 = p.varsigma(t0), v1 = p.varsigma(t1), a1 = p.alpha(t1);
  const Combination D = denoisedTerm(p, t0, 0);
  plan.stages = 1;
  plan.scoreTime[0] = t0;
  plan.output.reg[0] = p.sigma(t1) / p.sigma(t0);
  Combination dTilde = D;
  if (k > 0 && v1 > 0.0) {
    const double vPrev = p.varsigma(grid[k - 1]);
    const double r = std::log(vPrev / v0) / std::log(v0 / v1);
    dTilde = Combination{};
    addScaled(dTilde, 1.0 + 0.5 / r, D);
    addScaled(dTilde, -0.5 / r, historyTerm(0));
    plan.historyRead = 1;
  }
  addScaled(plan.output, -a1 * (v1 / v0 - 1.0), dTilde);
  plan.historyWrite = 1;
  plan.save[0] = D;
}

}  // namespace dw2::plans

namespace dw2::plans {

namespace {
// λ_k − λ_{k−1} = log(ς_{k−1}/ς_k): the step size in λ of step k − 1 → k.
double lambdaStep(const Process& p, const double* grid, int k) { return std::log(p.varsigma(grid[k - 1]) / p.varsigma(grid[k])); }

// The last step to ς = 0 of the SDE variants: x′ = α₁ D₀ ("denoising step").
void denoiseStep(const Process& p, double t0, double t1, StepPlan& plan) {
  plan.stages = 1;
  plan.scoreTime[0] = t0;
  addScaled(plan.output, p.alpha(t1), denoisedTerm(p, t0, 0));
}

// The SDE samplers' fresh noise (k-diffusion's dpmpp_*m_sde): α₁ s_noise ς₁ √(1 − e^{−2ηh}) z, none at η = 0.
void addSdeNoise(double scale, double eta, double h, StepPlan& plan) {
  const double noise = scale * std::sqrt(-std::expm1(-2.0 * eta * h));
  if (noise > 0.0) {
    plan.noises = 1;
    plan.output.noise[0] = noise;
  }
}
}  // namespace

// DPM-Solver++(2M) SDE (Lu et al. 2023, §4 and Appendix: SDE-DPM-Solver++(2M), with η scaling the
// injected noise as in k-diffusion's sample_dpmpp_2m_sde, midpoint form), in y = x/α, h = λ₁ − λ₀:
//   y′ = (ς₁/ς₀) e^{−ηh} y + (1 − e^{−(1+η)h}) D₀ + ½ (1 − e^{−(1+η)h}) (D₀ − D₋₁)/r + s_noise ς₁ √(1 − e^{−2ηh}) z,
// r = h₋₁/h, the correction from the second step on; η = 0 is DPM-Solver++(2M).
void dpmSolverPp2MSde(const StepContext& c, StepPlan& plan) {
  const Process& p = c.p;
  const double* grid = c.grid;
  const int k = c.k;
  const double eta = c.o.params.eta, sNoise = c.o.params.sNoise;
  const double t0 = grid[k], t1 = grid[k + 1];
  const Combination D = denoisedTerm(p, t0, 0);
  plan.historyWrite = 1;
  plan.save[0] = D;
  const double v0 = p.varsigma(t0), v1 = p.varsigma(t1), a0 = p.alpha(t0), a1 = p.alpha(t1);
  if (!(v1 > 0.0)) return denoiseStep(p, t0, t1, plan);
  const double h = std::log(v0 / v1), gain = -std::expm1(-(1.0 + eta) * h);
  plan.stages = 1;
  plan.scoreTime[0] = t0;
  plan.output.reg[0] = a1 * (v1 / v0) * std::exp(-eta * h) / a0;
  addScaled(plan.output, a1 * gain, D);
  if (k > 0) {
    const double r = lambdaStep(p, grid, k) / h;
    addScaled(plan.output, 0.5 * a1 * gain / r, D);
    addScaled(plan.output, -0.5 * a1 * gain / r, historyTerm(0));
    plan.historyRead = 1;
  }
  addSdeNoise(a1 * sNoise * v1, eta, h, plan);
}

// DPM-Solver++(3M) SDE (k-diffusion's sample_dpmpp_3m_sde: the data prediction extrapolated by its
// second divided differences in λ, integrated against the exponential weights), y = x/α, H = (1+η)h:
//   y′ = e^{−H} y + (1 − e^{−H}) D₀ + φ₂ d₁ − φ₃ d₂ + s_noise ς₁ √(1 − e^{−2ηh}) z,
//   r₀ = h₋₁/h, r₁ = h₋₂/h, δ₀ = (D₀ − D₋₁)/r₀, δ₁ = (D₋₁ − D₋₂)/r₁,
//   d₁ = δ₀ + (δ₀ − δ₁) r₀/(r₀ + r₁), d₂ = (δ₀ − δ₁)/(r₀ + r₁), φ₂ = (e^{−H} − 1)/H + 1, φ₃ = φ₂/H − ½;
// with one stored output only: + φ₂ δ₀; with none: first order.
void dpmSolverPp3MSde(const StepContext& c, StepPlan& plan) {
  const Process& p = c.p;
  const double* grid = c.grid;
  const int k = c.k;
  const double eta = c.o.params.eta, sNoise = c.o.params.sNoise;
  const double t0 = grid[k], t1 = grid[k + 1];
  const Combination D = denoisedTerm(p, t0, 0);
  plan.historyWrite = 2;
  plan.save[0] = D;
  plan.save[1] = historyTerm(0);
  plan.historyRead = std::min(k, 2);
  const double v0 = p.varsigma(t0), v1 = p.varsigma(t1), a0 = p.alpha(t0), a1 = p.alpha(t1);
  if (!(v1 > 0.0)) return denoiseStep(p, t0, t1, plan);
  const double h = std::log(v0 / v1), H = (1.0 + eta) * h;
  plan.stages = 1;
  plan.scoreTime[0] = t0;
  plan.output.reg[0] = a1 * std::exp(-H) / a0;
  addScaled(plan.output, -a1 * std::expm1(-H), D);
  const double phi2 = std::expm1(-H) / H + 1.0, phi3 = phi2 / H - 0.5;
  if (k >= 2) {
    const double r0 = lambdaStep(p, grid, k) / h, r1 = lambdaStep(p, grid, k - 1) / h;
    Combination d0 = D, d1 = historyTerm(0);  // δ₀ = (D₀ − H₀)/r₀, δ₁ = (H₀ − H₁)/r₁
    addScaled(d0, -1.0, historyTerm(0));
    addScaled(d1, -1.0, historyTerm(1));
    Combination first, second;
    addScaled(first, 1.0 / r0 + (1.0 / r0) * r0 / (r0 + r1), d0);
    addScaled(first, -(1.0 / r1) * r0 / (r0 + r1), d1);
    addScaled(second, 1.0 / (r0 * (r0 + r1)), d0);
    addScaled(second, -1.0 / (r1 * (r0 + r1)), d1);
    addScaled(plan.output, a1 * phi2, first);
    addScaled(plan.output, -a1 * phi3, second);
  } else if (k == 1) {
    const double r = lambdaStep(p, grid, k) / h;
    addScaled(plan.output, a1 * phi2 / r, D);
    addScaled(plan.output, -a1 * phi2 / r, historyTerm(0));
  }
  addSdeNoise(a1 * sNoise * v1, eta, h, plan);
}

// Linear multistep (k-diffusion's sample_lms) on dy/dς = d = ε̂ in the noise-level frame:
// y′ = y + Σ_{j<p} c_j d_{k−j}, c_j = ∫_{ς_k}^{ς_{k+1}} ℓ_j(τ) dτ with ℓ_j the Lagrange basis on
// ς_k, …, ς_{k−p+1}; p = min(k + 1, order). The integrals are exact here (Gauss–Legendre with
// enough nodes for degree p − 1); k-diffusion computes them by adaptive quadrature (relative 1e-4).
// History: H_m = d_{k−1−m}.
void lms(const StepContext& ctx, StepPlan& plan) {
  const Process& p = ctx.p;
  const double* grid = ctx.grid;
  const int k = ctx.k, order = ctx.order();
  const int q = std::min(k + 1, order);
  const double t0 = grid[k], t1 = grid[k + 1], a0 = p.alpha(t0), a1 = p.alpha(t1);
  double nodes[4];
  for (int j = 0; j < q; ++j) nodes[j] = p.varsigma(grid[k - j]);
  const double lo = nodes[0], hi = p.varsigma(t1);
  // 2-point Gauss–Legendre is exact for degree ≤ 3.
  const double gx[2] = {-1.0 / std::sqrt(3.0), 1.0 / std::sqrt(3.0)};
  double c[4] = {};
  for (int j = 0; j < q; ++j)
    for (double g : gx) {
      const double tau = 0.5 * (lo + hi) + 0.5 * (hi - lo) * g;
      double basis = 1.0;
      for (int m = 0; m < q; ++m)
        if (m != j) basis *= (tau - nodes[m]) / (nodes[j] - nodes[m]);
      c[j] += 0.5 * (hi - lo) * basis;
    }
  plan.stages = 1;
  plan.scoreTime[0] = t0;
  plan.output.reg[0] = a1 / a0;
  addScaled(plan.output, a1 * c[0], noiseEstimateTerm(p, t0, 0));
  for (int j = 1; j < q; ++j) addScaled(plan.output, a1 * c[j], historyTerm(j - 1));
  plan.historyRead = std::min(k, order - 1);
  plan.historyWrite = order - 1;
  if (order > 1) plan.save[0] = noiseEstimateTerm(p, t0, 0);
  for (int m = 1; m < order - 1; ++m) plan.save[m] = historyTerm(m - 1);
}

}  // namespace dw2::plans
