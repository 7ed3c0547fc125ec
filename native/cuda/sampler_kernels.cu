// The fused sampler step on the GPU (see sampler_kernels.h), compiled with -fmad=false.
// The mathematics is the CPU's own inline code, compiled here:
//   scores        — targets/point_scores.h (Gaussian and mixture scores, softmax, time constants)
//   randomized    — schemes/randomized_plans.h and process/process_coefficients.h, u from
//                   sampler/noise_keys.h
// What remains transcribed is the plan executor's data movement, operation by operation in the
// CPU's order: combinations — sampler/combination.cc (applyCombination: first term a·x, then
// += a·x); executor — sampler/plan_executor.cc (executePlanFused: R₀ = x, R_j, S_j, output).
// Noise comes from random/philox_normal.h (bit-identical to the CPU). Only the device's libm
// (exp/expm1/log at the randomized schemes' per-particle times τ) can differ in the last bit.
#include <algorithm>
#include <cmath>
#include "cuda/cuda_check.h"
#include "cuda/device.h"
#include "cuda/sampler_kernels.h"
#include "random/deterministic_math.h"
#include "random/philox_normal.h"
#include "sampler/noise_keys.h"
#include "targets/point_scores.h"

// Host and device: the per-particle step also runs on the host in emulation checks against the
// CPU sampler (no GPU needed); the kernels call the same code.
#define DW2_SK __host__ __device__

namespace dw2::cuda {

namespace {

// ---------------------------------------------------------------------------------------------
// Per-particle plans of the randomized schemes (schemes/randomized_plans.h, the CPU's formulas),
// compiled like compileCombination.

DW2_SK inline void compile(const Combination& c, int stages, int noises, DevCombination& cc) {
  cc.count = 0;
  auto add = [&](double coef, int source, int index) {
    if (coef == 0.0) return;
    cc.coef[cc.count] = coef;
    cc.source[cc.count] = source;
    cc.index[cc.count] = index;
    ++cc.count;
  };
  for (int j = 0; j < stages; ++j) add(c.reg[j], 0, j);
  for (int j = 0; j < stages; ++j) add(c.score[j], 1, j);
  for (int l = 0; l < noises; ++l) add(c.noise[l], 2, l);
}

// Fills input[1], output and τ for one particle.
DW2_SK void particlePlan(const DevStep& st, const ProcessParams& p, double u, DevCombination& in1, DevCombination& out, double& tau) {
  Combination xm, o;
  tau = randomizedPlan(st.randomized, p, st.ends, u, xm, o);
  compile(xm, 2, 2, in1);
  compile(o, 2, 2, out);
}

// ---------------------------------------------------------------------------------------------
// Scores: targets/point_scores.h, the CPU targets' own code, over strided work vectors.

using Vec = point::Strided<double>;

struct TargetView {
  int mixture;
  point::Components g;
  const double* logWeights;  // K (mixtures)
};

// α, σ² at the stage time, and the mixture's per-time constants (null: computed here, for
// per-particle times, by the formulas GaussianComponents::timeConstants caches).
struct Scales {
  double alpha, sigma2;
  const double* inverseEll;
  const double* logNormaliser;
};

// One particle's component vectors, shared by all components (ŝ_k recomputed, see mixtureScore).
struct SharedComponents {
  static constexpr bool kKeepsComponents = false;
  Vec logits, tmp, tmp2;
  bool diagonal;
  DW2_SK Vec shat(size_t) const { return tmp; }
  DW2_SK Vec sk(size_t) const { return diagonal ? tmp : tmp2; }
};

DW2_SK void targetScore(const TargetView& tg, const Scales& m, Vec x, Vec s, const SharedComponents& w) {
  const point::Components& g = tg.g;
  if (!tg.mixture) return point::gaussianScore(g, m.alpha, m.sigma2, x, s, w.tmp);
  if (m.inverseEll) return point::mixtureScore(g, point::CachedConstants{m.inverseEll, m.logNormaliser, g.d}, tg.logWeights, m.alpha, x, s, w);
  point::mixtureScore(g, point::FreshConstants{g, m.alpha * m.alpha, m.sigma2}, tg.logWeights, m.alpha, x, s, w);
}

// ---------------------------------------------------------------------------------------------
// The fused step: one thread per particle.

// Doubles of stage workspace per particle: registers, scores, the two component vectors of
// SharedComponents and K logits.
inline size_t particleWorkDoubles(size_t d, size_t K) { return size_t(2 * kDevMaxStages + 2) * d + K; }

struct Rows {
  size_t stride;  // chunk capacity: element c of a work vector at c * stride
  double* reg[kDevMaxStages];
  double* score[kDevMaxStages];
  SharedComponents components;
};

// out[c] = Σ_terms coef · source[c], terms in order (combination.cc applyCombination).
template <class O>
DW2_SK void applyCombination(const DevCombination& cc, const Rows& r, size_t d, uint64_t seed, uint64_t particle, uint32_t k,
                                 O* out, size_t outStride) {
  bool useNoise[kDevMaxNoises] = {false, false};
  for (int t = 0; t < cc.count; ++t)
    if (cc.source[t] == 2) useNoise[cc.index[t]] = true;
  const size_t pairs = (d + 1) / 2;
  for (size_t p = 0; p < pairs; ++p) {
    double z[kDevMaxNoises][2] = {{0, 0}, {0, 0}};
    for (int l = 0; l < kDevMaxNoises; ++l) {
      if (!useNoise[l]) continue;
      const NormalPair q = normalPair(seed, particle, k, static_cast<uint32_t>(l), p);
      z[l][0] = q.first;
      z[l][1] = q.second;
    }
    for (int e = 0; e < 2; ++e) {
      const size_t c = 2 * p + e;
      if (c >= d) break;
      double acc = 0.0;
      for (int t = 0; t < cc.count; ++t) {
        const int src = cc.source[t], idx = cc.index[t];
        const double v = src == 0 ? r.reg[idx][c * r.stride] : src == 1 ? r.score[idx][c * r.stride] : z[idx][e];
        if (t == 0) acc = cc.coef[t] * v;
        else acc += cc.coef[t] * v;
      }
      out[c * outStride] = static_cast<O>(acc);
    }
  }
}

// Particle i of the chunk starting at row chunkFirst through one whole step.
template <class T>
DW2_SK void stepParticle(const DevStep& st, const TargetView& tg, const ProcessParams& proc, uint64_t seed, uint64_t firstParticle,
                         T* state, size_t n, double* work, size_t stride, size_t chunkFirst, size_t i, const double* constants,
                         size_t constantsStride) {
  const size_t row = chunkFirst + i, d = tg.g.d;
  const uint64_t particle = firstParticle + row;
  Rows r;
  r.stride = stride;
  for (int j = 0; j < kDevMaxStages; ++j) {
    r.reg[j] = work + size_t(j) * d * stride + i;
    r.score[j] = work + size_t(kDevMaxStages + j) * d * stride + i;
  }
  double* rest = work + size_t(2 * kDevMaxStages) * d * stride + i;
  r.components = SharedComponents{Vec{rest + 2 * d * stride, stride}, Vec{rest, stride}, Vec{rest + d * stride, stride}, tg.g.diagonal()};
  T* x = state + row;  // coordinate c at x[c * n]

  DevCombination localInput, localOutput;
  double tau = 0.0;
  const bool randomized = st.randomized != RandomizedRule::None;
  if (randomized) particlePlan(st, proc, randomizedTime(seed, particle, st.k), localInput, localOutput, tau);

  for (size_t c = 0; c < d; ++c) r.reg[0][c * stride] = static_cast<double>(x[c * n]);
  for (int j = 0; j < st.stages; ++j) {
    if (j > 0) applyCombination(randomized ? localInput : st.input[j], r, d, seed, particle, st.k, r.reg[j], stride);
    Scales m;
    if (randomized && j > 0) {
      m = Scales{coefficients::alpha(proc, tau), coefficients::sigma2(proc, tau), nullptr, nullptr};
    } else {
      const double* c = constants ? constants + size_t(j) * constantsStride : nullptr;
      m = Scales{st.alpha[j], st.sigma2[j], c, c ? c + tg.g.K * d : nullptr};
    }
    targetScore(tg, m, Vec{r.reg[j], stride}, Vec{r.score[j], stride}, r.components);
  }
  applyCombination(randomized ? localOutput : st.output, r, d, seed, particle, st.k, x, n);
}

template <class T>
__global__ void stepKernel(DevStep st, TargetView tg, ProcessParams proc, uint64_t seed, uint64_t firstParticle, T* state, size_t n,
                           double* work, size_t stride, size_t chunkFirst, size_t count, const double* constants,
                           size_t constantsStride) {
  const size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
  if (i < count) stepParticle(st, tg, proc, seed, firstParticle, state, n, work, stride, chunkFirst, i, constants, constantsStride);
}

template <class T>
__global__ void toCoordinateMajor(const T* rows, T* cols, size_t n, size_t d) {
  for (size_t q = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; q < n * d; q += static_cast<size_t>(gridDim.x) * blockDim.x)
    cols[(q % d) * n + q / d] = rows[q];
}

template <class T>
__global__ void toRowMajor(const T* cols, T* rows, size_t n, size_t d) {
  for (size_t q = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; q < n * d; q += static_cast<size_t>(gridDim.x) * blockDim.x)
    rows[q] = cols[(q % d) * n + q / d];
}

int gridFor(size_t work, int threads) { return static_cast<int>(std::min<size_t>((work + threads - 1) / threads, 65535 * 16)); }

template <class T>
std::unique_ptr<DeviceBuffer<double>> copyToDevice(const std::vector<T>& v) {
  auto b = std::make_unique<DeviceBuffer<double>>(v.size());
  if (!v.empty()) check(cudaMemcpy(b->get(), v.data(), v.size() * sizeof(double), cudaMemcpyHostToDevice), "copy target to device");
  return b;
}

}  // namespace

struct DeviceSampler::Impl {
  DevTargetHost target;
  ProcessParams process;
  size_t n, d;
  bool float32;
  uint64_t seed, first;
  std::unique_ptr<DeviceBuffer<double>> logWeights, means, eigenvalues, basis, constants, work;
  std::unique_ptr<DeviceBuffer<unsigned char>> state, staging;
  size_t chunk = 1;
  TargetView view() const {
    const point::Components g{target.K, target.d, means->get(), eigenvalues->get(), target.diagonal ? nullptr : basis->get()};
    return TargetView{target.mixture ? 1 : 0, g, logWeights->get()};
  }
  size_t elementBytes() const { return float32 ? sizeof(float) : sizeof(double); }
};

DeviceSampler::DeviceSampler(const DevTargetHost& target, ProcessParams process, size_t n, size_t d, bool float32, uint64_t seed,
                             uint64_t firstParticle)
    : impl_(std::make_unique<Impl>()) {
  requireDevice();
  Impl& m = *impl_;
  m.target = target;
  m.process = process;
  m.n = n;
  m.d = d;
  m.float32 = float32;
  m.seed = seed;
  m.first = firstParticle;
  m.logWeights = copyToDevice(target.logWeights);
  m.means = copyToDevice(target.means);
  m.eigenvalues = copyToDevice(target.eigenvalues);
  m.basis = copyToDevice(target.basis);
  m.constants = std::make_unique<DeviceBuffer<double>>(kDevMaxStages * (target.K * d + target.K));
  m.state = std::make_unique<DeviceBuffer<unsigned char>>(n * d * m.elementBytes());
  m.staging = std::make_unique<DeviceBuffer<unsigned char>>(n * d * m.elementBytes());
  // Stage workspace for a chunk of particles.
  const size_t perParticle = particleWorkDoubles(d, target.K) * sizeof(double);
  size_t freeBytes = 0, totalBytes = 0;
  check(cudaMemGetInfo(&freeBytes, &totalBytes), "cudaMemGetInfo");
  const size_t budget = std::min<size_t>(freeBytes / 2, size_t(4) << 30);
  m.chunk = std::max<size_t>(1, std::min(n, budget / perParticle));
  m.work = std::make_unique<DeviceBuffer<double>>(m.chunk * (perParticle / sizeof(double)));
}

DeviceSampler::~DeviceSampler() = default;

void DeviceSampler::upload(const void* x) {
  Impl& m = *impl_;
  if (m.n * m.d == 0) return;
  check(cudaMemcpy(m.staging->get(), x, m.n * m.d * m.elementBytes(), cudaMemcpyHostToDevice), "copy particles to device");
  const int threads = 256, blocks = gridFor(m.n * m.d, threads);
  if (m.float32)
    toCoordinateMajor<<<blocks, threads>>>(reinterpret_cast<const float*>(m.staging->get()), reinterpret_cast<float*>(m.state->get()), m.n, m.d);
  else
    toCoordinateMajor<<<blocks, threads>>>(reinterpret_cast<const double*>(m.staging->get()), reinterpret_cast<double*>(m.state->get()), m.n, m.d);
  check(cudaGetLastError(), "transpose kernel launch");
}

void DeviceSampler::download(void* x) {
  Impl& m = *impl_;
  if (m.n * m.d == 0) return;
  const int threads = 256, blocks = gridFor(m.n * m.d, threads);
  if (m.float32)
    toRowMajor<<<blocks, threads>>>(reinterpret_cast<const float*>(m.state->get()), reinterpret_cast<float*>(m.staging->get()), m.n, m.d);
  else
    toRowMajor<<<blocks, threads>>>(reinterpret_cast<const double*>(m.state->get()), reinterpret_cast<double*>(m.staging->get()), m.n, m.d);
  check(cudaGetLastError(), "transpose kernel launch");
  check(cudaMemcpy(x, m.staging->get(), m.n * m.d * m.elementBytes(), cudaMemcpyDeviceToHost), "copy particles to host");
}

void DeviceSampler::step(const DevStep& s, const double* constants, size_t constantsLength) {
  Impl& m = *impl_;
  const double* deviceConstants = nullptr;
  if (constants && constantsLength > 0) {
    if (constantsLength > m.constants->size()) fail(ErrorCode::Internal, "too many stage constants");
    check(cudaMemcpy(m.constants->get(), constants, constantsLength * sizeof(double), cudaMemcpyHostToDevice), "copy stage constants");
    deviceConstants = m.constants->get();
  }
  const size_t constantsStride = m.target.K * m.d + m.target.K;
  const TargetView view = m.view();
  const int threads = 128;
  for (size_t first = 0; first < m.n; first += m.chunk) {
    const size_t count = std::min(m.chunk, m.n - first);
    const int blocks = static_cast<int>((count + threads - 1) / threads);
    if (m.float32)
      stepKernel<<<blocks, threads>>>(s, view, m.process, m.seed, m.first, reinterpret_cast<float*>(m.state->get()), m.n, m.work->get(),
                                      m.chunk, first, count, deviceConstants, constantsStride);
    else
      stepKernel<<<blocks, threads>>>(s, view, m.process, m.seed, m.first, reinterpret_cast<double*>(m.state->get()), m.n, m.work->get(),
                                      m.chunk, first, count, deviceConstants, constantsStride);
    check(cudaGetLastError(), "sampler step kernel launch");
  }
  check(cudaDeviceSynchronize(), "sampler step");
}

}  // namespace dw2::cuda
