// Detects particles that blew up during a run: after every step, a particle whose state has a
// non-finite coordinate or a coordinate beyond kRunawayFactor · scale is marked diverged, with the
// first step (1-based) at which that happened. scale = max(1, the data's scale when the target
// is known (max_j |mean_j| + √cov_jj), the particle's own start max_j |x_T,j|): legitimate states
// stay within a few times that. Per-particle decisions only, so the counts do not depend on how
// the particles are split into batches or threads.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace dw2 {

constexpr double kRunawayFactor = 100.0;

class DivergenceMonitor {
 public:
  // x: the n × d start states; dataScale: 0 when unknown.
  template <class T>
  DivergenceMonitor(const T* x, size_t n, size_t d, double dataScale, int threads);
  // Checks the states after step `step` (1-based).
  template <class T>
  void check(const T* x, int step);
  // The same for rows [first, first + count) only, on the calling thread (for executors that
  // already run in parallel over disjoint rows).
  template <class T>
  void checkRows(const T* x, int step, size_t first, size_t count);
  uint64_t particles() const;  // diverged so far
  int firstStep() const;       // 0 when none
 private:
  size_t n_, d_;
  int threads_;
  std::vector<double> bound_;
  std::vector<int> first_;  // 0 = not diverged
};

}  // namespace dw2
