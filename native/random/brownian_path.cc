#include "random/brownian_path.h"
#include <cmath>
#include <vector>
#include "core/errors.h"
#include "random/brownian_walker.h"
#include "random/philox_normal.h"

namespace dw2 {

namespace {

// The exact conditional law of the left piece [0, x·len] given (W, H) of [0, len]
// (q = x³ + (1 − x)³ ≥ ¼; conditional Var(H_left) = (len x/12)(1 − x³)).
inline LevyIncrement leftPieceLaw(double W, double H, double len, double x, double z1, double z2) {
  const double y = 1.0 - x, q = 1.0 - 3.0 * x + 3.0 * x * x;
  LevyIncrement p;
  p.w = x * W + 6.0 * x * y * H + std::sqrt(len * x * y * q) * z1;
  p.h = x * x * H - 0.5 * std::sqrt(len * y / q) * x * x * std::sqrt(x) * z1 + std::sqrt(len * x * y * y * y / (12.0 * q)) * z2;
  return p;
}

inline double pieceIntegral(double w, double h, double len) { return len * (h + 0.5 * w); }

}  // namespace

NormalPairLite pathNodeNormals(uint64_t seed, uint64_t particle, uint32_t coordinate, uint32_t node, uint32_t stage) {
  const NormalPair z = normalPair(seed, particle, node, stage, coordinate);
  return {z.first, z.second};
}

PathPoint pathPoint(const BrownianPath& path, double sigma) { return pathPointAt(sigma / path.span); }

PathPoint pathPointAt(double treeTime) {
  const double u = std::ldexp(treeTime, kBrownianPathDepth);
  double whole = std::floor(u), x = u - whole;
  // Grid times carry round-off: a point within 1e-7 leaf of a boundary is that boundary.
  if (x > 1.0 - 1e-7) {
    whole += 1.0;
    x = 0.0;
  } else if (x < 1e-7) {
    x = 0.0;
  }
  return {static_cast<uint64_t>(whole), x};
}

void splitLevyAt(LevyIncrement whole, double len, double x, double z1, double z2, LevyIncrement& left, LevyIncrement& right) {
  const double len1 = x * len, len2 = len - len1;
  const double J = pieceIntegral(whole.w, whole.h, len);
  if (x <= 0.5) {
    left = leftPieceLaw(whole.w, whole.h, len, x, z1, z2);
    right.w = whole.w - left.w;
    // J = J₁ + J₂ + len₂·W₁ (the joining identity in integral form)
    const double J2 = J - pieceIntegral(left.w, left.h, len1) - len2 * left.w;
    right.h = J2 / len2 - 0.5 * right.w;
  } else {
    // Time reversal maps (W, H) to (−W, H) and the right piece to a left piece of fraction 1 − x.
    const LevyIncrement r = leftPieceLaw(-whole.w, whole.h, len, 1.0 - x, z1, z2);
    right.w = -r.w;
    right.h = r.h;
    left.w = whole.w - right.w;
    const double J1 = J - pieceIntegral(right.w, right.h, len2) - len2 * left.w;
    left.h = J1 / len1 - 0.5 * left.w;
  }
}

double bridgeIncrementAt(LevyIncrement whole, double len, double x, double z) {
  const double y = 1.0 - x, q = 1.0 - 3.0 * x + 3.0 * x * x;
  return x * whole.w + 6.0 * x * y * whole.h + std::sqrt(len * x * y * q) * z;
}

namespace {

// The walker's points are {0, a, b} (or {0, b}): (W, H) of the last interval, walking past [0, a].
void lastInterval(BrownianWalker& walker, bool skipFirst, size_t rows, size_t d, double* w, double* h) {
  if (skipFirst) {
    std::vector<double> skipW(rows * d), skipH(rows * d);
    walker.interval(0, 0, rows, skipW.data(), skipH.data());
  }
  walker.interval(skipFirst ? 1 : 0, 0, rows, w, h);
}

}  // namespace

void brownianIncrementBlock(const BrownianPath& path, uint64_t first, size_t rows, size_t d, double a, double b, double* w, double* h) {
  if (!(a >= 0 && a < b && b <= path.span)) fail(ErrorCode::InvalidArgument, "Brownian path: need 0 <= a < b <= span");
  std::vector<double> points = {0.0};
  if (a > 0) points.push_back(a);
  points.push_back(b);
  BrownianWalker walker(path, first, rows, d, points);
  lastInterval(walker, a > 0, rows, d, w, h);
}

void brownianIncrementBlock(const BrownianPath& path, const TreeTime& clock, const std::function<double(double)>& treeTimeOf, uint64_t first, size_t rows,
                            size_t d, double a, double b, double* w, double* h) {
  if (!clock) return brownianIncrementBlock(path, first, rows, d, a, b, w, h);
  if (!(a >= 0 && a < b && b <= path.span)) fail(ErrorCode::InvalidArgument, "Brownian path: need 0 <= a < b <= span");
  const double T = clock(0.0);
  std::vector<double> u = {0.0};
  if (a > 0) u.push_back(treeTimeOf(T - a));
  u.push_back(b == path.span ? 1.0 : treeTimeOf(T - b));
  BrownianWalker walker(path, clock, first, rows, d, u);
  lastInterval(walker, a > 0, rows, d, w, h);
}

LevyIncrement brownianIncrement(const BrownianPath& path, uint64_t particle, uint64_t coordinate, double a, double b) {
  std::vector<double> w(coordinate + 1), h(coordinate + 1);
  brownianIncrementBlock(path, particle, 1, coordinate + 1, a, b, w.data(), h.data());
  return {w[coordinate], h[coordinate]};
}

}  // namespace dw2
