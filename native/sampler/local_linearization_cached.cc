// The cached-product route of local linearization (local_linearization_step.h), eight particles at a
// time in SIMD lanes (lane_lanczos.h): the five Lanczos runs of each particle (two for the ODE) extend
// in lanes, and each particle's adaptive decisions (checkpoints, error estimates, stopping) are its own,
// so its result does not depend on the particles that share its lanes.
#include <omp.h>
#include <algorithm>
#include <cmath>
#include <limits>
#include "core/parallel_failure.h"
#include "sampler/local_linearization_cached.h"
#include "schemes/local_linearization.h"

namespace dw2 {

namespace {
constexpr int L8 = kLanczosLanes;
constexpr int kRuns = LocalLinearizationStepper::CachedScratch::kRuns;

// Rows (`lanes` of them, d each, row-major) → d × 8 columns, zeros in the missing lanes.
void rowsToLanes(const double* rows, int lanes, size_t d, double* out) {
  for (size_t r = 0; r < d; ++r)
    for (int p = 0; p < L8; ++p) out[r * L8 + p] = p < lanes ? rows[static_cast<size_t>(p) * d + r] : 0.0;
}
}  // namespace

// The summaries of rows i0 … i0 + lanes − 1 in lanes: D (d × 8) and u_k (R × d × 8, zeros past a
// row's count), or ∇s (d × d × 8). Every lane applies all R terms, so its arithmetic does not
// depend on its neighbours' counts.
void LocalLinearizationStepper::summaryToLanes(CachedScratch& c, size_t i0, int lanes) const {
  const size_t d = s_.d, R = summaryRank_;
  double* out = c.summary.data();
  if (R == 0) return rowsToLanes(cache_.data() + i0 * cacheSize_, lanes, d * d, out);  // d² entries as one row
  for (size_t r = 0; r < (1 + R) * d; ++r)
    for (int p = 0; p < L8; ++p) {
      double value = 0.0;
      if (p < lanes) {
        const double* row = cache_.data() + (i0 + static_cast<size_t>(p)) * cacheSize_;
        const size_t count = static_cast<size_t>(row[0]);
        if (r < d + count * d) value = row[1 + r];
      }
      out[r * L8 + p] = value;
    }
}

// After the QR iterations of problems (lane, run) = which[0..np): each function at its Ritz values
// (capped at κ/h), the noise runs' from one call of the step's table, and setWeights.
void LocalLinearizationStepper::setRitzWeights(CachedScratch& c, const int* which, int np, const bool* qrConverged,
                                               const Kind* kinds, double h) const {
  const double cap = s_.linearizationCap / h, sqrtH = std::sqrt(h), sqrtH12 = std::sqrt(h / 12.0);
  const double* ritz[L8 * kRuns];
  int ritzCount[L8 * kRuns], offset[L8 * kRuns], noiseCount = 0;
  for (int i = 0; i < np; ++i) {
    ritz[i] = c.solves[which[i]].ritzValues(qrConverged[i], &ritzCount[i]);
    if (kinds[which[i] % kRuns] < NoiseW) continue;
    offset[i] = noiseCount;
    for (int l = 0; l < ritzCount[i]; ++l) c.mu[noiseCount + l] = std::min(ritz[i][l], cap);
    noiseCount += ritzCount[i];
  }
  if (noiseCount > 0) noise_.evaluate(c.mu.data(), noiseCount, c.cW.data(), c.cH.data(), c.sqrtRemainder.data(), c.work.data());
  double* w = c.weights.data();
  for (int i = 0; i < np; ++i) {
    for (int l = 0; l < ritzCount[i]; ++l) {
      const double mu = std::min(ritz[i][l], cap);
      switch (kinds[which[i] % kRuns]) {
        case Drift: w[l] = localLinearizationWeights(h, mu).drift; break;
        case Curvature: w[l] = localLinearizationWeights(h, mu).curvature; break;
        case NoiseW: w[l] = sqrtH * c.cW[offset[i] + l]; break;
        case NoiseH: w[l] = sqrtH12 * c.cH[offset[i] + l]; break;
        case NoiseRemainder: w[l] = c.sqrtRemainder[offset[i] + l]; break;
      }
    }
    c.solves[which[i]].setWeights(w);
  }
}

// The five terms of rows i0 … i0 + lanes − 1 (two for the ODE), each by its own adaptive Lanczos run
// on L = −f I + c g² ∇s. A particle's runs go in lockstep from one checkpoint dimension to the next
// (the small eigenproblems of the whole group are solved together, tridiagonalQr interleaving them,
// and the noise functions evaluated at all their Ritz values in one call of the step's table). Each
// run's first checkpoint is the dimension the same run needed at the particle's previous step; a run
// stops once its estimate meets the tolerance (header). products[p]: the products lane p used;
// unconverged[p]: a run stopped at krylovDim short of the tolerance.
void LocalLinearizationStepper::cachedGroup(CachedScratch& c, size_t i0, size_t first, int lanes, double h, uint64_t* products,
                                            bool* unconverged) {
  const size_t d = s_.d;
  const double tol = s_.krylovTolerance;
  summaryToLanes(c, i0, lanes);
  const bool dense = summaryRank_ == 0;
  const LaneStructuredOperator op{c.summary.data(), c.summary.data() + d * L8, dense ? c.summary.data() : nullptr,
                                  summaryRank_, d, c_ * g2_, f_};
  // The order fixes the scales: run 0 (b) alone, run 1 (z_W; M for the ODE) against run 0, the rest against both.
  const int count = ode_ ? 2 : 5;
  const Kind kinds[kRuns] = {Drift, ode_ ? Curvature : NoiseW, Curvature, NoiseH, NoiseRemainder};
  const double* vectors[kRuns] = {b_.data(), ode_ ? m_.data() : zW_.data(), m_.data(), zH_.data(), xi_.data()};
  bool active[L8][kRuns] = {}, started[L8][kRuns] = {};
  int check[L8][kRuns] = {}, dims[L8][kRuns] = {};
  double norms[L8][kRuns] = {};
  for (int r = 0; r < count; ++r) {
    rowsToLanes(vectors[r] + i0 * d, lanes, d, c.v.data());
    c.runs[r].start(c.v.data());
    for (int p = 0; p < lanes; ++p) {
      active[p][r] = started[p][r] = c.runs[r].inputNorm(p) > 0;
      check[p][r] = std::max(2, firstCheck_[(first + i0 + static_cast<size_t>(p)) * kRuns + static_cast<size_t>(r)]);
    }
  }
  for (int p = 0; p < L8; ++p) {
    products[p] = 0;
    unconverged[p] = false;
  }
  for (;;) {
    QrProblem problems[L8 * kRuns];
    int which[L8 * kRuns], np = 0;
    for (int r = 0; r < count; ++r) {
      int target = 0;
      for (int p = 0; p < lanes; ++p)
        if (active[p][r]) target = std::max(target, check[p][r]);
      if (target == 0) continue;
      c.runs[r].extendTo(target, op);
      for (int p = 0; p < lanes; ++p) {
        if (!active[p][r]) continue;
        dims[p][r] = c.runs[r].dim(p, check[p][r]);
        check[p][r] = check[p][r] < 12 ? check[p][r] + 2 : check[p][r] + check[p][r] / 4;
        which[np] = p * kRuns + r;
        problems[np++] = c.solves[p * kRuns + r].build(c.runs[r], p, dims[p][r]);
      }
    }
    if (np == 0) break;
    bool qrConverged[L8 * kRuns];
    for (int i = 0; i < np; i += kMaxQrProblems) tridiagonalQr(problems + i, std::min(kMaxQrProblems, np - i), qrConverged + i);
    setRitzWeights(c, which, np, qrConverged, kinds, h);
    for (int i = 0; i < np; ++i) norms[which[i] / kRuns][which[i] % kRuns] = c.solves[which[i]].norm();
    for (int i = 0; i < np; ++i) {
      const int p = which[i] / kRuns, r = which[i] % kRuns, k = dims[p][r];
      const double scale = r == 0 ? 0.0 : r == 1 ? norms[p][0] : norms[p][0] + norms[p][1];
      const RitzSolve& solve = c.solves[which[i]];
      const bool met = solve.estimate() <= tol * std::fmax(solve.norm(), scale);
      const bool invariant = c.runs[r].invariantAt(p, k);
      if (!met && !invariant && k < c.runs[r].maxDim()) continue;
      active[p][r] = false;
      if (!met && !invariant && k < static_cast<int>(d)) unconverged[p] = true;
      products[p] += static_cast<uint64_t>(k);
    }
  }
  std::fill(c.dx.begin(), c.dx.end(), 0.0);
  for (int r = 0; r < count; ++r) {
    int used[L8] = {};
    for (int p = 0; p < lanes; ++p) {
      if (!started[p][r]) continue;
      used[p] = dims[p][r];
      const RitzSolve& solve = c.solves[p * kRuns + r];
      for (int l = 0; l < used[p]; ++l) c.coef[static_cast<size_t>(l) * L8 + p] = solve.coefficient(l);
      firstCheck_[(first + i0 + static_cast<size_t>(p)) * kRuns + static_cast<size_t>(r)] = used[p];
    }
    c.runs[r].addTo(c.coef.data(), used, c.dx.data());
  }
  for (int p = 0; p < lanes; ++p) {
    // A non-finite vector (a score that overflowed) is not a zero term: the step's result is NaN, so the
    // particle is reported as diverged instead of freezing at a finite value.
    bool finite = true;
    for (int r = 0; r < count; ++r) finite = finite && std::isfinite(c.runs[r].inputNorm(p));
    const size_t o = (i0 + static_cast<size_t>(p)) * d;
    for (size_t r = 0; r < d; ++r) out_[o + r] = x_[o + r] + (finite ? c.dx[r * L8 + p] : std::numeric_limits<double>::quiet_NaN());
  }
}

void LocalLinearizationStepper::cachedBlock(double h, size_t first, size_t count) {
  uint64_t maxProducts = 0, unconvergedCount = 0;
  const long long groups = static_cast<long long>((count + L8 - 1) / L8);
  ParallelFailure failure;
#pragma omp parallel num_threads(threads_) reduction(max : maxProducts) reduction(+ : unconvergedCount)
  {
    CachedScratch& c = *cachedScratch_[static_cast<size_t>(omp_get_thread_num())];
#pragma omp for schedule(static)
    for (long long g = 0; g < groups; ++g) {
      failure.guard([&] {
        const size_t i0 = static_cast<size_t>(g) * L8;
        const int lanes = static_cast<int>(std::min<size_t>(L8, count - i0));
        uint64_t products[L8];
        bool unconverged[L8];
        cachedGroup(c, i0, first, lanes, h, products, unconverged);
        for (int p = 0; p < lanes; ++p) {
          maxProducts = std::max(maxProducts, products[p]);
          unconvergedCount += unconverged[p] ? 1 : 0;
        }
      });
    }
  }
  failure.rethrow();
  cachedProducts_ = maxProducts;
  unconverged_ += unconvergedCount;
}

}  // namespace dw2
