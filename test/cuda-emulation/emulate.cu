// Emulation check of the GPU sampler without a GPU: runs the device code's per-particle step
// (native/cuda/sampler_kernels.cu stepParticle, compiled for the host by nvcc) over every
// particle and compares with the CPU sampler (runSampler) for every linear-stage scheme, both
// dtypes, Gaussian and mixture targets (diagonal and full), four processes. On the host the
// libm is the CPU's, so the results are bit-identical wherever the CPU scores with the code the
// device compiles (targets/point_scores.h; the "point" cases require it); small full-covariance
// mixtures, which the CPU scores in precision form, agree to round-off. On a GPU only the
// randomized schemes' τ-dependent exp/expm1/log may differ in the last bit. Not part of the addon; run with
// test/cuda-emulation/run.sh after the CPU build (npm ci / cmake-js compile).
#include "cuda/sampler_kernels.cu"
#include <cstdio>
#include <cstring>
#include "cuda/sampler.h"
#include "grid/grid.h"
#include "sampler/combination.h"
#include "sampler/run_sampler.h"
#include "targets/gaussian_components.h"
#include "targets/targets.h"

using namespace dw2;
using namespace dw2::cuda;

template <class T>
void emulate(const SamplerSetup& s, const DeviceGaussianTarget& target, T* xHost) {
  const size_t n = s.n, d = s.d;
  const int N = int(s.grid.size()) - 1;
  const SchemeInfo& info = schemeInfo(s.scheme);
  const DevTargetHost& h = target.data();
  const point::Components g{h.K, h.d, h.means.data(), h.eigenvalues.data(), h.diagonal ? nullptr : h.basis.data()};
  TargetView view{h.mixture, g, h.logWeights.data()};
  const Process& pr = s.process;
  const ProcessParams& proc = pr;
  std::vector<T> state(n * d);
  for (size_t i = 0; i < n; ++i) for (size_t c = 0; c < d; ++c) state[c * n + i] = xHost[i * d + c];
  const size_t chunk = 37;  // odd chunking on purpose
  std::vector<double> work(chunk * particleWorkDoubles(d, h.K));
  PlanOptions o; o.eta = s.eta; o.scoreDefinedAtZero = s.scoreDefinedAtZero;
  const size_t cs = target.constantsSize();
  std::vector<double> constants(kMaxStages * cs + 1);
  StepPlan plan;
  for (int k = 0; k < N; ++k) {
    const double t0 = s.grid[k], t1 = s.grid[k + 1];
    DevStep st; st.k = k;
    double times[4] = {t0, t0, t0, t0};
    int shared;
    if (!info.randomized) {
      buildStepPlan(s.scheme, pr, t0, t1, o, plan);
      st.stages = plan.stages; st.noises = plan.noises;
      for (int j = 1; j < plan.stages; ++j) { auto c = compileCombination(plan.input[j], plan.stages, plan.noises); st.input[j].count = c.count; for (int t = 0; t < c.count; ++t) { st.input[j].coef[t] = c.coef[t]; st.input[j].source[t] = int(c.source[t]); st.input[j].index[t] = c.index[t]; } }
      auto c = compileCombination(plan.output, plan.stages, plan.noises);
      st.output.count = c.count; for (int t = 0; t < c.count; ++t) { st.output.coef[t] = c.coef[t]; st.output.source[t] = int(c.source[t]); st.output.index[t] = c.index[t]; }
      shared = plan.stages; for (int j = 0; j < plan.stages; ++j) times[j] = plan.scoreTime[j];
    } else {
      st.randomized = info.rule;
      st.stages = 2; st.noises = 2; st.ends = randomizedEnds(pr, t0, t1);
      shared = 1;
    }
    for (int j = 0; j < shared; ++j) { MarginalScales m(pr, times[j]); st.alpha[j] = m.alpha; st.sigma2[j] = m.sigma2; if (cs) target.timeConstants(pr, times[j], constants.data() + j * cs); }
    for (size_t first = 0; first < n; first += chunk) {
      const size_t count = std::min(chunk, n - first);
      for (size_t i = 0; i < count; ++i) stepParticle(st, view, proc, s.seed, s.firstParticle, state.data(), n, work.data(), chunk, first, i, cs ? constants.data() : nullptr, h.K * d + h.K);
    }
  }
  for (size_t i = 0; i < n; ++i) for (size_t c = 0; c < d; ++c) xHost[i * d + c] = state[c * n + i];
}

std::vector<double> spd(size_t d, int seed) {
  std::vector<double> a(d * d), out(d * d);
  for (size_t i = 0; i < d; ++i) for (size_t j = 0; j < d; ++j) a[i * d + j] = std::sin(seed + 3.0 * i + 7.0 * j);
  for (size_t i = 0; i < d; ++i) for (size_t j = 0; j < d; ++j) { double s = 0; for (size_t k = 0; k < d; ++k) s += a[i * d + k] * a[j * d + k]; out[i * d + j] = s / d + (i == j ? 0.2 : 0); }
  return out;
}

// exact: every coordinate must be bit-identical (cases where the CPU takes the per-point path).
template <class T>
int runCase(const char* label, bool mixture, bool diagonal, const char* processName, Scheme scheme, double eta, size_t d = 5,
            size_t n = 301, bool exact = false) {
  const size_t K = mixture ? 3 : 1;
  std::vector<double> w = {0.5, 0.3, 0.2}, means(K * d), vars(K * d), covs;
  for (size_t i = 0; i < K * d; ++i) { means[i] = std::sin(1.7 * i) * 2; vars[i] = 0.2 + 0.1 * (i % 4); }
  for (size_t k = 0; k < K; ++k) { auto c = spd(d, int(k) + 1); covs.insert(covs.end(), c.begin(), c.end()); }
  const double* cov = diagonal ? nullptr : covs.data();
  const double* var = diagonal ? vars.data() : nullptr;
  auto cpuTarget = mixture ? makeGaussianMixtureTarget(K, d, w.data(), means.data(), cov, var) : makeGaussianTarget(d, means.data(), cov, var);
  DeviceGaussianTarget devTarget(mixture, K, d, mixture ? w.data() : nullptr, means.data(), cov, var);
  SamplerSetup s;
  s.scheme = scheme; s.process = makeProcess(processName, NAN, NAN, NAN, NAN);
  s.grid = makeGrid(s.process, GridKind::Uniform, 20, s.process.T, defaultTEnd(s.process), 7.0);
  s.eta = eta; s.seed = 17; s.firstParticle = 3; s.n = n; s.d = d; s.scoreDefinedAtZero = cpuTarget->scoreDefinedAtZero();
  auto prior = makePrior("normal", s.process, s.grid.front(), d, cpuTarget, nullptr, nullptr);
  std::vector<T> cpu(n * d), emu(n * d);
  SamplerIo<T> io; io.x = cpu.data(); io.prior = prior.get();
  SamplerStats stats;
  runSampler<T>(s, cpuTarget.get(), nullptr, io, noProgress(), stats);
  drawPrior(*prior, s.seed, s.firstParticle, n, d, emu.data());
  emulate<T>(s, devTarget, emu.data());
  double diff = 0, scale = 0; size_t identical = 0;
  for (size_t q = 0; q < n * d; ++q) { diff = std::max(diff, std::fabs(double(cpu[q]) - double(emu[q]))); scale = std::max(scale, std::fabs(double(cpu[q]))); identical += cpu[q] == emu[q]; }
  const double tol = (sizeof(T) == 8 ? 1e-10 : 2e-5) * (1 + scale);
  const bool ok = exact ? identical == n * d : diff <= tol;
  std::printf("%-7s %-5s %-24s %-10s eta=%.1f %s: max|diff| %.3e (scale %.2f), bit-identical %zu/%zu %s\n", label, processName, schemeInfo(scheme).name,
              mixture ? (diagonal ? "gmm-diag" : "gmm-full") : (diagonal ? "gauss-diag" : "gauss-full"), eta, sizeof(T) == 8 ? "f64" : "f32", diff, scale, identical, n * d,
              ok ? "OK" : "FAIL");
  return ok ? 0 : 1;
}

int main() {
  int fails = 0;
  // Every scheme of the catalogue the CUDA backend runs (ddim also with η > 0).
  std::vector<std::pair<Scheme, double>> cases;
  for (int i = 0; i < schemeCount(); ++i)
    if (!cuda::unsupportedScheme(schemeAt(i))) {
      cases.push_back({schemeAt(i), 0.0});
      if (schemeAt(i)->eta == SchemeEta::Ddim) cases.push_back({schemeAt(i), 0.5});
    }
  for (int m = 0; m < 4; ++m)
    for (const auto& [scheme, eta] : cases) {
      const bool mixture = m >= 2, diagonal = m % 2 == 0;
      fails += runCase<double>("case", mixture, diagonal, "vp", scheme, eta);
      fails += runCase<float>("case", mixture, diagonal, "vp", scheme, eta);
    }
  for (const char* proc : {"ve", "ou", "heat"})
    for (const char* name : {"heun", "randomized-exponential", "randomized-midpoint", "exponential", "dpm-3", "dpmpp-2s-ancestral"})
      fails += runCase<double>("proc", true, false, proc, parseScheme(name), 0);
  // Full mixtures with K·d² past GaussianComponents::kPrecisionLimit, which the CPU scores with the
  // per-point code the device compiles (point_scores.h), and diagonal ones (the CPU's block kernel
  // is bitwise that code): the two must agree bit for bit.
  for (const char* name : {"heun", "randomized-midpoint"})
    for (bool diagonal : {false, true}) fails += runCase<double>("point", true, diagonal, "vp", parseScheme(name), 0, 300, 12, true);
  std::printf("%d failures\n", fails);
  return fails ? 1 : 0;
}
