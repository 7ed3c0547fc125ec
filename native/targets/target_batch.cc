#include "targets/target_batch.h"
#include <algorithm>
#include <vector>
#include "core/parallel_failure.h"
#include "runtime/threads.h"

namespace dw2 {

namespace {

// Flops per point, roughly: every target's scratch holds a few vectors per component
// (or data point), and each costs about d flops per entry.
double costPerPoint(const Target& target) { return double(target.scratchSize() + 1) * double(target.dim() + 1); }

}  // namespace

void evaluateTargetBatch(const Target& target, const Process& p, double t, TargetQuantity q, size_t n, const double* x,
                         const double* v, double* out) {
  const size_t d = target.dim();
  const long long count = static_cast<long long>(n);
  const int threads = threadsFor(double(n), costPerPoint(target));
  if (q == TargetQuantity::Score) {
    // Blocks of rows through the target's batched kernel (the same bits as row by row).
    constexpr long long kRows = 32;
    ParallelFailure failure;
#pragma omp parallel num_threads(threads)
    {
      std::vector<double> scratch;
      failure.guard([&] { scratch.resize(target.batchScratchSize()); });
#pragma omp for schedule(dynamic, 1)
      for (long long r = 0; r < count; r += kRows) failure.guard([&] {
        const size_t rows = static_cast<size_t>(std::min(kRows, count - r));
        target.scoreBatch(p, t, x + size_t(r) * d, rows, d, out + size_t(r) * d, scratch.data());
      });
    }
    failure.rethrow();
    return;
  }
  ParallelFailure failure;
#pragma omp parallel num_threads(threads)
  {
    std::vector<double> scratch, s;
    failure.guard([&] { scratch.resize(target.scratchSize()), s.resize(d); });
#pragma omp for schedule(dynamic, 16)
    for (long long r = 0; r < count; ++r) failure.guard([&] {
      const double* xi = x + size_t(r) * d;
      switch (q) {
        case TargetQuantity::Score: target.score(p, t, xi, out + size_t(r) * d, scratch.data()); break;
        case TargetQuantity::Jacobian:
          target.scoreJacobian(p, t, xi, s.data(), out + size_t(r) * d * d, scratch.data());
          break;
        case TargetQuantity::HessianVector:
          target.hessianVectorProduct(p, t, xi, v + size_t(r) * d, out + size_t(r) * d, scratch.data());
          break;
        case TargetQuantity::Laplacian: target.scoreLaplacian(p, t, xi, out + size_t(r) * d, scratch.data()); break;
        case TargetQuantity::TimeDerivative:
          target.scoreTimeDerivative(p, t, xi, out + size_t(r) * d, scratch.data());
          break;
      }
    });
  }
  failure.rethrow();
}

template <class T>
static void sampleT(const Target& target, const Process& p, double t, uint64_t seed, uint64_t first, size_t n, T* out,
                    Progress& progress) {
  const size_t d = target.dim();
  // Chunks keep cancellation and progress responsive.
  const size_t rowsPerChunk = std::max<size_t>(1, (size_t(1) << 18) / std::max<size_t>(d, 1));
  // Two normal rows (~60 flops per normal) and at most one d × d transform per draw.
  const int threads = threadsFor(double(n), 120.0 * double(d) + double(d) * double(d));
  for (size_t start = 0; start < n; start += rowsPerChunk) {
    const size_t end = std::min(n, start + rowsPerChunk);
    const long long lo = static_cast<long long>(start), hi = static_cast<long long>(end);
    ParallelFailure failure;
#pragma omp parallel num_threads(threads)
    {
      std::vector<double> scratch, row;
      failure.guard([&] { scratch.resize(target.scratchSize()), row.resize(d); });
#pragma omp for schedule(static)
      for (long long r = lo; r < hi; ++r) failure.guard([&] {
        target.sampleMarginal(p, t, seed, first + static_cast<uint64_t>(r), row.data(), scratch.data());
        T* o = out + size_t(r) * d;
        for (size_t i = 0; i < d; ++i) o[i] = static_cast<T>(row[i]);
      });
    }
    failure.rethrow();
    progress.checkpoint(double(end) / double(n));
  }
}

void sampleTargetMarginal(const Target& target, const Process& p, double t, uint64_t seed, uint64_t first, size_t n,
                          double* out, Progress& progress) {
  sampleT(target, p, t, seed, first, n, out, progress);
}
void sampleTargetMarginal(const Target& target, const Process& p, double t, uint64_t seed, uint64_t first, size_t n,
                          float* out, Progress& progress) {
  sampleT(target, p, t, seed, first, n, out, progress);
}

}  // namespace dw2
