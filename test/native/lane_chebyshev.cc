// The polynomial route of local linearization's cached step (sampler/lane_chebyshev.h) against
// independent computations:
// - the lane weights (schemes/local_linearization_lane_weights.h) against the scalar ones of
//   local_linearization.h / local_linearization_step_noise.h (libm's expm1, other series lengths), to
//   1e-14 relative, for z across the series/closed-form switch at |z| = 1 and far from it, and both
//   signs of the noise's slope b;
// - Σ_r f_r(hL) v_r from LaneChebyshev::fit + apply against the same sum from Eigen's
//   eigendecomposition of each lane's L (an independent algorithm): each term within tol of its own
//   norm in every eigen-direction, so the sum within tol · Σ_r |f_r(hL) v_r|-ish; checked at tol 1e-10
//   and 1e-6 on diagonal-plus-rank-K summaries and on dense ones (Gershgorin bounds), at spectra from
//   narrow to wide and with positive parts;
// - a lane's result is bitwise the same whatever the other lanes hold, and the fit is the same from a
//   fresh cache (the interpolant depends on the lane's grid interval alone);
// - lanes whose interval passes the cap, or whose summary is not finite, are left unfitted;
// - more intervals in one step than the interpolant cache keeps (it is emptied): the same bits;
// - four threads fitting into one shared store at once (the sampler's threads do): every lane gets the
//   bits of a serial run with no store, whichever thread fitted an interval first.
// Prints "ok: …" per check, "FAIL: …" on a mismatch.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <thread>
#include <vector>
#include <Eigen/Dense>
#include "sampler/lane_chebyshev.h"
#include "schemes/local_linearization.h"
#include "schemes/local_linearization_lane_weights.h"
#include "schemes/local_linearization_step_noise.h"

using namespace dw2;

namespace {

constexpr double kA = 3.0;  // g² at the step's start

// The sampler's three functions (drift, per-step noise, curvature), from the lane weights.
class StepFunctions final : public LaneChebyshev::Functions {
 public:
  StepFunctions(double h, double b) : Functions(3), h_(h), b_(b) {}
  void evaluate(const double* z, double* out) const override {
    lanemask::V zv, drift, curvature;
    std::memcpy(&zv, z, sizeof zv);
    laneweights::driftCurvature(h_, zv, laneweights::laneExp(zv), &drift, &curvature);
    const lanemask::V noise = laneweights::stepNoiseStd(h_, zv, kA, b_);
    std::memcpy(out, &drift, sizeof drift);
    std::memcpy(out + 8, &noise, sizeof noise);
    std::memcpy(out + 16, &curvature, sizeof curvature);
  }

 private:
  double h_, b_;
};

double scalarWeight(int r, double h, double mu, double b) {
  if (r == 0) return localLinearizationWeights(h, mu).drift;
  if (r == 1) return localLinearizationStepNoiseStd(h, mu, kA, b);
  return localLinearizationWeights(h, mu).curvature;
}

int laneWeightsAgainstScalar() {
  int failures = 0;
  double worst = 0;
  for (double b : {2.0, -4.0})
    for (int i = 0; i < 400; ++i) {
      const double h = 0.25;
      double z[8], out[24];
      for (int p = 0; p < 8; ++p) z[p] = -30.0 + 0.0093 * (8 * i + p) + (p % 3 == 0 ? 1e-9 : 0.0);  // −30 … 0.0 … ≈ 0
      if (i % 7 == 0)
        for (int p = 0; p < 8; ++p) z[p] = (p - 3.5) * 0.29;  // across |z| = 1 and through 0's neighbourhood
      StepFunctions(h, b).evaluate(z, out);
      for (int r = 0; r < 3; ++r)
        for (int p = 0; p < 8; ++p) {
          const double want = scalarWeight(r, h, z[p] / h, b), got = out[r * 8 + p];
          const double error = std::fabs(got - want) / std::fabs(want);
          worst = std::fmax(worst, error);
          if (!(error <= 1e-14)) {
            if (failures++ < 5) std::printf("FAIL: weight %d at z = %.17g (b = %g): %.17g vs %.17g\n", r, z[p], b, got, want);
          }
        }
    }
  if (failures == 0) std::printf("ok: lane weights equal the scalar ones (worst relative difference %.2e)\n", worst);
  return failures;
}

struct Problem {
  size_t d, K;
  std::vector<double> D, U, H, v, dx;
  double scale, shift, h;
};

// Lane p's exact Σ_r f_r(hL) v_r by Eigen's eigendecomposition, and Σ_r |f_r(hL) v_r|.
Eigen::VectorXd exactSum(const Problem& P, int p, double b, double* size) {
  const size_t d = P.d;
  Eigen::MatrixXd S = Eigen::MatrixXd::Zero(d, d);
  if (!P.H.empty()) {
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j) S(i, j) = P.H[(i * d + j) * 8 + p];
  } else {
    for (size_t i = 0; i < d; ++i) S(i, i) = P.D[i * 8 + p];
    for (size_t k = 0; k < P.K; ++k) {
      Eigen::VectorXd u(d);
      for (size_t i = 0; i < d; ++i) u[i] = P.U[(k * d + i) * 8 + p];
      S += u * u.transpose();
    }
  }
  const Eigen::MatrixXd L = P.scale * S - P.shift * Eigen::MatrixXd::Identity(d, d);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(L);
  Eigen::VectorXd sum = Eigen::VectorXd::Zero(d);
  *size = 0;
  for (int r = 0; r < 3; ++r) {
    Eigen::VectorXd x(d);
    for (size_t i = 0; i < d; ++i) x[i] = P.v[(r * d + i) * 8 + p];
    Eigen::VectorXd c = es.eigenvectors().transpose() * x;
    for (size_t i = 0; i < d; ++i) c[i] *= scalarWeight(r, P.h, es.eigenvalues()[i], b);
    const Eigen::VectorXd term = es.eigenvectors() * c;
    *size += term.norm();
    sum += term;
  }
  return sum;
}

Problem randomProblem(std::mt19937_64& rng, size_t d, size_t K, bool dense, double spread) {
  std::normal_distribution<double> normal;
  Problem P{d, K, std::vector<double>(d * 8), std::vector<double>(K * d * 8), {}, std::vector<double>(3 * d * 8),
            std::vector<double>(d * 8, 0.0), 6.0, -2.0, 0.2};
  for (auto& x : P.D) x = -1.0 - spread * std::fabs(normal(rng));
  for (auto& x : P.U) x = 0.4 * normal(rng) * std::sqrt(8.0 / d);  // |u_k|² ≈ 1.3 whatever d
  for (auto& x : P.v) x = normal(rng);
  if (dense) {
    P.H.assign(d * d * 8, 0.0);
    for (int p = 0; p < 8; ++p) {
      Eigen::MatrixXd A = Eigen::MatrixXd::NullaryExpr(d, d, [&] { return normal(rng); }) / std::sqrt(double(d));
      Eigen::MatrixXd S = -spread * A * A.transpose() + 0.3 * (A + A.transpose()) - Eigen::MatrixXd::Identity(d, d);
      for (size_t i = 0; i < d; ++i)
        for (size_t j = 0; j < d; ++j) P.H[(i * d + j) * 8 + p] = S(i, j);
    }
  }
  return P;
}

LaneStructuredOperator operatorOf(const Problem& P) {
  return {P.D.data(), P.U.data(), P.H.empty() ? nullptr : P.H.data(), P.K, P.d, P.scale, P.shift};
}

void run(Problem& P, LaneChebyshev& cheb, double tol, double b, const bool* eligible, bool* fitted, int* degree, double zCap = HUGE_VAL) {
  const StepFunctions f(P.h, b);
  std::fill(P.dx.begin(), P.dx.end(), 0.0);
  cheb.fit(operatorOf(P), P.h, f, tol, LaneChebyshev::kMaxPoints, zCap, eligible, fitted, degree);
  const size_t d = P.d;
  const double* v[3] = {P.v.data(), P.v.data() + d * 8, P.v.data() + 2 * d * 8};
  cheb.apply(operatorOf(P), P.h, v, P.dx.data());
}

int againstEigen() {
  std::mt19937_64 rng(11);
  int failures = 0, fittedLanes = 0, maxDegree = 0;
  double worst = 0;
  const bool all[8] = {true, true, true, true, true, true, true, true};
  for (int trial = 0; trial < 60; ++trial) {
    const size_t d = trial % 3 == 0 ? 5 : trial % 3 == 1 ? 16 : 40;
    const bool dense = trial % 4 == 3;
    const double spread = trial % 5 == 0 ? 0.01 : trial % 5 == 1 ? 3.0 : 0.5;
    const double tol = trial % 2 == 0 ? 1e-10 : 1e-6;
    const double b = trial % 6 < 3 ? 2.0 : -4.0;
    Problem P = randomProblem(rng, d, 4, dense, spread);
    LaneChebyshev cheb(d);
    cheb.startStep();
    bool fitted[8];
    int degree[8];
    run(P, cheb, tol, b, all, fitted, degree);
    for (int p = 0; p < 8; ++p) {
      if (!fitted[p]) continue;  // too wide for n ≤ 64: left to Lanczos
      ++fittedLanes;
      maxDegree = std::max(maxDegree, degree[p]);
      double size;
      const Eigen::VectorXd exact = exactSum(P, p, b, &size);
      double error = 0;
      for (size_t i = 0; i < d; ++i) error = std::fmax(error, std::fabs(exact[i] - P.dx[i * 8 + p]));
      const double relative = error / size;
      worst = std::fmax(worst, relative / tol);
      if (!(relative <= tol)) {
        if (failures++ < 5) std::printf("FAIL: trial %d lane %d (d = %zu, dense %d, tol %g): error %.3e of the terms' size\n", trial, p, d, dense, tol, relative);
      }
    }
  }
  if (fittedLanes < 400) {
    std::printf("FAIL: only %d of 480 lanes fitted\n", fittedLanes);
    ++failures;
  }
  if (failures == 0)
    std::printf("ok: polynomial sums equal Eigen's within tol (%d lanes, degrees ≤ %d, worst error %.1e tol)\n", fittedLanes, maxDegree, worst);
  return failures;
}

bool sameBits(const double* a, const double* b, size_t n) { return std::memcmp(a, b, n * sizeof(double)) == 0; }

int laneIndependence() {
  std::mt19937_64 rng(5);
  int failures = 0;
  const bool all[8] = {true, true, true, true, true, true, true, true};
  for (int trial = 0; trial < 20; ++trial) {
    const size_t d = 12;
    Problem P = randomProblem(rng, d, 3, trial % 2 == 1, trial % 3 == 0 ? 2.0 : 0.4);
    LaneChebyshev cheb(d);
    bool fitted[8];
    int degree[8];
    cheb.startStep();
    run(P, cheb, 1e-10, 2.0, all, fitted, degree);
    std::vector<double> lane0(d);
    for (size_t i = 0; i < d; ++i) lane0[i] = P.dx[i * 8];
    // Other lanes: other summaries, vectors, an infinite entry in lane 5; a fresh cache, then one
    // already holding other intervals.
    Problem Q = randomProblem(rng, d, 3, trial % 2 == 1, 5.0);
    for (size_t e = 0; e < P.D.size(); e += 8) Q.D[e] = P.D[e];
    for (size_t e = 0; e < P.U.size(); e += 8) Q.U[e] = P.U[e];
    for (size_t e = 0; e < P.H.size(); e += 8) Q.H[e] = P.H[e];
    for (size_t e = 0; e < P.v.size(); e += 8) Q.v[e] = P.v[e];
    Q.D[5] = Q.H.empty() ? std::numeric_limits<double>::infinity() : Q.D[5];
    if (!Q.H.empty()) Q.H[5] = std::numeric_limits<double>::infinity();
    for (int cache = 0; cache < 2; ++cache) {
      if (cache == 0) cheb.startStep();
      bool fittedQ[8];
      int degreeQ[8];
      run(Q, cheb, 1e-10, 2.0, all, fittedQ, degreeQ);
      std::vector<double> got(d);
      for (size_t i = 0; i < d; ++i) got[i] = Q.dx[i * 8];
      if (fittedQ[5] || fittedQ[0] != fitted[0] || degreeQ[0] != degree[0] || !sameBits(got.data(), lane0.data(), d)) {
        if (failures++ < 5) std::printf("FAIL: trial %d: lane 0 changed with its neighbours (cache %d)\n", trial, cache);
      }
    }
  }
  if (failures == 0) std::printf("ok: a lane's polynomial sum is bitwise the same whatever its neighbours and the cache hold\n");
  return failures;
}

// More intervals than the cache keeps in one step (it is emptied and refilled): the same bits.
int cacheOverflow() {
  std::mt19937_64 rng(17);
  const size_t d = 6;
  const bool all[8] = {true, true, true, true, true, true, true, true};
  bool fitted[8];
  int degree[8];
  Problem P = randomProblem(rng, d, 2, false, 0.5);
  LaneChebyshev cheb(d);
  cheb.startStep();
  run(P, cheb, 1e-10, 2.0, all, fitted, degree);
  const std::vector<double> first(P.dx);
  for (size_t i = 0; i < LaneChebyshev::kMaxEntries / 8 + 100; ++i) {
    Problem other = randomProblem(rng, d, 2, false, 0.5 + 1e-3 * static_cast<double>(i));
    run(other, cheb, 1e-10, 2.0, all, fitted, degree);
  }
  run(P, cheb, 1e-10, 2.0, all, fitted, degree);
  if (!sameBits(first.data(), P.dx.data(), first.size())) {
    std::printf("FAIL: results changed after the interpolant cache overflowed\n");
    return 1;
  }
  std::printf("ok: the same bits after more intervals than the cache keeps\n");
  return 0;
}

int capAndEligibility() {
  std::mt19937_64 rng(3);
  const size_t d = 8;
  Problem P = randomProblem(rng, d, 2, false, 0.5);
  LaneChebyshev cheb(d);
  bool eligible[8] = {true, true, true, false, true, true, true, true}, fitted[8];
  int degree[8];
  cheb.startStep();
  run(P, cheb, 1e-10, 2.0, eligible, fitted, degree);
  int failures = fitted[3] ? 1 : 0;
  if (failures) std::printf("FAIL: an ineligible lane was fitted\n");
  // With a cap below every lane's upper end nothing is fitted; one far above changes nothing.
  bool all[8] = {true, true, true, true, true, true, true, true};
  run(P, cheb, 1e-10, 2.0, all, fitted, degree, -1e3);
  for (int p = 0; p < 8; ++p)
    if (fitted[p]) {
      ++failures;
      std::printf("FAIL: lane %d fitted although its interval passes the cap\n", p);
    }
  std::vector<double> free(P.dx);
  run(P, cheb, 1e-10, 2.0, all, fitted, degree);
  free = P.dx;
  run(P, cheb, 1e-10, 2.0, all, fitted, degree, 1e3);
  if (!sameBits(free.data(), P.dx.data(), free.size())) {
    ++failures;
    std::printf("FAIL: a cap above the spectrum changed the result\n");
  }
  if (failures == 0) std::printf("ok: ineligible lanes and intervals past the cap are left to Lanczos\n");
  return failures;
}

// 24 summaries, each under 8 different vector sets (so the same intervals come up in every thread),
// run serially by one LaneChebyshev without a store, then by four threads sharing one store (thread
// t takes the problems i ≡ t mod 4, each with its own LaneChebyshev): bitwise the same sums.
int sharedStore() {
  std::mt19937_64 rng(23);
  const size_t d = 10;
  const bool all[8] = {true, true, true, true, true, true, true, true};
  std::vector<Problem> problems;
  for (int base = 0; base < 24; ++base) {
    const Problem B = randomProblem(rng, d, 3, base % 5 == 4, base % 3 == 0 ? 2.0 : 0.4);
    for (int copy = 0; copy < 8; ++copy) {
      Problem P = randomProblem(rng, d, 3, base % 5 == 4, 0.4);
      P.D = B.D;
      P.U = B.U;
      P.H = B.H;
      P.h = B.h;
      P.scale = B.scale;
      P.shift = B.shift;
      problems.push_back(P);
    }
  }
  std::vector<Problem> serial(problems), shared(problems);
  {
    LaneChebyshev cheb(d);
    cheb.startStep();
    bool fitted[8];
    int degree[8];
    for (Problem& P : serial) run(P, cheb, 1e-10, 2.0, all, fitted, degree);
  }
  LaneChebyshev::Store store;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      LaneChebyshev cheb(d, &store);
      cheb.startStep();
      bool fitted[8];
      int degree[8];
      for (size_t i = static_cast<size_t>(t); i < shared.size(); i += 4) run(shared[i], cheb, 1e-10, 2.0, all, fitted, degree);
    });
  for (std::thread& t : threads) t.join();
  int failures = 0;
  for (size_t i = 0; i < problems.size(); ++i)
    if (!sameBits(serial[i].dx.data(), shared[i].dx.data(), serial[i].dx.size()) && failures++ < 5)
      std::printf("FAIL: problem %zu differs between the serial run and the threads sharing a store\n", i);
  if (failures == 0) std::printf("ok: four threads sharing one store give every lane the serial run's bits\n");
  return failures;
}

}  // namespace

int main() {
  int failures = laneWeightsAgainstScalar();
  failures += againstEigen();
  failures += laneIndependence();
  failures += capAndEligibility();
  failures += cacheOverflow();
  failures += sharedStore();
  return failures == 0 ? 0 : 1;
}
