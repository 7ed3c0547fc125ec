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
void DivergenceMonitor::check(const T* x, int step) {
#pragma omp parallel for num_threads(threads_) schedule(static)
  for (long long ii = 0; ii < static_cast<long long>(n_); ++ii) {
    const size_t i = static_cast<size_t>(ii);
    if (first_[i]) continue;
    const T* row = x + i * d_;
    bool bad = false;
    for (size_t j = 0; j < d_; ++j) bad |= !(std::fabs(static_cast<double>(row[j])) <= bound_[i]);  // NaN fails too
    if (bad) first_[i] = step;
  }
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

}  // namespace dw2
