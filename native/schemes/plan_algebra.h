// Linear algebra on Combinations for the plan writers of the k-diffusion samplers: those
// samplers are written in terms of the denoised estimate D = x̂₀ and the noise estimate ε̂,
// both linear in a register and its score (Tweedie's formula), so they compose as data.
#pragma once
#include "process/process.h"
#include "schemes/step_plan.h"

namespace dw2::plans {

// into += w · c, term by term.
inline void addScaled(Combination& into, double w, const Combination& c) {
  for (int j = 0; j < kMaxStages; ++j) {
    into.reg[j] += w * c.reg[j];
    into.score[j] += w * c.score[j];
  }
  for (int l = 0; l < kMaxNoises; ++l) into.noise[l] += w * c.noise[l];
  for (int m = 0; m < kMaxHistory; ++m) into.history[m] += w * c.history[m];
}

inline Combination registerTerm(int j, double w = 1.0) {
  Combination c;
  c.reg[j] = w;
  return c;
}

inline Combination historyTerm(int m, double w = 1.0) {
  Combination c;
  c.history[m] = w;
  return c;
}

// D_j = (R_j + σ(τ)² S_j)/α(τ): Tweedie's denoised estimate (k-diffusion's `denoised`).
inline Combination denoisedTerm(const Process& p, double tau, int j) {
  Combination c;
  c.reg[j] = 1.0 / p.alpha(tau);
  c.score[j] = p.sigma2(tau) / p.alpha(tau);
  return c;
}

// ε̂_j = −σ(τ) S_j: the noise estimate, equal to k-diffusion's d = (y − D)/ς in the scaled
// coordinates y = x/α, ς = σ/α.
inline Combination noiseEstimateTerm(const Process& p, double tau, int j) {
  Combination c;
  c.score[j] = -p.sigma(tau);
  return c;
}

}  // namespace dw2::plans
