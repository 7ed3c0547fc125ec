#include "sampler/adaptive_driver.h"
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>
#include "core/errors.h"
#include "runtime/threads.h"
#include "schemes/plans.h"

namespace dw2 {

namespace {

// k-diffusion's PIDStepSizeController: factor = limiter(ε₀^{b₁} ε₁^{b₂} ε₂^{b₃}) with ε = 1/error
// of this and the last accepted steps, b = ((p + i + d), −(p + 2d), d)/order, limiter 1 + atan(x − 1);
// the step is accepted when factor ≥ acceptSafety; h is scaled by factor either way.
struct PidController {
  double h, b1, b2, b3, safety;
  double inv[3] = {0, 0, 0};
  bool started = false;

  PidController(const SamplerParams& q, int order)
      : h(q.hInit), b1((q.pcoeff + q.icoeff + q.dcoeff) / order), b2(-(q.pcoeff + 2.0 * q.dcoeff) / order), b3(q.dcoeff / order), safety(q.acceptSafety) {}

  bool propose(double error) {
    const double e = 1.0 / (error + 1e-8);
    if (!started) inv[0] = inv[1] = inv[2] = e, started = true;
    inv[0] = e;
    const double factor = 1.0 + std::atan(std::pow(inv[0], b1) * std::pow(inv[1], b2) * std::pow(inv[2], b3) - 1.0);
    const bool accept = factor >= safety;
    if (accept) {
      inv[2] = inv[1];
      inv[1] = inv[0];
    }
    h *= factor;
    return accept;
  }
};

// √(mean over all n·d entries of ((low − high)/max(atol, rtol · max(|low|, |prev|)))²), summed per
// particle and then in particle order (independent of the thread count).
template <class T>
double errorNorm(const T* high, const double* low, const double* prev, size_t n, size_t d, const SamplerParams& q, int threads, std::vector<double>& rows) {
#pragma omp parallel for num_threads(threads) schedule(static)
  for (long long i = 0; i < static_cast<long long>(n); ++i) {
    double sum = 0.0;
    for (size_t j = static_cast<size_t>(i) * d; j < static_cast<size_t>(i + 1) * d; ++j) {
      const double scale = std::fmax(q.atol, q.rtol * std::fmax(std::fabs(low[j]), std::fabs(prev[j])));
      const double r = (low[j] - static_cast<double>(high[j])) / scale;
      sum += r * r;
    }
    rows[static_cast<size_t>(i)] = sum;
  }
  double total = 0.0;
  for (double r : rows) total += r;
  return std::sqrt(total / (double(n) * double(d)));
}

}  // namespace

template <class T>
void runAdaptiveSampler(const SamplerSetup& s, const Target* target, BatchScore<T>* batch, T* x, PlanScratch& scratch, int threads,
                        Progress& progress, SamplerStats& stats) {
  const SamplerParams& q = s.params;
  const int order = q.order == 0 ? 3 : q.order;
  const Process& p = s.process;
  const double tStart = s.grid.front(), tEnd = s.grid.back();
  if (!(tEnd > 0.0)) fail(ErrorCode::InvalidArgument, "dpm-adaptive needs t_end > 0 (it steps in λ = −log ς, infinite at t = 0)");
  const double lambdaEnd = -std::log(p.varsigma(tEnd));
  double lambda = -std::log(p.varsigma(tStart)), t = tStart;
  const size_t n = s.n, d = s.d, len = n * d;
  std::vector<double> prev(len), rows(n);
  std::vector<T> backup(len);
  for (size_t j = 0; j < len; ++j) prev[j] = static_cast<double>(x[j]);
  PidController pid(q, order);
  stats.acceptedGrid.assign(1, tStart);
  StepPlan plan;
  const uint64_t maxAttempts = 1000000;
  for (uint64_t attempt = 0; lambda < lambdaEnd - 1e-5; ++attempt) {
    if (attempt >= maxAttempts) fail(ErrorCode::NotConverged, "dpm-adaptive: no progress after 10⁶ attempted steps (loosen rtol/atol)");
    progress.checkpoint(std::fmin(1.0, std::fmax(0.0, (lambda + std::log(p.varsigma(tStart))) / (lambdaEnd + std::log(p.varsigma(tStart))))));
    const double lambdaNext = std::fmin(lambdaEnd, lambda + pid.h);
    const double tNext = lambdaNext >= lambdaEnd ? tEnd : p.timeOfVarsigma(std::exp(-lambdaNext));
    plans::dpmSolverEmbedded(p, t, tNext, order, plan);
    std::copy(x, x + len, backup.begin());
    const int k = static_cast<int>(std::min<uint64_t>(attempt, 0x7fffffff));  // noise key (the plan draws none)
    if (target) executePlanFused(s, *target, k, &plan, x, scratch, threads);
    else executePlanStagewise(s, *batch, k, &plan, scratch, threads);
    stats.nfe += static_cast<uint64_t>(plan.stages);
    const double error = errorNorm(x, scratch.history(0, s.firstParticle), prev.data(), n, d, q, threads, rows);
    if (!std::isfinite(error)) fail(ErrorCode::NonFinite, "dpm-adaptive: the error estimate is not finite at t = " + std::to_string(t));
    if (pid.propose(error)) {
      std::copy(scratch.history(0, s.firstParticle), scratch.history(0, s.firstParticle) + len, prev.begin());
      lambda = lambdaNext;
      t = tNext;
      stats.acceptedGrid.push_back(t);
      ++stats.accepted;
    } else {
      std::copy(backup.begin(), backup.end(), x);
      ++stats.rejected;
    }
  }
  progress.checkpoint(1.0);
}

template void runAdaptiveSampler<double>(const SamplerSetup&, const Target*, BatchScore<double>*, double*, PlanScratch&, int, Progress&, SamplerStats&);
template void runAdaptiveSampler<float>(const SamplerSetup&, const Target*, BatchScore<float>*, float*, PlanScratch&, int, Progress&, SamplerStats&);

}  // namespace dw2
