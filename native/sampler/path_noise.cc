#include "sampler/path_noise.h"
#include <cmath>
#include <vector>
#include "core/errors.h"
#include "grid/grid.h"
#include "random/brownian_path.h"
#include "random/brownian_walker.h"
#include "random/noise.h"
#include "random/tree_pieces.h"
#include "random/philox_normal.h"
#include "sampler/noise_keys.h"

namespace dw2 {

namespace {

std::vector<double>& scratch(size_t size) {
  thread_local std::vector<double> buffer;
  if (buffer.size() < size) buffer.resize(size);
  return buffer;
}

// The step's (W, H) for rows first … first + rows − 1 (global particle indices).
void stepIncrements(const SamplerSetup& s, int k, uint64_t first, size_t rows, double* w, double* h) {
  if (!s.pathWalker) fail(ErrorCode::Internal, "noise 'path' without a walker");
  s.pathWalker->interval(k, static_cast<size_t>(first - s.pathWalker->firstParticle()), rows, w, h);
}

}  // namespace

GridClock gridKindClock(const Process& p, int kind, double T, double tEnd, double rho, uint64_t pieces) {
  GridClock c;
  std::function<double(double)> base, baseInverse;  // the kind's variable v ↦ t, and back (makeGrid's formulas)
  if (kind == static_cast<int>(GridKind::Karras)) {
    const double a = std::pow(p.varsigma(T), 1.0 / rho), b = std::pow(p.varsigma(tEnd), 1.0 / rho);
    base = [p, a, b, rho](double v) { return p.timeOfVarsigma(std::pow(a + v * (b - a), rho)); };
    baseInverse = [p, a, b, rho](double t) { return (std::pow(p.varsigma(t), 1.0 / rho) - a) / (b - a); };
  } else if (kind == static_cast<int>(GridKind::LogSnr)) {
    const double a = std::log(p.varsigma(T)), b = std::log(p.varsigma(tEnd));
    base = [p, a, b](double v) { return p.timeOfVarsigma(std::exp(a + v * (b - a))); };
    baseInverse = [p, a, b](double t) { return (std::log(p.varsigma(t)) - a) / (b - a); };
  } else if (kind == static_cast<int>(GridKind::Uniform) && pieces > 1) {
    base = [T, tEnd](double v) { return T + v * (tEnd - T); };
    baseInverse = [T, tEnd](double t) { return (T - t) / (T - tEnd); };
  } else {
    return c;  // the uniform tree on σ
  }
  const TreePieces P(pieces);
  c.t = [P, base, T, tEnd](double u) { return u <= 0 ? T : u >= 1 ? tEnd : base(P.fromTree(u)); };
  c.u = [P, baseInverse, T, tEnd](double t) { return t >= T ? 0.0 : t <= tEnd ? 1.0 : P.toTree(baseInverse(t)); };
  return c;
}

namespace {

// Only randomized schemes (their bridge) and local linearization (z_H) read the Lévy areas.
std::shared_ptr<BrownianWalker> withAreas(const SamplerSetup& s, std::shared_ptr<BrownianWalker> walker) {
  if (!s.scheme->randomized && !(s.scheme->usesHessian && !s.scheme->ode)) walker->skipAreas();
  return walker;
}

}  // namespace

std::shared_ptr<BrownianWalker> makePathWalker(const SamplerSetup& s) {
  const double T = s.grid.front();
  const size_t N = s.grid.size() - 1;
  const BrownianPath path{s.seed, T - s.grid.back()};
  // A grid of a kind: the tree on that kind's clock, the grid at u_k = k/N. The clock must reproduce
  // the grid (it does to ~1e-15 over every process, kind, ρ, t_end and layout tried); a run that fell
  // back to another tree would silently lose its coupling to runs on this one, so a mismatch fails.
  const TreePieces pieces(s.pathPieces);
  if (const TreeTime clock = gridKindClock(s.process, s.gridKind, T, s.grid.back(), s.gridRho, s.pathPieces).t) {
    std::vector<double> u(N + 1);
    for (size_t k = 0; k <= N; ++k) {
      u[k] = pieces.gridPoint(k, N);
      if (!(std::fabs(clock(u[k]) - s.grid[k]) <= 1e-12 * T))
        fail(ErrorCode::Internal, "path noise: the grid kind's clock does not reproduce grid time " + std::to_string(k) +
                                      " (" + std::to_string(s.grid[k]) + "); the run's Brownian tree is undefined");
    }
    return withAreas(s, std::make_shared<BrownianWalker>(path, clock, s.firstParticle, s.n, s.d, u));
  }
  // The uniform tree on σ = T − t: the same path for every such grid sharing T and t_end.
  std::vector<double> points(s.grid.size());
  for (size_t k = 0; k < s.grid.size(); ++k) points[k] = T - s.grid[k];
  return withAreas(s, std::make_shared<BrownianWalker>(path, s.firstParticle, s.n, s.d, points));
}

void stepNoiseBlock(const SamplerSetup& s, int k, int noises, bool randomized, uint64_t first, size_t rows, double* noise, size_t slotStride) {
  const size_t d = s.d;
  if (!s.pathNoise) {
    for (int l = 0; l < noises; ++l)
      normalBlock(NoiseKey{s.seed, static_cast<uint32_t>(k), static_cast<uint32_t>(l)}, first, rows, d, noise + static_cast<size_t>(l) * slotStride);
    return;
  }
  if (noises == 0) return;
  if (!randomized && noises > 1) fail(ErrorCode::Unsupported, "noise 'path': a scheme that draws several noise vectors per step has no path coupling defined");
  const double h = s.grid[k] - s.grid[k + 1];
  std::vector<double>& area = scratch(rows * d);
  double* w = noise;  // slot 0 receives ΔW, then is scaled in place
  stepIncrements(s, k, first, rows, w, area.data());
  if (!randomized) {
    const double scale = 1.0 / std::sqrt(h);
    for (size_t q = 0; q < rows * d; ++q) w[q] *= scale;
    return;
  }
  double* second = noise + slotStride;
  // The bridge normals, keyed (particle, coordinate, step, kBrownianPathStepStage), drawn for the
  // block at once (vectorized over particles), into slot 1 before it is overwritten lane by lane.
  normalBlock(NoiseKey{s.seed, static_cast<uint32_t>(k), kBrownianPathStepStage}, first, rows, d, second);
  for (size_t r = 0; r < rows; ++r) {
    const uint64_t particle = first + r;
    const double u = randomizedTime(s.seed, particle, static_cast<uint32_t>(k));
    const double s1 = 1.0 / std::sqrt(u * h), s2 = 1.0 / std::sqrt((1.0 - u) * h);
    for (size_t j = 0; j < d; ++j) {
      const size_t q = r * d + j;
      const double left = bridgeIncrementAt({w[q], area[q]}, h, u, second[q]);
      second[q] = (w[q] - left) * s2;
      w[q] = left * s1;
    }
  }
}

void localLinearizationNoise(const SamplerSetup& s, int k, uint64_t particle, double* zW, double* zH, double* xi) {
  const size_t d = s.d;
  const uint32_t step = static_cast<uint32_t>(k);
  if (xi) normalRow(NoiseKey{s.seed, step, kLocalLinearizationStageFresh}, particle, d, xi);
  if (!s.pathNoise) {
    if (zW) normalRow(NoiseKey{s.seed, step, kLocalLinearizationStageW}, particle, d, zW);
    if (zH) normalRow(NoiseKey{s.seed, step, kLocalLinearizationStageH}, particle, d, zH);
    return;
  }
  if (!zW && !zH) return;
  const double h = s.grid[k] - s.grid[k + 1];
  std::vector<double>& buf = scratch(2 * d);
  stepIncrements(s, k, particle, 1, buf.data(), buf.data() + d);
  const double sw = 1.0 / std::sqrt(h), sh = std::sqrt(12.0 / h);
  for (size_t j = 0; j < d; ++j) {
    if (zW) zW[j] = buf[j] * sw;
    if (zH) zH[j] = buf[d + j] * sh;
  }
}

}  // namespace dw2
