// The host side of the GPU sampler (cuda/sampler.h): validation, the prior, the StepPlans and
// the per-time target constants are the CPU's own code; the device steps the particles.
#include <cmath>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>
#include "core/errors.h"
#include "cuda/device.h"
#include "cuda/sampler.h"
#include "sampler/combination.h"
#include "schemes/scheme.h"
#include "targets/gaussian_components.h"

namespace dw2::cuda {

namespace {

DevCombination toDevice(const CompiledCombination& c) {
  // History terms (multistep plans) never reach the device: those schemes are refused above.
  if (c.count > kDevMaxTerms) fail(ErrorCode::Internal, "a combination has more terms than the device kernel holds");
  DevCombination out;
  out.count = c.count;
  for (int t = 0; t < c.count; ++t) {
    out.coef[t] = c.coef[t];
    out.source[t] = static_cast<int>(c.source[t]);
    out.index[t] = c.index[t];
  }
  return out;
}

}  // namespace

DeviceGaussianTarget::DeviceGaussianTarget(bool mixture, size_t K, size_t d, const double* weights, const double* means,
                                           const double* covariances, const double* variances) {
  const GaussianComponents::Names names = mixture ? GaussianComponents::Names{"means", "covariances", "variances"}
                                                  : GaussianComponents::Names{"mean", "covariance", "variances"};
  if (!mixture && K != 1) fail(ErrorCode::Internal, "a single Gaussian has K = 1");
  g_ = std::make_unique<GaussianComponents>(K, d, means, covariances, variances, names);
  data_.mixture = mixture;
  data_.diagonal = g_->diagonal();
  data_.K = K;
  data_.d = d;
  data_.means.assign(means, means + K * d);
  data_.eigenvalues.resize(K * d);
  for (size_t k = 0; k < K; ++k) std::memcpy(data_.eigenvalues.data() + k * d, g_->eigenvalues(k), d * sizeof(double));
  // The eigenbases in point_scores.h's layout, as the CPU's scores read them.
  if (!data_.diagonal) data_.basis.assign(g_->view().basis, g_->view().basis + K * d * d);
  if (mixture) {
    // gaussian_mixture_target.cc normalisedWeights (the CPU target has validated them already).
    double sum = 0.0;
    for (size_t k = 0; k < K; ++k) {
      if (!(std::isfinite(weights[k]) && weights[k] >= 0)) fail(ErrorCode::InvalidArgument, "weights must be finite and >= 0");
      sum += weights[k];
    }
    if (!(std::abs(sum - 1.0) <= 1e-9)) fail(ErrorCode::InvalidArgument, "weights must sum to 1 (within 1e-9)");
    data_.logWeights.resize(K);
    for (size_t k = 0; k < K; ++k) {
      const double w = weights[k] / sum;
      data_.logWeights[k] = w > 0 ? std::log(w) : -INFINITY;
    }
  }
}

DeviceGaussianTarget::~DeviceGaussianTarget() = default;

void DeviceGaussianTarget::timeConstants(const Process& p, double t, double* out) const {
  if (!data_.mixture) return;
  std::vector<double> cache(g_->timeCacheSize(), 0.0);
  const auto c = g_->timeConstants(MarginalScales(p, t), cache.data());
  const size_t Kd = data_.K * data_.d;
  std::memcpy(out, c.inverseEll, Kd * sizeof(double));
  std::memcpy(out + Kd, c.logNormaliser, data_.K * sizeof(double));
}

const char* unsupportedScheme(Scheme s) {
  if (schemeInfo(s).usesHessian)
    return s->ode ? "sampler 'local-linearization-ode' needs Hessians, which the CUDA backend does not compute; use device 'cpu'"
                  : "sampler 'local-linearization' needs Hessians, which the CUDA backend does not compute; use device 'cpu'";
  if (needsWholeGrid(s))
    return schemeInfo(s).historySlots > 0 ? "multistep samplers carry a history of model outputs between steps, which the CUDA backend does not; use device 'cpu'"
                                          : "sampler 'edm' (churned input noise) is not implemented by the CUDA backend; use device 'cpu'";
  return nullptr;
}

template <class T>
void runSampler(const SamplerSetup& s, const DeviceGaussianTarget& target, SamplerIo<T>& io, Progress& progress,
                SamplerStats& stats) {
  requireDevice();
  if (const char* why = unsupportedScheme(s.scheme)) fail(ErrorCode::Unsupported, why);
  validateSampler(s);
  if (target.data().d != s.d)
    fail(ErrorCode::ShapeMismatch, "the target has dimension " + std::to_string(target.data().d) + ", not d = " + std::to_string(s.d));
  const size_t n = s.n, d = s.d;
  const int N = static_cast<int>(s.grid.size()) - 1;
  const SchemeInfo& info = schemeInfo(s.scheme);
  stats = SamplerStats{};

  if (io.prior) drawPrior(*io.prior, s.seed, s.firstParticle, n, d, io.x);
  for (auto& [index, dest] : io.trajectory)
    if (index == 0) std::memcpy(dest, io.x, n * d * sizeof(T));
  if (n == 0) return;  // as the CPU: nothing to step (trajectories are empty)

  DeviceSampler device(target.data(), s.process, n, d, std::is_same<T, float>::value, s.seed, s.firstParticle);
  device.upload(io.x);
  PlanOptions o;
  o.eta = s.eta;
  o.scoreDefinedAtZero = s.scoreDefinedAtZero;
  o.params = s.params;
  const size_t cs = target.constantsSize();
  std::vector<double> constants(kMaxStages * cs);
  StepPlan plan;
  for (int k = 0; k < N; ++k) {
    progress.checkpoint(double(k) / N);
    const double t0 = s.grid[k], t1 = s.grid[k + 1];
    DevStep st;
    st.k = static_cast<uint32_t>(k);
    double times[kMaxStages] = {t0, t0, t0, t0};
    int shared = 0;  // stages whose time all particles share
    if (!info.randomized) {
      buildStepPlan(s.scheme, s.process, t0, t1, o, plan);
      if (plan.fellBack) ++stats.fallbackSteps;
      stats.nfe += static_cast<uint64_t>(plan.stages);
      st.stages = plan.stages;
      st.noises = plan.noises;
      for (int j = 1; j < plan.stages; ++j) st.input[j] = toDevice(compileCombination(plan.input[j], plan.stages, plan.noises));
      st.output = toDevice(compileCombination(plan.output, plan.stages, plan.noises));
      shared = plan.stages;
      for (int j = 0; j < plan.stages; ++j) times[j] = plan.scoreTime[j];
    } else {
      stats.nfe += 2;
      st.randomized = info.rule;
      st.stages = 2;
      st.noises = 2;
      st.ends = randomizedEnds(s.process, t0, t1);
      shared = 1;
    }
    for (int j = 0; j < shared; ++j) {
      const MarginalScales m(s.process, times[j]);
      st.alpha[j] = m.alpha;
      st.sigma2[j] = m.sigma2;
      if (cs) target.timeConstants(s.process, times[j], constants.data() + size_t(j) * cs);
    }
    device.step(st, cs ? constants.data() : nullptr, size_t(shared) * cs);
    for (auto& [index, dest] : io.trajectory)
      if (index == k + 1) device.download(dest);
  }
  device.download(io.x);
  progress.checkpoint(1.0);
}

template void runSampler<double>(const SamplerSetup&, const DeviceGaussianTarget&, SamplerIo<double>&, Progress&, SamplerStats&);
template void runSampler<float>(const SamplerSetup&, const DeviceGaussianTarget&, SamplerIo<float>&, Progress&, SamplerStats&);

}  // namespace dw2::cuda
