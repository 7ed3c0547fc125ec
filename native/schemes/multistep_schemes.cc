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
void dpmSolverPp2M(const Process& p, const std::vector<double>& grid, int k, StepPlan& plan) {
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
