#include "sampler/divergence.h"
#include <algorithm>
#include <cmath>

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

template <class T>
void DivergenceMonitor::checkRow(const T* x, int step, size_t i) {
  if (first_[i]) return;
  const T* row = x + i * d_;
  const double bound = bound_[i];
  // Coordinates within the bound, counted (a reduction that vectorizes); NaN fails the test too.
  size_t within = 0;
  for (size_t j = 0; j < d_; ++j) within += std::fabs(static_cast<double>(row[j])) <= bound;
  if (within != d_) first_[i] = step;
}

template <class T>
void DivergenceMonitor::check(const T* x, int step) {
#pragma omp parallel for num_threads(threads_) schedule(static)
  for (long long ii = 0; ii < static_cast<long long>(n_); ++ii) checkRow(x, step, static_cast<size_t>(ii));
}

template <class T>
void DivergenceMonitor::checkRows(const T* x, int step, size_t first, size_t count) {
  for (size_t i = first; i < first + count; ++i) checkRow(x, step, i);
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
