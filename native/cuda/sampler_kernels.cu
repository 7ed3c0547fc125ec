// The fused sampler step on the GPU (see sampler_kernels.h). Every formula mirrors the CPU
// operation by operation, in the same order, compiled with -fmad=false:
//   combinations  — sampler/combination.cc (applyCombination: first term a·x, then += a·x)
//   executor      — sampler/plan_executor.cc (executePlanFused: R₀ = x, R_j, S_j, output)
//   scores        — targets/gaussian_target.cc, targets/gaussian_mixture_target.cc,
//                   targets/gaussian_components.cc, targets/basis_kernels.cc, targets/softmax.h
//   randomized    — schemes/randomized_plans.h and process/process_coefficients.h: the CPU's own
//                   inline code, compiled here (u from sampler/noise_keys.h)
// Noise comes from random/philox_normal.h (bit-identical to the CPU). Only the randomized schemes'
// τ-dependent values (exp/expm1/log of the device's libm) can differ from the CPU in the last bit.
#include <algorithm>
#include <cmath>
#include "cuda/cuda_check.h"
#include "cuda/device.h"
#include "cuda/sampler_kernels.h"
#include "random/deterministic_math.h"
#include "random/philox_normal.h"

// Host and device: the per-particle step also runs on the host in emulation checks of these
// transcriptions against the CPU sampler (no GPU needed); the kernels call the same code.
#define DW2_SK __host__ __device__

namespace dw2::cuda {

namespace {

constexpr double kLog2Pi = 1.8378770664093453;  // targets/gaussian_components.cc
constexpr uint32_t kUniformStageDev = 0x80u;    // sampler/noise_keys.h kUniformStage

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

// u ∈ (0, 1) of (seed, particle, step): sampler/noise_keys.h randomizedTime.
DW2_SK inline double randomizedTimeDev(uint64_t seed, uint64_t particle, uint32_t step) {
  auto r = philoxRaw(seed, 0u, static_cast<uint32_t>(particle), step, kUniformStageDev);
  return uniformOpen(r.v[0], r.v[1]);
}

// Fills input[1], output and τ for one particle.
DW2_SK void particlePlan(const DevStep& st, const ProcessParams& p, double u, DevCombination& in1, DevCombination& out, double& tau) {
  Combination xm, o;
  tau = randomizedPlan(st.randomized, p, st.ends, u, xm, o);
  compile(xm, 2, 2, in1);
  compile(o, 2, 2, out);
}

// ---------------------------------------------------------------------------------------------
// Scores. Vectors are coordinate-major: element c of a particle's vector at v[c * stride].

struct TargetView {
  int mixture, diagonal;
  size_t K, d;
  const double *logWeights, *means, *eigenvalues, *basis;
};

// α, σ² at the stage time, and the mixture's per-time constants (null: computed here, for
// per-particle times, exactly as GaussianComponents::timeConstants does).
struct Scales {
  double alpha, sigma2;
  const double* inverseEll;
  const double* logNormaliser;
};

// gaussian_target.cc: ŷ = basis·(x − αμ), ŝ = −ŷ/(α²λ + σ²), s = basisᵀ ŝ.
DW2_SK void gaussianScore(const TargetView& tg, const Scales& m, const double* x, double* s, size_t st) {
  const size_t d = tg.d;
  const double a2 = m.alpha * m.alpha;
  const double *mu = tg.means, *lambda = tg.eigenvalues;
  if (tg.diagonal) {
    for (size_t c = 0; c < d; ++c) {
      const double y = x[c * st] - m.alpha * mu[c];
      s[c * st] = -y / (a2 * lambda[c] + m.sigma2);
    }
    return;
  }
  for (size_t c = 0; c < d; ++c) s[c * st] = 0.0;
  for (size_t j = 0; j < d; ++j) {
    const double* row = tg.basis + j * d;
    double acc = 0.0;
    for (size_t i = 0; i < d; ++i) acc += row[i] * (x[i * st] - m.alpha * mu[i]);
    const double shat = -acc / (a2 * lambda[j] + m.sigma2);
    for (size_t i = 0; i < d; ++i) s[i * st] += shat * row[i];
  }
}

DW2_SK inline double inverseEllAt(const TargetView& tg, const Scales& m, double a2, size_t k, size_t j) {
  return m.inverseEll ? m.inverseEll[k * tg.d + j] : 1.0 / (a2 * tg.eigenvalues[k * tg.d + j] + m.sigma2);
}

// gaussian_mixture_target.cc componentScores / diagonalComponentScores, softmax.h.
DW2_SK void mixtureScore(const TargetView& tg, const Scales& m, const double* x, double* s, double* tmp, double* logits,
                             size_t st) {
  const size_t d = tg.d, K = tg.K;
  const double a2 = m.alpha * m.alpha;
  for (size_t k = 0; k < K; ++k) {
    const double* mu = tg.means + k * d;
    const double* lambda = tg.eigenvalues + k * d;
    double quadratic = 0.0, logDet = 0.0;
    for (size_t j = 0; j < d; ++j) {
      double y;
      if (tg.diagonal) {
        y = x[j * st] - m.alpha * mu[j];
      } else {
        const double* row = tg.basis + (k * d + j) * d;
        y = 0.0;
        for (size_t i = 0; i < d; ++i) y += row[i] * (x[i * st] - m.alpha * mu[i]);
      }
      const double inv = inverseEllAt(tg, m, a2, k, j);
      if (!m.inverseEll) logDet += log(a2 * lambda[j] + m.sigma2);
      const double sj = -y * inv;
      quadratic -= y * sj;
    }
    const double logNormaliser = m.logNormaliser ? m.logNormaliser[k] : -0.5 * (logDet + double(d) * kLog2Pi);
    logits[k * st] = tg.diagonal ? (tg.logWeights[k] + -0.5 * quadratic) + logNormaliser
                                 : tg.logWeights[k] + (logNormaliser - 0.5 * quadratic);
  }
  // softmaxInPlace
  double top = -INFINITY;
  for (size_t k = 0; k < K; ++k) top = logits[k * st] > top ? logits[k * st] : top;
  for (size_t k = 0; k < K; ++k) logits[k * st] = deterministicExp(logits[k * st] - top);
  double sum = 0.0;
  for (size_t k = 0; k < K; ++k) sum += logits[k * st];
  const double invSum = 1.0 / sum;
  for (size_t k = 0; k < K; ++k) logits[k * st] *= invSum;
  // s = Σ r_k s_k (component scores recomputed: the same operations give the same values).
  for (size_t c = 0; c < d; ++c) s[c * st] = 0.0;
  for (size_t k = 0; k < K; ++k) {
    const double r = logits[k * st];
    const double* mu = tg.means + k * d;
    if (tg.diagonal) {
      for (size_t c = 0; c < d; ++c) {
        const double y = x[c * st] - m.alpha * mu[c];
        const double sk = -y * inverseEllAt(tg, m, a2, k, c);
        s[c * st] += r * sk;
      }
      continue;
    }
    if (r == 0) continue;
    for (size_t c = 0; c < d; ++c) tmp[c * st] = 0.0;
    for (size_t j = 0; j < d; ++j) {
      const double* row = tg.basis + (k * d + j) * d;
      double y = 0.0;
      for (size_t i = 0; i < d; ++i) y += row[i] * (x[i * st] - m.alpha * mu[i]);
      const double shat = -y * inverseEllAt(tg, m, a2, k, j);
      for (size_t i = 0; i < d; ++i) tmp[i * st] += shat * row[i];
    }
    for (size_t c = 0; c < d; ++c) s[c * st] += r * tmp[c * st];
  }
}

// ---------------------------------------------------------------------------------------------
// The fused step: one thread per particle.

struct Rows {
  size_t stride;  // chunk capacity: element c of a work vector at c * stride
  double* reg[kDevMaxStages];
  double* score[kDevMaxStages];
  double* tmp;
  double* logits;
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
  const size_t row = chunkFirst + i, d = tg.d;
  const uint64_t particle = firstParticle + row;
  Rows r;
  r.stride = stride;
  for (int j = 0; j < kDevMaxStages; ++j) {
    r.reg[j] = work + size_t(j) * d * stride + i;
    r.score[j] = work + size_t(kDevMaxStages + j) * d * stride + i;
  }
  r.tmp = work + size_t(2 * kDevMaxStages) * d * stride + i;
  r.logits = work + size_t(2 * kDevMaxStages + 1) * d * stride + i;
  T* x = state + row;  // coordinate c at x[c * n]

  DevCombination localInput, localOutput;
  double tau = 0.0;
  const bool randomized = st.randomized != RandomizedRule::None;
  if (randomized) particlePlan(st, proc, randomizedTimeDev(seed, particle, st.k), localInput, localOutput, tau);

  for (size_t c = 0; c < d; ++c) r.reg[0][c * stride] = static_cast<double>(x[c * n]);
  for (int j = 0; j < st.stages; ++j) {
    if (j > 0) applyCombination(randomized ? localInput : st.input[j], r, d, seed, particle, st.k, r.reg[j], stride);
    Scales m;
    if (randomized && j > 0) {
      m = Scales{coefficients::alpha(proc, tau), coefficients::sigma2(proc, tau), nullptr, nullptr};
    } else {
      const double* c = constants ? constants + size_t(j) * constantsStride : nullptr;
      m = Scales{st.alpha[j], st.sigma2[j], c, c ? c + tg.K * d : nullptr};
    }
    if (tg.mixture) mixtureScore(tg, m, r.reg[j], r.score[j], r.tmp, r.logits, stride);
    else gaussianScore(tg, m, r.reg[j], r.score[j], stride);
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
    return TargetView{target.mixture ? 1 : 0, target.diagonal ? 1 : 0, target.K, target.d, logWeights->get(), means->get(),
                      eigenvalues->get(), basis->get()};
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
  // Stage workspace for a chunk of particles: registers, scores, one more d-vector, K logits.
  const size_t perParticle = (size_t(2 * kDevMaxStages + 1) * d + target.K) * sizeof(double);
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
