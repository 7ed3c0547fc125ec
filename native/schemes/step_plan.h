// A step t_k → t_{k+1} of every linear-stage scheme, written once as data.
//
// Registers R₀ = x, R₁, …; scores S_j = s(τ_j, R_j); fresh normals Z_l; history slots H_m
// (vectors a multistep scheme stored at earlier steps: past denoised estimates, past scores,
// past states). For j ≥ 1, R_j is a linear combination of R_0..R_{j−1}, S_0..S_{j−1}, H and Z;
// the new state x′ is a linear combination of all registers, scores, history and normals, and
// so is each slot of the new history H′_m = save[m] · (R, S, H, Z). When perturbsInput is set,
// R₀ itself is first replaced by input[0] · (x, H, Z) (EDM's churn: noise added before the
// first evaluation). The native sampler executes a plan on particle rows; the exact Gaussian
// analysis executes the same plan on affine forms of the joint state (x, H) (the Gaussian
// score is affine), so the two can never disagree about a scheme.
#pragma once

namespace dw2 {

constexpr int kMaxStages = 4;   // RK4
constexpr int kMaxNoises = 2;   // randomized midpoint / exponential
constexpr int kMaxHistory = 4;  // UniPC-3 with corrector: previous state and three model outputs

struct Combination {
  double reg[kMaxStages] = {0, 0, 0, 0};
  double score[kMaxStages] = {0, 0, 0, 0};
  double noise[kMaxNoises] = {0, 0};
  double history[kMaxHistory] = {0, 0, 0, 0};
};

struct StepPlan {
  int stages = 0;                    // score evaluations in this step (its NFE)
  int noises = 0;                    // fresh N(0, I) vectors drawn in this step
  double scoreTime[kMaxStages] = {}; // τ_j
  Combination input[kMaxStages];     // R_j for j ≥ 1; input[0] only when perturbsInput
  Combination output;                // x′
  bool fellBack = false;             // last step reduced to its first stage (score undefined at t = 0)
  bool perturbsInput = false;        // R₀ = input[0] · (x, H, Z) instead of x
  int historyRead = 0;               // slots H_0..H_{historyRead−1} this step reads (filled by earlier steps)
  int historyWrite = 0;              // slots H′_0..H′_{historyWrite−1} this step writes
  Combination save[kMaxHistory];     // H′_m
};

}  // namespace dw2
