#include "sampler/divergence.h"
#include <algorithm>
#include <cmath>
#include "runtime/simd.h"

namespace dw2 {

template <class T>
DivergenceMonitor::DivergenceMonitor(const T* x, size_t n, size_t d, double dataScale, int threads)
    : n_(n), d_(d), threads_(threads), bound_(n), first_(n, 0) {
#pragma omp parallel for num_threads(threads_) schedule(static)
  for (long long ii = 0; ii < static_cast<long long>(n); ++ii) {
    const size_t i = static_cast<size_t>(ii);
    double start = 0.0;
    for (size_t j = 0; j < d; ++j) start = std::max(start, std::fabs(static_cast<double>(x[i * d + j])));
    if (!std::isfinite(start)) start = 0.0;
    bound_[i] = kRunawayFactor * std::max({1.0, dataScale, start});
  }
}

namespace {
// Coordinates of a row within the bound, counted (a reduction that vectorizes); NaN fails the test.
template <class T>
inline int countWithin(const T* row, size_t d, double bound) {
  int within = 0;
  for (size_t j = 0; j < d; ++j) within += std::fabs(static_cast<double>(row[j])) <= bound ? 1 : 0;
  return within;
}
// Marks rows [first, first + count) that left their bound at `step` (SIMD clones: the per-row
// loop vectorizes over the row).
template <class T>
DW2_SIMD_CLONES void markRows(const T* x, size_t d, const double* bound, int* firstStep, int step, size_t first, size_t count) {
  for (size_t i = first; i < first + count; ++i)
    if (!firstStep[i] && countWithin(x + i * d, d, bound[i]) != static_cast<int>(d)) firstStep[i] = step;
}
}  // namespace

template <class T>
void DivergenceMonitor::check(const T* x, int step) {
  constexpr long long kRows = 256;
  const long long blocks = (static_cast<long long>(n_) + kRows - 1) / kRows;
#pragma omp parallel for num_threads(threads_) schedule(static)
  for (long long b = 0; b < blocks; ++b) {
    const size_t first = static_cast<size_t>(b * kRows);
    markRows(x, d_, bound_.data(), first_.data(), step, first, std::min(n_ - first, static_cast<size_t>(kRows)));
  }
}

template <class T>
void DivergenceMonitor::checkRows(const T* x, int step, size_t first, size_t count) {
  markRows(x, d_, bound_.data(), first_.data(), step, first, count);
}

uint64_t DivergenceMonitor::particles() const {
  uint64_t c = 0;
  for (int s : first_) c += s != 0;
  return c;
}

int DivergenceMonitor::firstStep() const {
  int f = 0;
  for (int s : first_)
    if (s && (!f || s < f)) f = s;
  return f;
}

template DivergenceMonitor::DivergenceMonitor(const double*, size_t, size_t, double, int);
template DivergenceMonitor::DivergenceMonitor(const float*, size_t, size_t, double, int);
template void DivergenceMonitor::check(const double*, int);
template void DivergenceMonitor::check(const float*, int);
template void DivergenceMonitor::checkRows(const double*, int, size_t, size_t);
template void DivergenceMonitor::checkRows(const float*, int, size_t, size_t);

}  // namespace dw2
