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

// tmp[c] = a₀x₀[c] + a₁x₁[c] + … in term order, one pass over the columns for every term:
// exactly the roundings of accumulating term by term (tmp = a₀x₀, then tmp += a_t x_t).
template <int N>
__attribute__((always_inline)) inline void fusedTerms(const double* coef, const double* const* rows, size_t w, double* __restrict tmp) {
  for (size_t c = 0; c < w; ++c) {
    double v = coef[0] * rows[0][c];
    for (int t = 1; t < N; ++t) v += coef[t] * rows[t][c];
    tmp[c] = v;
  }
}

__attribute__((always_inline)) inline void termByTerm(int count, const double* coef, const double* const* rows, size_t w, double* __restrict tmp) {
  for (size_t c = 0; c < w; ++c) tmp[c] = coef[0] * rows[0][c];
  for (int t = 1; t < count; ++t)
    for (size_t c = 0; c < w; ++c) tmp[c] += coef[t] * rows[t][c];
}

DW2_SIMD_CLONES void applyCombination(const CompiledCombination& cc, const RowSources& src, size_t d, double* out) {
  const double* rows[CompiledCombination::kMaxTerms];
  for (int t = 0; t < cc.count; ++t)
    rows[t] = cc.source[t] == TermSource::Register ? src.reg[cc.index[t]]
              : cc.source[t] == TermSource::Score  ? src.score[cc.index[t]]
              : cc.source[t] == TermSource::Noise  ? src.noise[cc.index[t]]
                                                   : src.history[cc.index[t]];
  // Accumulate column blocks in a local buffer so `out` may alias a source row.
  constexpr size_t kBlock = 256;
  double tmp[kBlock];
  const double* at[CompiledCombination::kMaxTerms];
  for (size_t c0 = 0; c0 < d; c0 += kBlock) {
    const size_t w = d - c0 < kBlock ? d - c0 : kBlock;
    for (int t = 0; t < cc.count; ++t) at[t] = rows[t] + c0;
    switch (cc.count) {
      case 0: for (size_t c = 0; c < w; ++c) tmp[c] = 0.0; break;
      case 1: fusedTerms<1>(cc.coef, at, w, tmp); break;
      case 2: fusedTerms<2>(cc.coef, at, w, tmp); break;
      case 3: fusedTerms<3>(cc.coef, at, w, tmp); break;
      case 4: fusedTerms<4>(cc.coef, at, w, tmp); break;
      case 5: fusedTerms<5>(cc.coef, at, w, tmp); break;
      case 6: fusedTerms<6>(cc.coef, at, w, tmp); break;
      default: termByTerm(cc.count, cc.coef, at, w, tmp); break;
    }
    for (size_t c = 0; c < w; ++c) out[c0 + c] = tmp[c];
  }
}

}  // namespace dw2
