#include "otprior/transport_map.h"
#include <algorithm>
#include <cmath>
#include <vector>
#include "core/errors.h"
#include "core/parallel_failure.h"
#include "otprior/laguerre_argmax.h"
#include "runtime/threads.h"

namespace dw2 {

namespace {
constexpr size_t kSoftRows = 32;

void softMapRows(const PackedCells& c, const double* y, double tau, const double* z, size_t rows, double* scores, double* out) {
  const size_t m = c.m, d = c.d;
  cellScores(c, z, rows, scores);
  for (size_t r = 0; r < rows; ++r) {
    const double* s = scores + r * m;
    const double top = *std::max_element(s, s + m);
    double* o = out + r * d;
    std::fill(o, o + d, 0.0);
    double total = 0;
    for (size_t i = 0; i < m; ++i) {
      const double w = std::exp((s[i] - top) / tau);
      if (w == 0.0) continue;  // underflow: contributes exactly nothing
      total += w;
      for (size_t k = 0; k < d; ++k) o[k] += w * y[i * d + k];
    }
    for (size_t k = 0; k < d; ++k) o[k] /= total;  // total ≥ 1 (the maximum's own weight)
  }
}

// out_r = y_{index_r}.
void copyCells(const double* y, size_t d, const int32_t* index, size_t rows, double* out) {
  for (size_t r = 0; r < rows; ++r) std::copy(y + size_t(index[r]) * d, y + size_t(index[r] + 1) * d, out + r * d);
}
}  // namespace

void mapRows(const PackedCells& cells, const double* y, double tau, const double* z, size_t rows, double* scores, int32_t* index,
             double* out) {
  if (tau > 0) return softMapRows(cells, y, tau, z, rows, scores, out);
  laguerreArgmax(cells, z, rows, index);
  copyCells(y, cells.d, index, rows, out);
}

void applyTransportMap(const double* y, const double* h, size_t m, size_t d, double scale, double tau, const double* z, size_t n,
                       double* out, int32_t* index, Progress& progress) {
  if (!(tau >= 0) || !std::isfinite(tau)) fail(ErrorCode::InvalidArgument, "tau must be finite and >= 0 (0: hard map)");
  PackedCells cells = packCells(y, h, m, d, scale);
  if (tau == 0) {
    std::vector<int32_t> own;
    if (!index) {
      own.resize(n);
      index = own.data();
    }
    laguerreArgmax(cells, z, n, index, nullptr, nullptr, progress);
    copyCells(y, d, index, n, out);
    return;
  }
  const size_t blocks = (n + kSoftRows - 1) / kSoftRows;
  const int threads = threadsFor(double(n) * double(m), 3.0 * double(d) + 20.0);
  const size_t perRound = std::max<size_t>(1, size_t(threads) * std::max<size_t>(1, (size_t(1) << 26) / (kSoftRows * m * d + 1)));
  for (size_t b0 = 0; b0 < blocks; b0 += perRound) {
    const long long lo = static_cast<long long>(b0), hi = static_cast<long long>(std::min(blocks, b0 + perRound));
    ParallelFailure failure;
#pragma omp parallel num_threads(threads)
    {
      std::vector<double> scores;
      failure.guard([&] { scores.resize(kSoftRows * m); });
#pragma omp for schedule(dynamic, 1)
      for (long long b = lo; b < hi; ++b) failure.guard([&] {
        const size_t r0 = size_t(b) * kSoftRows, rows = std::min(kSoftRows, n - r0);
        softMapRows(cells, y, tau, z + r0 * d, rows, scores.data(), out + r0 * d);
      });
    }
    failure.rethrow();
    progress.checkpoint(double(hi) / double(blocks));
  }
}

void nearestPoints(const double* y, size_t m, const double* x, size_t n, size_t d, int32_t* index, double* distance,
                   Progress& progress) {
  std::vector<double> h(m);
  for (size_t i = 0; i < m; ++i) {
    double s = 0;
    for (size_t k = 0; k < d; ++k) s += y[i * d + k] * y[i * d + k];
    h[i] = -0.5 * s;
  }
  PackedCells cells = packCells(y, h.data(), m, d, 1.0);
  laguerreArgmax(cells, x, n, index, nullptr, nullptr, progress);
  for (size_t r = 0; r < n; ++r) {
    double s = 0;
    for (size_t k = 0; k < d; ++k) {
      const double v = x[r * d + k] - y[size_t(index[r]) * d + k];
      s += v * v;
    }
    distance[r] = std::sqrt(s);
  }
}

}  // namespace dw2
