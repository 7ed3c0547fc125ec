// Batched evaluation of a Target over n points and batched exact draws of p_t,
// parallel over points (OpenMP), each thread with its own scratch.
#pragma once
#include <cstddef>
#include <cstdint>
#include "core/progress.h"
#include "targets/target.h"

namespace dw2 {

enum class TargetQuantity { Score, Jacobian, HessianVector, Laplacian, TimeDerivative };

// x: n × d. v: n × d (HessianVector only, else unused). out: n × d, or n × d × d for Jacobian.
void evaluateTargetBatch(const Target& target, const Process& p, double t, TargetQuantity q, size_t n, const double* x,
                         const double* v, double* out);

// Rows r < n of out are the exact draws for particles first + r (see Target::sampleMarginal).
void sampleTargetMarginal(const Target& target, const Process& p, double t, uint64_t seed, uint64_t first, size_t n,
                          double* out, Progress& progress = noProgress());
void sampleTargetMarginal(const Target& target, const Process& p, double t, uint64_t seed, uint64_t first, size_t n,
                          float* out, Progress& progress = noProgress());

}  // namespace dw2
