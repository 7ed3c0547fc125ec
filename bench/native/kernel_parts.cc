// The parts of a Gaussian-mixture sampler step, timed alone on one thread with their data in
// cache: the normals of a noise block (the fused executor's normalBlock call: Philox words, then
// Box–Muller and the transposes into rows), the Philox words alone, and the batched score of
// 32 rows (diagonal and full covariances). Best of many repetitions; nanoseconds per particle
// (one row of d coordinates). bench/sampler.ts subtracts these from the measured step to show
// what the rest costs and the ratio the two parts alone would allow. The mixtures are those of
// bench/mixture-fixture.ts (same formulas).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include "process/process.h"
#include "random/noise.h"
#include "random/philox_lanes.h"
#include "runtime/simd.h"
#include "targets/targets.h"

using namespace dw2;

namespace {

// Best time of `reps` rounds of `inner` calls, seconds per call.
template <class F>
double bestSeconds(F f, int reps, int inner) {
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < inner; ++i) f(i);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / inner;
    if (s < best) best = s;
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t d = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 16, K = 8, rows = 32;
  const int reps = 15, inner = 4000;
  std::vector<double> weights(K, 1.0 / double(K)), means(K * d), variances(K * d), covariances(K * d * d);
  for (size_t k = 0; k < K; ++k)
    for (size_t j = 0; j < d; ++j) {
      means[k * d + j] = std::sin(double(7 * k + j));
      variances[k * d + j] = 0.1 + 0.05 * double((k + j) % 5);
    }
  for (size_t k = 0; k < K; ++k)
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j) {
        double c = 0.0;
        for (size_t l = 0; l < d; ++l) c += std::sin(double(3 * k + 5 * i + 7 * l)) * std::sin(double(3 * k + 5 * j + 7 * l));
        covariances[(k * d + i) * d + j] = c * 0.3 / double(d) + (i == j ? variances[k * d + i] : 0.0);
      }
  const Process p = makeProcess("vp", NAN, NAN, NAN, NAN);
  std::vector<double> x(rows * d), s(rows * d);
  for (size_t q = 0; q < x.size(); ++q) x[q] = std::sin(0.37 * double(q));

  std::vector<double> z(rows * d);
  const double normals = bestSeconds([&](int i) { normalBlock(NoiseKey{7, uint32_t(i), 0}, 1000 + rows * uint64_t(i & 63), rows, d, z.data()); }, reps, inner);
  // The words normalBlock draws: (d + 1) / 2 counters for each of the rows.
  const size_t pairs = (d + 1) / 2, lanes = 16;
  std::vector<uint32_t> words(4 * 8 * lanes);
  const double philox = bestSeconds(
      [&](int i) {
        for (size_t r = 0; r < rows; r += lanes)
          for (size_t p0 = 0; p0 < pairs; p0 += 8)
            philoxLanes(7, uint32_t(p0), std::min<size_t>(8, pairs - p0), 1000 + r, uint32_t(i), 0, words.data(), 8 * lanes);
      },
      reps, inner);
  std::printf("path %s\n", simdPath());
  std::printf("normals %.3f\nphilox %.3f\n", normals * 1e9 / rows, philox * 1e9 / rows);
  for (const char* kind : {"diagonal", "full"}) {
    const bool diag = kind[0] == 'd';
    const auto target = makeGaussianMixtureTarget(K, d, weights.data(), means.data(), diag ? nullptr : covariances.data(), diag ? variances.data() : nullptr);
    std::vector<double> scratch(target->batchScratchSize());
    // Times alternate between two values, as consecutive steps of a run would not share one.
    const double score = bestSeconds([&](int i) { target->scoreBatch(p, 0.5 + 0.25 * (i & 1), x.data(), rows, d, s.data(), scratch.data()); }, reps, inner);
    std::printf("score-%s %.3f\n", kind, score * 1e9 / rows);
  }
  return 0;
}
