// The SIMD-lane kernels of local linearization's cached route against their one-particle forms:
// LaneTridiagonalQr against tridiagonalQr (every lane bitwise equal to the problem solved alone:
// eigenvalues, e₁'s eigen-coordinates, and a weighted vector mapped back), on random tridiagonal
// matrices of sizes 0 … 14 (also with exact zeros on the off-diagonal, which split the problem, and
// scaled by 1e-155 and 1e151, where the rotations take hypot; and beside a lane holding a NaN).
// LaneLanczos: lane 0's run (α, β, dimension, and the combination of its basis vectors) is bitwise
// the same whatever the other seven lanes hold (other matrices, zeros, or vectors whose space becomes
// invariant after a step or two).
// The mixture's lane derivatives (Target::localDerivativesLanes: s, ∂_t s, Δs, D, u_k) against the
// per-point localDerivativesCached (divisions per entry, another order) to 1e-12 of each quantity's
// scale, at several times of vp, for 8 and 5 rows; without Δs (a null pointer, the ODE's call) the
// other outputs bitwise the same.
// Prints "ok: …" per check, "FAIL: …" on a mismatch.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <vector>
#include "process/process.h"
#include "sampler/lane_lanczos.h"
#include "sampler/lane_tridiagonal_qr.h"
#include "sampler/tridiagonal_qr.h"
#include "targets/targets.h"

using namespace dw2;

static bool same(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

static int laneQrAgainstScalar() {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  const int maxDim = 16;
  LaneTridiagonalQr lane(maxDim);
  int failures = 0, problems = 0;
  for (int trial = 0; trial < 400; ++trial) {
    int n[8];
    std::vector<double> diag(8 * maxDim), off(8 * maxDim);
    for (int p = 0; p < 8; ++p) {
      n[p] = static_cast<int>(rng() % 15);
      for (int i = 0; i < maxDim; ++i) {
        // Scales 1e-155 and 1e151 take the rotations' hypot path (outside [1e-150, 1e150]).
        const double scale = trial % 7 == 0 ? 1e-155 : trial % 11 == 0 ? 1e151 : trial % 3 == 0 ? 30.0 : 1.0;
        diag[i * 8 + p] = normal(rng) * scale;
        off[i * 8 + p] = (trial % 5 == 0 && rng() % 4 == 0) ? 0.0 : std::fabs(normal(rng)) * scale;
      }
    }
    // Every 13th trial, lane 7's problem holds a NaN (a particle whose score overflowed): it sweeps
    // until its limit beside the others, which must still give tridiagonalQr's bits.
    const bool nanLane = trial % 13 == 0;
    if (nanLane) diag[1 * 8 + 7] = std::nan("");
    std::copy(diag.begin(), diag.end(), lane.diag());
    std::copy(off.begin(), off.end(), lane.off());
    bool converged[8];
    lane.solve(n, converged);
    std::vector<double> weighted(8 * maxDim);
    for (int i = 0; i < maxDim; ++i)
      for (int p = 0; p < 8; ++p) lane.y()[i * 8 + p] *= std::exp(std::tanh(lane.diag()[i * 8 + p]) * (i < n[p]));
    std::vector<double> eigen(lane.diag(), lane.diag() + 8 * maxDim), coords(8 * maxDim);
    lane.applyTransposed();
    for (int p = 0; p < 8; ++p) {
      if (n[p] == 0 || (nanLane && p == 7)) continue;
      ++problems;
      std::vector<double> a(n[p]), b(maxDim), y(n[p], 0.0);
      for (int i = 0; i < n[p]; ++i) a[i] = diag[i * 8 + p];
      for (int i = 0; i + 1 < n[p]; ++i) b[i] = off[i * 8 + p];
      y[0] = 1.0;
      std::vector<GivensRotation> rotations;
      const bool ok = tridiagonalQr(a.data(), b.data(), n[p], y.data(), 1, rotations);
      bool equal = ok == converged[p];
      for (int i = 0; i < n[p]; ++i) {
        equal = equal && same(a[i], eigen[i * 8 + p]);
        y[i] *= std::exp(std::tanh(a[i]));
      }
      applyTransposed(rotations, y.data());
      for (int i = 0; i < n[p]; ++i) equal = equal && same(y[i], lane.y()[i * 8 + p]);
      if (!equal) {
        if (failures++ < 3) std::printf("FAIL: lane QR trial %d lane %d (n = %d) differs from tridiagonalQr\n", trial, p, n[p]);
      }
    }
  }
  if (failures == 0) std::printf("ok: lane QR equals tridiagonalQr bitwise on %d problems\n", problems);
  return failures;
}

// Lane 0 of a run with random neighbours (variant 0), zero neighbours (1), neighbours with an
// invariant space after one or two steps (2) and non-finite neighbours (3: NaN of either sign and ∞
// in their summaries and start vectors, as a particle whose score overflowed): the same bits.
static int laneLanczosNeighbours() {
  const size_t d = 13, K = 3;
  const int maxDim = 10;
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal;
  std::vector<double> lane0(d + K * d + d);
  for (double& x : lane0) x = normal(rng);
  int failures = 0;
  double reference[4 * maxDim + 13] = {};
  double negativeNan;
  const uint64_t negativeNanBits = 0xfff8000000000000ULL;  // x86's default NaN
  std::memcpy(&negativeNan, &negativeNanBits, sizeof negativeNan);
  const double inf = std::numeric_limits<double>::infinity();
  for (int variant = 0; variant < 4; ++variant) {
    std::vector<double> D(d * 8), U(K * d * 8), v(d * 8);
    for (int p = 0; p < 8; ++p)
      for (size_t r = 0; r < d; ++r) {
        const bool own = p == 0;
        D[r * 8 + p] = own ? -std::fabs(lane0[r]) : variant == 1 ? 0.0 : -std::fabs(normal(rng));
        for (size_t k = 0; k < K; ++k)
          U[(k * d + r) * 8 + p] = own ? lane0[d + k * d + r] : variant == 0 ? normal(rng) : 0.0;
        // variant 2: e_r-sparse vectors with a diagonal operator: invariant after one step
        v[r * 8 + p] = own ? lane0[d + K * d + r] : variant == 1 ? 0.0 : variant == 2 ? (r == static_cast<size_t>(p) ? 1.0 : 0.0) : normal(rng);
        if (variant == 3 && !own) {
          // Lanes 1–3: NaN (either sign) or ∞ in the summary; 4–5: in the start vector; 6–7: both.
          const double bad = p % 3 == 0 ? negativeNan : p % 3 == 1 ? std::nan("") : inf;
          if (p <= 3 || p >= 6) D[r * 8 + p] = r % 2 ? bad : D[r * 8 + p];
          if (p <= 3 || p >= 6) U[r * 8 + p] = bad;
          if (p >= 4) v[r * 8 + p] = r == 1 ? bad : v[r * 8 + p];
        }
      }
    LaneLanczos run(d, maxDim);
    run.start(v.data());
    const LaneStructuredOperator op{D.data(), U.data(), nullptr, K, d, 0.7, 0.2};
    run.extendTo(4, op);
    run.extendTo(maxDim, op);
    const int k = run.dim(0, maxDim);
    std::vector<double> coef(static_cast<size_t>(maxDim) * 8, 0.0), dx(d * 8, 0.0);
    for (int l = 0; l < k; ++l) coef[static_cast<size_t>(l) * 8] = 1.0 / (1.0 + l);
    int dims[8] = {k};
    run.addTo(coef.data(), dims, dx.data());
    double result[4 * maxDim + 13] = {};
    result[0] = k;
    for (int l = 0; l < k; ++l) {
      result[1 + l] = run.alpha(l, 0);
      result[1 + maxDim + l] = run.beta(l, 0);
    }
    for (size_t r = 0; r < d; ++r) result[1 + 2 * maxDim + r] = dx[r * 8];
    if (variant == 0) std::copy(result, result + 4 * maxDim + 13, reference);
    for (int i = 0; i < 4 * maxDim + 13; ++i)
      if (!same(result[i], reference[i])) {
        if (failures++ < 3) std::printf("FAIL: lane Lanczos, neighbours variant %d: entry %d differs\n", variant, i);
        break;
      }
  }
  if (failures == 0) std::printf("ok: a lane's Lanczos run is bitwise the same with random, zero, invariant and non-finite neighbours\n");
  return failures;
}

static double scaleOf(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::fmax(m, std::fabs(x));
  return std::fmax(m, 1e-300);
}

static int mixtureLanesAgainstPoints() {
  const size_t K = 5, d = 11;
  std::vector<double> w(K), means(K * d), vars(K * d);
  for (size_t k = 0; k < K; ++k) w[k] = (1.0 + k) / 15.0;
  for (size_t i = 0; i < K * d; ++i) {
    means[i] = 1.5 * std::sin(1.3 * double(i));
    vars[i] = 0.2 + 0.07 * double(i % 5);
  }
  const auto target = makeGaussianMixtureTarget(K, d, w.data(), means.data(), nullptr, vars.data());
  const Process p = makeProcess("vp", NAN, NAN, NAN, NAN);
  std::vector<double> scratch(std::max(target->laneScratchSize(), target->scratchSize()) + 64);
  std::vector<double> cache(target->hessianCacheSize());
  int failures = 0, checks = 0;
  for (double t : {0.9, 0.2, 0.01})
    for (size_t rows : {8, 5}) {
      std::vector<double> x(rows * d), sLanes(d * 8), dsdtLanes(d * 8), lapLanes(d * 8), summary((1 + K) * d * 8);
      for (size_t i = 0; i < x.size(); ++i) x[i] = 1.2 * std::cos(0.77 * double(i) + t);
      target->localDerivativesLanes(p, t, x.data(), rows, sLanes.data(), dsdtLanes.data(), lapLanes.data(), summary.data(),
                                    scratch.data());
      // s, ∂_t s, Δs come as lanes (coordinate j of point i at j·8 + i): as rows for the comparison.
      std::vector<double> s(rows * d), dsdt(rows * d), lap(rows * d);
      for (size_t i = 0; i < rows; ++i)
        for (size_t j = 0; j < d; ++j) {
          s[i * d + j] = sLanes[j * 8 + i];
          dsdt[i * d + j] = dsdtLanes[j * 8 + i];
          lap[i * d + j] = lapLanes[j * 8 + i];
        }
      // Per point, each quantity against the lanes' (D and u_k from the lane layout).
      std::vector<double> ps(rows * d), pdsdt(rows * d), plap(rows * d), pD(rows * d), pU(rows * K * d), lD(rows * d), lU(rows * K * d);
      for (size_t i = 0; i < rows; ++i) {
        target->localDerivativesCached(p, t, x.data() + i * d, ps.data() + i * d, pdsdt.data() + i * d, plap.data() + i * d,
                                       cache.data(), scratch.data());
        const size_t count = static_cast<size_t>(cache[0]);
        for (size_t j = 0; j < d; ++j) {
          pD[i * d + j] = cache[1 + j];
          lD[i * d + j] = summary[j * 8 + i];
          for (size_t k = 0; k < K; ++k) {
            pU[(i * K + k) * d + j] = k < count ? cache[1 + d + k * d + j] : 0.0;
            lU[(i * K + k) * d + j] = summary[((1 + k) * d + j) * 8 + i];
          }
        }
      }
      const std::pair<const std::vector<double>*, const std::vector<double>*> pairs[] = {
          {&s, &ps}, {&dsdt, &pdsdt}, {&lap, &plap}, {&lD, &pD}, {&lU, &pU}};
      const char* names[] = {"s", "dsdt", "laplacian", "D", "u"};
      for (int q = 0; q < 5; ++q) {
        ++checks;
        const double scale = scaleOf(*pairs[q].second);
        double err = 0;
        for (size_t i = 0; i < pairs[q].second->size(); ++i) err = std::fmax(err, std::fabs((*pairs[q].first)[i] - (*pairs[q].second)[i]));
        if (!(err <= 1e-12 * scale)) {
          if (failures++ < 5) std::printf("FAIL: lane derivatives %s at t = %g, rows = %zu: error %g of scale %g\n", names[q], t, rows, err, scale);
        }
      }
      // Without Δs (the ODE step's call): every other output bitwise the same.
      std::vector<double> s2(d * 8), dsdt2(d * 8), summary2(summary.size());
      target->localDerivativesLanes(p, t, x.data(), rows, s2.data(), dsdt2.data(), nullptr, summary2.data(), scratch.data());
      ++checks;
      if (std::memcmp(sLanes.data(), s2.data(), s2.size() * sizeof(double)) != 0 ||
          std::memcmp(dsdtLanes.data(), dsdt2.data(), dsdt2.size() * sizeof(double)) != 0 ||
          std::memcmp(summary.data(), summary2.data(), summary.size() * sizeof(double)) != 0) {
        if (failures++ < 5) std::printf("FAIL: lane derivatives without the Laplacian differ at t = %g, rows = %zu\n", t, rows);
      }
    }
  if (failures == 0) std::printf("ok: the mixture's lane derivatives match the per-point ones to 1e-12 (%d checks)\n", checks);
  return failures;
}

int main() {
  laneQrAgainstScalar();
  laneLanczosNeighbours();
  mixtureLanesAgainstPoints();
  return 0;
}
