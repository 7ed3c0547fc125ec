// The exponentials of a softmax over a block (logit row k of B lanes at k·stride, one top per
// lane): l ← exp(l − top), four rows at a time through the interleaved exp
// (random/deterministic_math.h interleaved::exp), so that their polynomial chains overlap. Every value
// is deterministicExp(l − top), bit for bit, whichever rows go together.
#pragma once
#include <cstddef>
#include "random/deterministic_math.h"

namespace dw2 {

template <size_t B, int G>
__attribute__((always_inline)) inline void expMinusTopRows(double* __restrict logit, size_t stride, const double* __restrict top) {
  for (size_t i = 0; i < B; ++i) {
    double x[G], y[G];
    for (int g = 0; g < G; ++g) x[g] = logit[g * stride + i] - top[i];
    interleaved::exp<G>(x, y);
    for (int g = 0; g < G; ++g) logit[g * stride + i] = y[g];
  }
}

// Rows 0 … K − 1 of the block (B lanes each, stride B).
template <size_t B>
__attribute__((always_inline)) inline void expMinusTop(size_t K, double* __restrict logit, const double* __restrict top) {
  size_t k = 0;
  for (; k + 4 <= K; k += 4) expMinusTopRows<B, 4>(logit + k * B, B, top);
  for (; k < K; ++k) expMinusTopRows<B, 1>(logit + k * B, B, top);
}

}  // namespace dw2
