// Sliced W2^2 = E_theta W2^2(theta . X, theta . Y) over theta uniform on the sphere.
// For any direction and any coupling, the projected cost is at most the full cost,
// so every term (and the estimate) is <= W2^2; SW2^2 = W2^2 / d when the optimal
// displacements are isotropic. It is NOT W2 and is labelled an approximation.
#include "ot/sliced.h"
#include <omp.h>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>
#include "core/errors.h"
#include "core/parallel_failure.h"
#include "ot/compensated.h"
#include "ot/cost_scale.h"
#include "ot/one_dimensional.h"
#include "random/philox_normal.h"
#include "runtime/threads.h"

namespace dw2::ot {

namespace {

SlicedResult projectAndAverage(const Cloud& a, const double* wa, const Cloud& b, const double* wb, size_t projections,
                      uint64_t seed, Progress& progress) {
  const size_t d = a.d;
  if (projections == 0) fail(ErrorCode::InvalidArgument, "projections must be >= 1");
  std::vector<double> values(projections, 0.0);
  const int threads = threadsFor(double(projections) * double(a.n + b.n), double(d) + 30.0);
  const size_t chunk = std::max<size_t>(size_t(threads), 16);
  for (size_t l0 = 0; l0 < projections; l0 += chunk) {
    const long long lo = static_cast<long long>(l0), hi = static_cast<long long>(std::min(projections, l0 + chunk));
    ParallelFailure failure;  // per-thread buffers of cloud size may fail to allocate
#pragma omp parallel num_threads(threads)
    {
      std::vector<double> theta, pa, pb, sa, sb, qa, qb;
      std::vector<int64_t> oa, ob;
      failure.guard([&] {
        theta.resize(d), pa.resize(a.n), pb.resize(b.n), sa.resize(a.n), sb.resize(b.n), qa.resize(a.n), qb.resize(b.n);
        oa.resize(a.n), ob.resize(b.n);
      });
#pragma omp for schedule(dynamic, 1)
      for (long long l = lo; l < hi; ++l) failure.guard([&] {
        double norm = 0.0;
        for (size_t k = 0; k < d; ++k) {
          theta[k] = normalAt(seed, uint64_t(l), 0, 0, k);
          norm += theta[k] * theta[k];
        }
        norm = std::sqrt(norm);
        for (size_t k = 0; k < d; ++k) theta[k] /= norm;
        auto project = [&](const Cloud& c, const double* w, std::vector<double>& p, std::vector<int64_t>& o,
                           std::vector<double>& sorted, std::vector<double>& sw) {
          for (size_t i = 0; i < c.n; ++i) {
            double t = 0.0;
            for (size_t k = 0; k < d; ++k) t += c.x[i * d + k] * theta[k];
            p[i] = t;
          }
          std::iota(o.begin(), o.end(), int64_t(0));
          std::sort(o.begin(), o.end(), [&](int64_t x, int64_t y) { return p[x] < p[y] || (p[x] == p[y] && x < y); });
          for (size_t i = 0; i < c.n; ++i) sorted[i] = p[o[i]], sw[i] = w[o[i]];
        };
        project(a, wa, pa, oa, sa, qa);
        project(b, wb, pb, ob, sb, qb);
        values[size_t(l)] = oneDimensionalSortedValue(sa.data(), qa.data(), a.n, sb.data(), qb.data(), b.n);
      });
    }
    failure.rethrow();
    progress.checkpoint(double(hi) / double(projections));
  }
  NeumaierSum s, s2;
  for (double x : values) s.add(x);
  const double mean = s.value() / double(projections);
  for (double x : values) s2.add((x - mean) * (x - mean));
  SlicedResult r;
  r.sw2sq = mean;
  r.stdError = projections > 1 ? std::sqrt(s2.value() / double(projections - 1) / double(projections)) : 0.0;
  return r;
}

}  // namespace

SlicedResult slicedW2(const Cloud& a, const double* wa, const Cloud& b, const double* wb, size_t projections,
                      uint64_t seed, Progress& progress) {
  const CostScale s = chooseCostScale(a, b);
  if (!s.active()) return projectAndAverage(a, wa, b, wb, projections, seed, progress);
  const std::vector<double> xa = s.coordinates(a), xb = s.coordinates(b);
  SlicedResult r = projectAndAverage(Cloud{xa.data(), a.n, a.d}, wa, Cloud{xb.data(), b.n, b.d}, wb, projections, seed, progress);
  r.sw2sq = s.unscale(r.sw2sq);
  r.stdError = s.unscale(r.stdError);
  requireRepresentable(r.sw2sq, "sliced W2^2");
  requireRepresentable(r.stdError, "the standard error of sliced W2^2");
  return r;
}

}  // namespace dw2::ot
