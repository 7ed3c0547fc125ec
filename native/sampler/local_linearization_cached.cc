// The cached-product route of local linearization (local_linearization_step.h), eight particles at a
// time in SIMD lanes: per particle, one polynomial recurrence for all the step's terms where its
// spectral interval allows (lane_chebyshev.h; per-step noise and the ODE), else the five Lanczos runs
// (two for the ODE; lane_lanczos.h), the Lanczos lanes of mixed groups gathered per thread into full
// groups. Every per-particle decision (route, interval, degree, checkpoints, stopping) is the
// particle's own, so its result does not depend on the particles that share its lanes.
#include <omp.h>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include "core/parallel_failure.h"
#include "runtime/simd.h"
#include "sampler/local_linearization_cached.h"
#include "schemes/local_linearization.h"
#include "schemes/local_linearization_lane_weights.h"
#include "schemes/local_linearization_step_noise.h"
#include "targets/lane_masks.h"
#include "targets/lanes.h"

namespace dw2 {

namespace {
constexpr int L8 = kLanczosLanes;
constexpr int kRuns = LocalLinearizationStepper::CachedScratch::kRuns;

// Rows (`lanes` of them, d each, row-major) → d × 8 columns, zeros in the missing lanes.
void rowsToLanes(const double* rows, int lanes, size_t d, double* out) {
  for (size_t r = 0; r < d; ++r)
    for (int p = 0; p < L8; ++p) out[r * L8 + p] = p < lanes ? rows[static_cast<size_t>(p) * d + r] : 0.0;
}

// count vectors of `rows` particles → lanes (vector r at r·d·8): from rows (row-major, d each, zeros
// past `rows`) where vectors[r] is set, else already there; finite[p]: every entry of lane p is finite
// (0 · v summed is NaN where one is ±∞ or NaN).
DW2_SIMD_CLONES void vectorsToLaneColumns(const double* const* vectors, int count, size_t rows, size_t d, double* out, bool* finite) {
  lanemask::V check{};
  for (int r = 0; r < count; ++r) {
    double* v = out + static_cast<size_t>(r) * d * L8;
    if (vectors[r]) toColumns<L8>(rows, d, vectors[r], v);
    for (size_t e = 0; e < d; ++e) check += 0.0 * dw2::lanes(v)[e];
  }
  const lanemask::Mask bad = lanemask::isNan(check);
  for (int p = 0; p < L8; ++p) finite[p] = bad[p] == 0;
}

// The step's drift b and curvature M of `rows` particles in lanes, from x (rows × d) and s, ∂_t s, Δs
// in lanes: the operations of LocalLinearizationStepper::driftAndCurvature, in the same order, so the
// same bits; zeros in the lanes past `rows`. k = {f, c g², f′, −(g²)′, g²}.
DW2_SIMD_CLONES void driftAndCurvatureLanes(size_t rows, size_t d, const double* x, const double* s, const double* dsdt,
                                            const double* lap, const double* k, bool ode, double* xt, double* b, double* m) {
  toColumns<L8>(rows, d, x, xt);
  const double f = k[0], cg2 = k[1], df = k[2], dg2 = k[3], g2 = k[4];
  const double halfDg2 = 0.5 * dg2, halfG2 = 0.5 * g2, halfG4 = 0.5 * g2 * g2;
  lanemask::Mask live;
  for (int p = 0; p < L8; ++p) live[p] = static_cast<size_t>(p) < rows ? -1 : 0;
  for (size_t j = 0; j < d; ++j) {
    const lanemask::V X = dw2::lanes(xt)[j], S = dw2::lanes(s)[j], T = dw2::lanes(dsdt)[j];
    const lanemask::V B = -f * X + cg2 * S;
    const lanemask::V M = ode ? df * X - halfDg2 * S - halfG2 * T : halfG4 * dw2::lanes(lap)[j] + df * X - dg2 * S - g2 * T;
    dw2::lanes(b)[j] = lanemask::select(live, B, lanemask::V{});
    dw2::lanes(m)[j] = lanemask::select(live, M, lanemask::V{});
  }
}

// out = x + dx row by row (dx: d × 8 lanes → `rows` rows). A lane with a non-finite vector (a score
// that overflowed) is not a zero term: its row becomes NaN, so the particle is reported as diverged
// instead of freezing at a finite value.
DW2_SIMD_CLONES void addLanesToRows(size_t rows, size_t d, const double* dx, const bool* finite, const double* x, double* out) {
  fromColumns<L8>(rows, d, dx, out);
  for (size_t p = 0; p < rows; ++p) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (size_t r = 0; r < d; ++r) out[p * d + r] = x[p * d + r] + (finite[p] ? out[p * d + r] : nan);
  }
}

// What the polynomial route interpolates for each of the step's vectors.
enum StepFunction : int { kDriftWeight, kCurvatureWeight, kNoiseStd };

// The step's functions at eight points z = hμ (local_linearization_lane_weights.h).
DW2_SIMD_CLONES void stepFunctionsAt(int count, const int* which, double h, double a, double b, const double* z, double* out) {
  lanemask::V zv, drift, curvature, noise{};
  std::memcpy(&zv, z, sizeof zv);
  laneweights::driftCurvature(h, zv, laneweights::laneExp(zv), &drift, &curvature);
  if (std::find(which, which + count, kNoiseStd) != which + count) noise = laneweights::stepNoiseStd(h, zv, a, b);
  for (int r = 0; r < count; ++r) {
    const lanemask::V value = which[r] == kDriftWeight ? drift : which[r] == kCurvatureWeight ? curvature : noise;
    std::memcpy(out + r * L8, &value, sizeof value);
  }
}

class StepFunctions final : public LaneChebyshev::Functions {
 public:
  StepFunctions(int count, const int* which, double h, double a, double b) : Functions(count), h_(h), a_(a), b_(b) {
    std::copy(which, which + count, which_);
  }
  void evaluate(const double* z, double* out) const override { stepFunctionsAt(count, which_, h_, a_, b_, z, out); }

 private:
  int which_[LaneChebyshev::kMaxRuns] = {};
  double h_, a_, b_;
};
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

// Per run, T_k of every evaluated lane (k = c.n[r][p]) by the lane QR iteration on e₁.
void LocalLinearizationStepper::solveCheckpoint(CachedScratch& c, int count, const Kind* kinds, double h) const {
  const int* n[kRuns];
  bool* converged[kRuns];
  for (int r = 0; r < count; ++r) {
    n[r] = c.n[r];
    converged[r] = c.converged[r];
    int top = 0;
    for (int p = 0; p < L8; ++p) top = std::max(top, c.n[r][p]);
    const size_t entries = static_cast<size_t>(top) * L8;
    std::copy(c.runs[r].alphas(), c.runs[r].alphas() + entries, c.qr[r].diag());
    std::copy(c.runs[r].betas(), c.runs[r].betas() + entries, c.qr[r].off());
  }
  LaneTridiagonalQr::solve(c.qr, count, n, converged);
  setRitzWeights(c, count, kinds, h);
}

// After the QR iterations: each function at the Ritz values (capped at κ/h), the noise runs' from one
// call of the step's table; y = f(T) e₁ = P f(Θ) Pᵀ e₁ per lane, its norm and the error estimate. A
// lane whose iteration did not converge (never seen) takes RitzSolve's eigenvectors instead.
void LocalLinearizationStepper::setRitzWeights(CachedScratch& c, int count, const Kind* kinds, double h) const {
  const double cap = s_.linearizationCap / h, sqrtH = std::sqrt(h), sqrtH12 = std::sqrt(h / 12.0);
  const double* fallback[kRuns][L8] = {};
  int ritzCount[kRuns][L8] = {}, offset[kRuns][L8] = {}, noiseCount = 0;
  auto ritz = [&](int r, int p, int l) { return fallback[r][p] ? fallback[r][p][l] : c.qr[r].diag()[static_cast<size_t>(l) * L8 + p]; };
  for (int r = 0; r < count; ++r)
    for (int p = 0; p < L8; ++p) {
      if (c.n[r][p] == 0) continue;
      ritzCount[r][p] = c.n[r][p];
      if (!c.converged[r][p]) {
        RitzSolve& solve = c.solves[p * kRuns + r];
        solve.build(c.runs[r], p, c.n[r][p]);
        fallback[r][p] = solve.ritzValues(&ritzCount[r][p]);
      }
      if (kinds[r] < NoiseW) continue;
      offset[r][p] = noiseCount;
      for (int l = 0; l < ritzCount[r][p]; ++l) c.mu[noiseCount + l] = std::min(ritz(r, p, l), cap);
      noiseCount += ritzCount[r][p];
    }
  if (noiseCount > 0) noise_.evaluate(c.mu.data(), noiseCount, c.cW.data(), c.cH.data(), c.sqrtRemainder.data(), c.work.data());
  auto weight = [&](int r, int p, int l) {
    const double mu = std::min(ritz(r, p, l), cap);
    switch (kinds[r]) {
      case Drift: return localLinearizationWeights(h, mu).drift;
      case Curvature: return localLinearizationWeights(h, mu).curvature;
      case NoiseStep: return localLinearizationStepNoiseStd(h, mu, g2_, g2Slope_);
      case NoiseW: return sqrtH * c.cW[offset[r][p] + l];
      case NoiseH: return sqrtH12 * c.cH[offset[r][p] + l];
      default: return c.sqrtRemainder[offset[r][p] + l];
    }
  };
  for (int r = 0; r < count; ++r) {
    int top = 0;
    for (int p = 0; p < L8; ++p) top = std::max(top, c.n[r][p]);
    if (top == 0) continue;
    double* W = c.weights.data();
    double* y = c.qr[r].y();
    std::fill(W, W + static_cast<size_t>(top) * L8, 0.0);
    for (int p = 0; p < L8; ++p) {
      if (c.n[r][p] == 0) continue;
      if (fallback[r][p]) {
        double* f = c.fallbackWeights.data();
        for (int l = 0; l < ritzCount[r][p]; ++l) f[l] = weight(r, p, l);
        c.solves[p * kRuns + r].setWeights(f);
      } else {
        for (int l = 0; l < c.n[r][p]; ++l) W[static_cast<size_t>(l) * L8 + p] = weight(r, p, l);
      }
    }
    for (size_t e = 0; e < static_cast<size_t>(top) * L8; ++e) y[e] *= W[e];
    c.qr[r].applyTransposed();
    for (int p = 0; p < L8; ++p) {
      const int k = c.n[r][p];
      if (k == 0) continue;
      const double vNorm = c.runs[r].inputNorm(p);
      if (fallback[r][p]) {
        const RitzSolve& solve = c.solves[p * kRuns + r];
        for (int l = 0; l < k; ++l) y[static_cast<size_t>(l) * L8 + p] = solve.y(l);
      }
      double size = 0;
      for (int l = 0; l < k; ++l) size += y[static_cast<size_t>(l) * L8 + p] * y[static_cast<size_t>(l) * L8 + p];
      c.norm[r][p] = vNorm * std::sqrt(size);
      double* coef = c.coef.data() + static_cast<size_t>(r) * c.maxDim * L8;
      for (int l = 0; l < k; ++l) coef[static_cast<size_t>(l) * L8 + p] = vNorm * y[static_cast<size_t>(l) * L8 + p];
      c.estimate[r][p] = vNorm * c.runs[r].beta(k - 1, p) * std::fabs(y[static_cast<size_t>(k - 1) * L8 + p]);
    }
  }
}

// The group's vectors in lanes (c.vectors, zeros past `lanes`) and which lanes hold finite ones.
void LocalLinearizationStepper::vectorsToLanes(CachedScratch& c, size_t i0, int lanes, int count) const {
  const size_t d = s_.d;
  const double* all[kRuns] = {b_.data(), ode_ ? m_.data() : zW_.data(), m_.data(), zH_.data(), xi_.data()};
  const double* rows[kRuns];
  for (int r = 0; r < count; ++r) {
    // The lane route leaves b (run 0) and M (run 1 for the ODE, 2 for the SDE) in lanes already (cachedGroup).
    const bool inLanes = lanes_ && (r == 0 || r == (ode_ ? 1 : 2));
    rows[r] = inLanes ? nullptr : all[r] + i0 * d;
  }
  vectorsToLaneColumns(rows, count, static_cast<size_t>(lanes), d, c.vectors.data(), c.finite);
}

// The polynomial route (lane_chebyshev.h) on the lanes it fits: c.dx gets their terms; polynomial[p]
// and degree[p] say which lanes, and with how many products. It takes the per-step SDE step and the
// ODE (weights in closed form); path noise's table functions stay with Lanczos, whose results are
// unchanged.
void LocalLinearizationStepper::polynomialTerms(CachedScratch& c, const LaneStructuredOperator& op, int lanes, int count,
                                                const Kind* kinds, double h, bool* polynomial, int* degree) const {
  int which[LaneChebyshev::kMaxRuns];
  bool closedForm = count <= LaneChebyshev::kMaxRuns;
  for (int r = 0; r < count && closedForm; ++r) {
    closedForm = kinds[r] == Drift || kinds[r] == Curvature || kinds[r] == NoiseStep;
    which[r] = kinds[r] == Drift ? kDriftWeight : kinds[r] == Curvature ? kCurvatureWeight : kNoiseStd;
  }
  bool eligible[L8];
  for (int p = 0; p < L8; ++p) {
    eligible[p] = closedForm && p < lanes && c.finite[p];
    polynomial[p] = false;
    degree[p] = 0;
  }
  if (!closedForm) return;
  const StepFunctions functions(count, which, h, g2_, g2Slope_);
  // Lanczos needs at most min(d, krylovDim) products per run (at d the space is invariant and the
  // result exact): the polynomial is taken where it needs no more than all the runs together.
  const int lanczosProducts = count * static_cast<int>(std::min<size_t>(s_.d, static_cast<size_t>(s_.krylovDim)));
  c.polynomial.fit(op, h, functions, s_.krylovTolerance, lanczosProducts, s_.linearizationCap, eligible, polynomial, degree);
  const size_t d = s_.d;
  const double* v[LaneChebyshev::kMaxRuns];
  for (int r = 0; r < count; ++r) v[r] = c.vectors.data() + static_cast<size_t>(r) * d * L8;
  c.polynomial.apply(op, h, v, c.dx.data());
}

// The runs of the lanes left to Lanczos (lanczos[p]; lane p holds block row rows[p]) start on their
// vectors (count of them in lanes, run r at r·d·8); each run's first checkpoint is the dimension the
// same run needed at the particle's previous step.
void LocalLinearizationStepper::startRuns(CachedScratch& c, size_t first, const size_t* rows, const bool* lanczos, int count,
                                          const double* vectors) {
  const size_t d = s_.d;
  bool any = false;
  for (int p = 0; p < L8; ++p) {
    any = any || lanczos[p];
    for (int r = 0; r < kRuns; ++r) {
      c.active[p][r] = c.started[p][r] = false;
      c.check[p][r] = c.dims[p][r] = 0;
      c.norms[p][r] = 0.0;
    }
  }
  if (!any) return;
  for (int r = 0; r < count; ++r) {
    c.runs[r].start(vectors + static_cast<size_t>(r) * d * L8);
    for (int p = 0; p < L8; ++p) {
      if (!lanczos[p]) continue;
      c.active[p][r] = c.started[p][r] = c.runs[r].inputNorm(p) > 0;
      c.check[p][r] = std::max(2, firstCheck_[(first + rows[p]) * kRuns + static_cast<size_t>(r)]);
    }
  }
}

// Every run extends (all lanes together) to the largest checkpoint its active lanes ask for; the
// small problems of the checkpoint are solved; each lane's run stops once its estimate meets the
// tolerance (header), its space is invariant, or it reaches krylovDim (then counted as unconverged).
void LocalLinearizationStepper::checkpointRounds(CachedScratch& c, const LaneStructuredOperator& op, int lanes, int count,
                                                 const Kind* kinds, double h, uint64_t* products, bool* unconverged) const {
  const double tol = s_.krylovTolerance;
  for (int p = 0; p < L8; ++p) {
    products[p] = 0;
    unconverged[p] = false;
  }
  for (;;) {
    bool any = false;
    for (int r = 0; r < count; ++r) {
      int target = 0;
      for (int p = 0; p < L8; ++p) {
        c.n[r][p] = 0;
        if (p < lanes && c.active[p][r]) target = std::max(target, c.check[p][r]);
      }
      if (target == 0) continue;
      any = true;
      c.runs[r].extendTo(target, op);
      for (int p = 0; p < lanes; ++p) {
        if (!c.active[p][r]) continue;
        int& check = c.check[p][r];
        c.n[r][p] = c.dims[p][r] = c.runs[r].dim(p, check);
        check = check < 12 ? check + 2 : check + check / 4;
      }
    }
    if (!any) return;
    solveCheckpoint(c, count, kinds, h);
    for (int r = 0; r < count; ++r)
      for (int p = 0; p < lanes; ++p)
        if (c.n[r][p] > 0) c.norms[p][r] = c.norm[r][p];
    // The order fixes the scales: run 0 (b) alone, run 1 (z_W; M for the ODE) against run 0, the rest against both.
    for (int r = 0; r < count; ++r)
      for (int p = 0; p < lanes; ++p) {
        const int k = c.n[r][p];
        if (k == 0) continue;
        const double scale = r == 0 ? 0.0 : r == 1 ? c.norms[p][0] : c.norms[p][0] + c.norms[p][1];
        const bool met = c.estimate[r][p] <= tol * std::fmax(c.norm[r][p], scale);
        const bool invariant = c.runs[r].invariantAt(p, k);
        if (!met && !invariant && k < c.runs[r].maxDim()) continue;
        c.active[p][r] = false;
        if (!met && !invariant && k < static_cast<int>(s_.d)) unconverged[p] = true;
        products[p] += static_cast<uint64_t>(k);
      }
  }
}

// c.dx += Σ_runs |v| V_k f(T_k) e₁ in the lanes whose runs started, each run at its own k; the
// dimensions become the next step's first checkpoints (lane p: block row rows[p]).
void LocalLinearizationStepper::addRuns(CachedScratch& c, size_t first, const size_t* rows, int lanes, int count) {
  for (int r = 0; r < count; ++r) {
    int used[L8] = {};
    bool any = false;
    for (int p = 0; p < lanes; ++p) {
      if (!c.started[p][r]) continue;
      any = true;
      used[p] = c.dims[p][r];
      firstCheck_[(first + rows[p]) * kRuns + static_cast<size_t>(r)] = used[p];
    }
    if (any) c.runs[r].addTo(c.coef.data() + static_cast<size_t>(r) * c.maxDim * L8, used, c.dx.data());
  }
}

// The Lanczos lanes of a group (lanczos[p], p < lanes): runs, checkpoints, and their terms added to
// c.dx; products[p] and unconverged[p] as in checkpointRounds.
void LocalLinearizationStepper::lanczosTerms(CachedScratch& c, const LaneStructuredOperator& op, const double* vectors,
                                             const size_t* rows, const bool* lanczos, int lanes, size_t first, double h,
                                             uint64_t* products, bool* unconverged) {
  const int count = vectors_;
  startRuns(c, first, rows, lanczos, count, vectors);
  checkpointRounds(c, op, lanes, count, stepKinds_, h, products, unconverged);
  addRuns(c, first, rows, lanes, count);
}

// out_ row rows[p] = x_ + lane p of c.dx, for the lanes p < lanes with use[p]; NaN where finite[p]
// is false (a lane whose vectors were not finite), so the particle is reported as diverged.
void LocalLinearizationStepper::writeRows(const CachedScratch& c, const size_t* rows, const bool* use, const bool* finite,
                                          int lanes) {
  const size_t d = s_.d;
  for (int p = 0; p < lanes; ++p) {
    if (!use[p]) continue;
    const size_t o = rows[p] * d;
    for (size_t r = 0; r < d; ++r)
      out_[o + r] = x_[o + r] + (finite[p] ? c.dx[r * L8 + p] : std::numeric_limits<double>::quiet_NaN());
  }
}

// Lanes of a mixed group left to Lanczos wait in the thread's deferred group (their summary and
// vectors copied to a free lane) and run when it is full or the block ends: Lanczos then extends
// eight particles at a time instead of one or two (a lane's bits are its own, lane_lanczos.h).
void LocalLinearizationStepper::deferLane(CachedScratch& c, int p, size_t row) {
  const int q = c.deferred++;
  const size_t summaryEntries = c.summary.size() / L8, vectorEntries = c.vectors.size() / L8;
  for (size_t e = 0; e < summaryEntries; ++e) c.deferredSummary[e * L8 + q] = c.summary[e * L8 + p];
  for (size_t e = 0; e < vectorEntries; ++e) c.deferredVectors[e * L8 + q] = c.vectors[e * L8 + p];
  c.deferredRows[q] = row;
  c.deferredFinite[q] = c.finite[p];
}

void LocalLinearizationStepper::flushDeferred(CachedScratch& c, size_t first, double h, uint64_t& maxProducts,
                                              uint64_t& unconvergedCount) {
  const int lanes = c.deferred;
  if (lanes == 0) return;
  const size_t d = s_.d;
  // Unused lanes hold zeros (inactive: no run starts there).
  for (size_t e = 0; e < c.deferredSummary.size() / L8; ++e)
    for (int q = lanes; q < L8; ++q) c.deferredSummary[e * L8 + q] = 0.0;
  for (size_t e = 0; e < c.deferredVectors.size() / L8; ++e)
    for (int q = lanes; q < L8; ++q) c.deferredVectors[e * L8 + q] = 0.0;
  const bool dense = summaryRank_ == 0;
  const LaneStructuredOperator op{c.deferredSummary.data(), c.deferredSummary.data() + d * L8,
                                  dense ? c.deferredSummary.data() : nullptr, summaryRank_, d, c_ * g2_, f_};
  bool lanczos[L8], unconverged[L8];
  uint64_t products[L8];
  for (int q = 0; q < L8; ++q) lanczos[q] = q < lanes;
  std::fill(c.dx.begin(), c.dx.end(), 0.0);
  lanczosTerms(c, op, c.deferredVectors.data(), c.deferredRows, lanczos, lanes, first, h, products, unconverged);
  writeRows(c, c.deferredRows, lanczos, c.deferredFinite, lanes);
  for (int q = 0; q < lanes; ++q) {
    maxProducts = std::max(maxProducts, products[q]);
    unconvergedCount += unconverged[q] ? 1 : 0;
  }
  c.deferred = 0;
}

// The terms of rows i0 … i0 + lanes − 1 on L = −f I + c g² ∇s, the group's particles in SIMD lanes:
// the polynomial route where it fits a lane (lane_chebyshev.h), else the lane's adaptive Lanczos runs
// — in place when the whole group takes one route, in the thread's deferred group when the group is
// mixed. A particle's Lanczos runs go in lockstep from one checkpoint to the next, the small
// eigenproblems of the group are solved together (lane QR, the runs' sweeps interleaved) and the
// noise functions evaluated at all their Ritz values in one call of the step's table.
void LocalLinearizationStepper::cachedGroup(LocalModel& model, CachedScratch& c, double t, size_t i0, size_t first, int lanes,
                                            double h, uint64_t& maxProducts, uint64_t& unconvergedCount) {
  const size_t d = s_.d;
  if (lanes_) {
    // s, ∂_t s, Δs in lanes, then b and M into the step's vectors (runs 0 and 1 (ODE) or 2) directly.
    // The ODE step does not use Δs (local_linearization_step.h: its M has no Laplacian term).
    double* s = c.derivatives.data();
    double *dsdt = s + d * L8, *lap = dsdt + d * L8;
    model.derivativesLanes(t, x_.data() + i0 * d, static_cast<size_t>(lanes), s, dsdt, ode_ ? nullptr : lap, c.summary.data(),
                           omp_get_thread_num());
    const double k[5] = {f_, c_ * g2_, df_, -g2Slope_, g2_};
    double* b = c.vectors.data();
    double* m = c.vectors.data() + (ode_ ? 1 : 2) * d * L8;
    driftAndCurvatureLanes(static_cast<size_t>(lanes), d, x_.data() + i0 * d, s, dsdt, lap, k, ode_, c.dx.data(), b, m);
  } else {
    summaryToLanes(c, i0, lanes);
  }
  const bool dense = summaryRank_ == 0;
  const LaneStructuredOperator op{c.summary.data(), c.summary.data() + d * L8, dense ? c.summary.data() : nullptr,
                                  summaryRank_, d, c_ * g2_, f_};
  vectorsToLanes(c, i0, lanes, vectors_);
  std::fill(c.dx.begin(), c.dx.end(), 0.0);
  bool polynomial[L8], lanczos[L8], unconverged[L8] = {};
  int degree[L8];
  uint64_t products[L8] = {};
  polynomialTerms(c, op, lanes, vectors_, stepKinds_, h, polynomial, degree);
  size_t rows[L8];
  int lanczosLanes = 0;
  for (int p = 0; p < L8; ++p) {
    rows[p] = i0 + static_cast<size_t>(p);
    lanczos[p] = p < lanes && !polynomial[p];
    lanczosLanes += lanczos[p] ? 1 : 0;
  }
  const bool mixed = lanczosLanes > 0 && lanczosLanes < lanes;
  if (!mixed) {
    if (lanczosLanes > 0) lanczosTerms(c, op, c.vectors.data(), rows, lanczos, lanes, first, h, products, unconverged);
    addLanesToRows(static_cast<size_t>(lanes), d, c.dx.data(), c.finite, x_.data() + i0 * d, out_.data() + i0 * d);
  } else {
    writeRows(c, rows, polynomial, c.finite, lanes);
    if (c.deferred + lanczosLanes > L8) flushDeferred(c, first, h, maxProducts, unconvergedCount);
    for (int p = 0; p < lanes; ++p)
      if (lanczos[p]) deferLane(c, p, rows[p]);
  }
  for (int p = 0; p < lanes; ++p) {
    if (polynomial[p]) products[p] = static_cast<uint64_t>(degree[p]);
    maxProducts = std::max(maxProducts, products[p]);
    unconvergedCount += unconverged[p] ? 1 : 0;
  }
}

void LocalLinearizationStepper::cachedBlock(LocalModel& model, double t, double h, size_t first, size_t count) {
  uint64_t maxProducts = 0, unconvergedCount = 0;
  const long long groups = static_cast<long long>((count + L8 - 1) / L8);
  ParallelFailure failure;
  // Per-step noise: the runs of b, z and M (z's term √Q(hL) z takes z_W's place among the scales).
  stepKinds_[0] = Drift;
  stepKinds_[1] = ode_ ? Curvature : stepNoise_ ? NoiseStep : NoiseW;
  stepKinds_[2] = Curvature;
  stepKinds_[3] = NoiseH;
  stepKinds_[4] = NoiseRemainder;
  interpolants_->startStep();  // the step's functions are new
  for (auto& scratch : cachedScratch_) {
    scratch->polynomial.startStep();
    scratch->deferred = 0;
  }
#pragma omp parallel num_threads(threads_) reduction(max : maxProducts) reduction(+ : unconvergedCount)
  {
    CachedScratch& c = *cachedScratch_[static_cast<size_t>(omp_get_thread_num())];
#pragma omp for schedule(static)
    for (long long g = 0; g < groups; ++g) {
      failure.guard([&] {
        const size_t i0 = static_cast<size_t>(g) * L8;
        const int lanes = static_cast<int>(std::min<size_t>(L8, count - i0));
        cachedGroup(model, c, t, i0, first, lanes, h, maxProducts, unconvergedCount);
      });
    }
    failure.guard([&] { flushDeferred(c, first, h, maxProducts, unconvergedCount); });
  }
  failure.rethrow();
  cachedProducts_ = maxProducts;
  unconverged_ += unconvergedCount;
}

}  // namespace dw2
