#include "sampler/combination.h"
#include "runtime/simd.h"

namespace dw2 {

CompiledCombination compileCombination(const Combination& c, int stages, int noises, int history) {
  CompiledCombination cc;
  auto add = [&](double coef, TermSource s, int i) {
    if (coef == 0.0) return;
    cc.coef[cc.count] = coef;
    cc.source[cc.count] = s;
    cc.index[cc.count] = i;
    ++cc.count;
  };
  for (int j = 0; j < stages; ++j) add(c.reg[j], TermSource::Register, j);
  for (int j = 0; j < stages; ++j) add(c.score[j], TermSource::Score, j);
  for (int l = 0; l < noises; ++l) add(c.noise[l], TermSource::Noise, l);
  for (int m = 0; m < history; ++m) add(c.history[m], TermSource::History, m);
  return cc;
}

DW2_SIMD_CLONES static void firstTerm(double a, const double* __restrict x, size_t d, double* __restrict tmp) {
  for (size_t c = 0; c < d; ++c) tmp[c] = a * x[c];
}
DW2_SIMD_CLONES static void addTerm(double a, const double* __restrict x, size_t d, double* __restrict tmp) {
  for (size_t c = 0; c < d; ++c) tmp[c] += a * x[c];
}

void applyCombination(const CompiledCombination& cc, const RowSources& src, size_t d, double* out) {
  // Accumulate column blocks in a local buffer so `out` may alias a source row.
  constexpr size_t kBlock = 64;
  double tmp[kBlock];
  for (size_t c0 = 0; c0 < d; c0 += kBlock) {
    const size_t w = d - c0 < kBlock ? d - c0 : kBlock;
    if (cc.count == 0) {
      for (size_t c = 0; c < w; ++c) tmp[c] = 0.0;
    }
    for (int t = 0; t < cc.count; ++t) {
      const double* row = cc.source[t] == TermSource::Register ? src.reg[cc.index[t]]
                          : cc.source[t] == TermSource::Score  ? src.score[cc.index[t]]
                          : cc.source[t] == TermSource::Noise  ? src.noise[cc.index[t]]
                                                               : src.history[cc.index[t]];
      if (t == 0) firstTerm(cc.coef[t], row + c0, w, tmp);
      else addTerm(cc.coef[t], row + c0, w, tmp);
    }
    for (size_t c = 0; c < w; ++c) out[c0 + c] = tmp[c];
  }
}

}  // namespace dw2
