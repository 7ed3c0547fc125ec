// A StepPlan Combination compiled to its non-zero terms, and the row kernel that applies it.
// Both the fused (native score) and the stage-wise (callback score) executors use exactly
// this code with the same term order, so the two paths round identically.
#pragma once
#include <cstddef>
#include "schemes/step_plan.h"

namespace dw2 {

enum class TermSource : int { Register, Score, Noise, History };

struct CompiledCombination {
  static constexpr int kMaxTerms = 2 * kMaxStages + kMaxNoises + kMaxHistory;
  int count = 0;
  double coef[kMaxTerms];
  TermSource source[kMaxTerms];
  int index[kMaxTerms];
};

// Terms in a fixed order: registers 0..stages−1, scores 0..stages−1, noises 0..noises−1,
// history slots 0..history−1.
CompiledCombination compileCombination(const Combination& c, int stages, int noises, int history = 0);

// Source rows of one particle: register j, score j, noise l (each d doubles).
struct RowSources {
  const double* reg[kMaxStages] = {};
  const double* score[kMaxStages] = {};
  const double* noise[kMaxNoises] = {};
  const double* history[kMaxHistory] = {};
};

// out[c] = Σ_terms coef · source[c] (out may alias a register: it is written once per c,
// after all terms at c were read).
void applyCombination(const CompiledCombination& cc, const RowSources& src, size_t d, double* out);

}  // namespace dw2
