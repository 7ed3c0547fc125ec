// Prints a fingerprint (FNV-1a of the output bytes) of every SIMD-dispatched kernel family: the
// noise (both dtypes, odd and even d) and full sampler runs on diagonal and full-covariance
// mixtures and an empirical target (both dtypes), and local linearization's Krylov route, whose
// lanes hold eight particles (diagonal mixture: structured summaries; full: dense ones). run.sh runs it natively and under valgrind,
// whose CPU has no AVX-512, so the AVX2 clones run there: the fingerprints must be equal.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>
#include "grid/grid.h"
#include "random/noise.h"
#include "runtime/simd.h"
#include "sampler/run_sampler.h"
#include "targets/targets.h"

using namespace dw2;

static uint64_t fnv(const void* data, size_t bytes, uint64_t h = 1469598103934665603ULL) {
  const unsigned char* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 1099511628211ULL;
  return h;
}

template <class T>
static uint64_t sampleFingerprint(const Target& target, Scheme scheme, size_t n, HessianRoute hessian = HessianRoute::Auto) {
  SamplerSetup s;
  s.scheme = scheme;
  s.hessian = hessian;
  s.process = makeProcess("vp", NAN, NAN, NAN, NAN);
  s.grid = makeGrid(s.process, GridKind::Uniform, 5, s.process.T, defaultTEnd(s.process), 7.0);
  s.seed = 17;
  s.firstParticle = 3;
  s.n = n;
  s.d = target.dim();
  s.scoreDefinedAtZero = target.scoreDefinedAtZero();
  std::vector<T> x(n * s.d);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<T>(std::sin(0.37 * double(i)));
  SamplerIo<T> io;
  io.x = x.data();
  SamplerStats stats;
  runSampler<T>(s, &target, nullptr, io, noProgress(), stats);
  return fnv(x.data(), x.size() * sizeof(T));
}

int main() {
  std::printf("path %s\n", simdPath());
  for (size_t d : {7, 16}) {
    std::vector<double> z64(333 * d);
    std::vector<float> z32(333 * d);
    fillNormals(NoiseKey{5, 2, 1}, 11, 333, d, z64.data());
    fillNormals(NoiseKey{5, 2, 1}, 11, 333, d, z32.data());
    std::printf("normals d=%zu %016llx %016llx\n", d, (unsigned long long)fnv(z64.data(), z64.size() * 8),
                (unsigned long long)fnv(z32.data(), z32.size() * 4));
  }
  const size_t K = 5, d = 9, m = 150;
  std::vector<double> w(K, 1.0 / K), means(K * d), vars(K * d), covs(K * d * d), points(m * d);
  for (size_t i = 0; i < K * d; ++i) { means[i] = 2 * std::sin(1.7 * double(i)); vars[i] = 0.2 + 0.1 * double(i % 4); }
  for (size_t k = 0; k < K; ++k)
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j) {
        double c = 0;
        for (size_t l = 0; l < d; ++l) c += std::sin(double(k + 3 * i + 7 * l)) * std::sin(double(k + 3 * j + 7 * l));
        covs[(k * d + i) * d + j] = c / double(d) + (i == j ? 0.1 : 0.0);
      }
  for (size_t i = 0; i < m * d; ++i) points[i] = std::cos(0.91 * double(i));
  const auto diagonal = makeGaussianMixtureTarget(K, d, w.data(), means.data(), nullptr, vars.data());
  const auto full = makeGaussianMixtureTarget(K, d, w.data(), means.data(), covs.data(), nullptr);
  const auto empirical = makeEmpiricalTarget(m, d, points.data());
  // n = 77: blocks of 32, 32 and 13 rows (the 32-row kernels); n = 5: the 8-row kernels; the
  // randomized scheme scores its per-particle times one row at a time (the one-row kernels).
  for (const auto& [name, target] : {std::pair{"diagonal", diagonal}, std::pair{"full", full}, std::pair{"empirical", empirical}})
    for (Scheme scheme : {parseScheme("euler-maruyama"), parseScheme("heun"), parseScheme("randomized-midpoint")})
      for (size_t n : {77, 5})
        std::printf("%s scheme=%s n=%zu %016llx %016llx\n", name, scheme->name, n, (unsigned long long)sampleFingerprint<double>(*target, scheme, n),
                    (unsigned long long)sampleFingerprint<float>(*target, scheme, n));
  for (const auto& [name, target] : {std::pair{"diagonal", diagonal}, std::pair{"full", full}})
    for (Scheme scheme : {parseScheme("local-linearization"), parseScheme("local-linearization-ode")})
      for (size_t n : {21, 5})
        std::printf("%s scheme=%s krylov n=%zu %016llx %016llx\n", name, scheme->name, n,
                    (unsigned long long)sampleFingerprint<double>(*target, scheme, n, HessianRoute::Krylov),
                    (unsigned long long)sampleFingerprint<float>(*target, scheme, n, HessianRoute::Krylov));
  return 0;
}
