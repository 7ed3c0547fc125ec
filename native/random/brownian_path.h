// A Brownian path with space-time Lévy area, one per (seed, particle, coordinate), as a pure
// function: no storage, any increment in O(depth) Philox draws, bit-identical across threads,
// batch splits and dtypes (the same arithmetic in the same order for every lane).
//
// The path W lives on [0, span]. Over an interval [a, b] of length h it reports the increment
// W = W_b − W_a and the space-time Lévy area H = (1/h) ∫_a^b (W_u − W_a − ((u − a)/h) W) du
// = ∫_a^b (½ − (u − a)/h) dW_u, with H ~ N(0, h/12) independent of W (Foster, Lyons &
// Oberhauser 2020, "An optimal polynomial approximation of Brownian motion", §2; the same H as
// diffrax's SpaceTimeLevyArea).
//
// Construction (docs/brownian-path.md): a dyadic tree on [0, span]. The root's (W, H)
// are drawn directly; a node's (W, H) are split into its two halves' with two fresh normals
// (z₁, z₂) keyed by the node, by the exact conditional law (Foster et al., Thm 2.5 / diffrax's
// VirtualBrownianTree with space-time Lévy area):
//   W_l = W/2 + 3H/2 + (√h/4) z₁,               W_r = W − W_l,
//   H_l = H/4 − (√h/8) z₁ + (√h/√48) z₂,        H_r = H/4 − (√h/8) z₁ − (√h/√48) z₂.
// A point that is a node boundary (a dyadic point; points within 1e-7 of a leaf of one are
// snapped to it) needs no more; a point inside a leaf (depth kBrownianPathDepth, length
// span·2⁻²⁰) is bridged exactly from the leaf's (W, H) with the leaf's own two normals
// (splitLevyAt). So any set of points with at most one per leaf has the exact joint law; the
// sampler refuses grids with two points in one leaf. The tree may also live on a clock (TreeTime
// below: a grid kind's own variable), where nodes split at their clock fraction by the same exact
// law a leaf uses.
//
// Increments are computed by a walker (random/brownian_walker.h) that keeps the frontier of
// unused nodes right of its current point: a run of N steps costs O(N + (#non-dyadic points)·depth)
// draws per lane instead of O(N·depth).
//
// Philox counters (random/philox_normal.h): (coordinate, particle, node, stage) with the node's
// heap index 2^level + index and stages ≥ kBrownianPathStage, which per-step noise (stage <
// 0x100), the randomized schemes' uniforms (0x80) and the prior never use.
#pragma once
#include <cstddef>
#include <cmath>
#include <cstdint>
#include <functional>

namespace dw2 {

constexpr int kBrownianPathDepth = 20;
constexpr uint32_t kBrownianPathStage = 0xB7A00000u;      // node splits (and the root, node 1)
constexpr uint32_t kBrownianPathRootStage = 0xB7A00001u;  // the root's own (W, H)
constexpr uint32_t kBrownianPathLeafStage = 0xB7A00002u;  // bridging a point inside a leaf
constexpr uint32_t kBrownianPathStepStage = 0xB7A00003u;  // a sampler step's own interior point

struct NormalPairLite {
  double z1, z2;
};

struct LevyIncrement {
  double w;  // W_b − W_a
  double h;  // space-time Lévy area H over [a, b]
};

struct BrownianPath {
  uint64_t seed;
  double span;  // the path lives on [0, span]
};

// A point of [0, span] in leaf units: leaf index and fraction inside it (0 = the leaf's start).
struct PathPoint {
  uint64_t leaf;
  double x;
};
PathPoint pathPoint(const BrownianPath& path, double sigma);
// The same for a tree time u ∈ [0, 1] (σ = u·span on the uniform tree).
PathPoint pathPointAt(double u);

// The tree on a clock: node boundaries at dyadic tree times u ∈ [0, 1] sit at process time t(u),
// decreasing from t(0) = T to t(1) = t_end (σ = T − t); a node's length is t(a) − t(b) and it
// splits at t(mid) by the exact law at that fraction (splitLevyAt). A grid that is uniform in u
// (a grid kind's own variable: u_k = k/N) with N a power of two then lies on tree nodes. An empty
// function is the uniform tree (σ = u·span).
using TreeTime = std::function<double(double)>;

// The two normals of a tree node (heap index 2^level + index) for one lane.
NormalPairLite pathNodeNormals(uint64_t seed, uint64_t particle, uint32_t coordinate, uint32_t node, uint32_t stage);

// Splits (W, H) of an interval of length len at the point x·len (0 ≤ x ≤ 1) by the exact
// conditional law, with z₁, z₂ ~ N(0, 1): returns the left piece; the right piece is
// W − left.w, and its area follows from joinLevy. For x > ½ the construction is time-reversed
// ((W, H) → (−W, H), x → 1 − x) so that the piece computed directly is never the longer one.
void splitLevyAt(LevyIncrement whole, double len, double x, double z1, double z2, LevyIncrement& left, LevyIncrement& right);

// W over [0, x·len] given (W, H) of [0, len]; one normal z (the W part of splitLevyAt, x ≤ ½ form
// for every x: a sampler step's interior point, where only the increment is needed).
double bridgeIncrementAt(LevyIncrement whole, double len, double x, double z);

// A node's children from its (W, H), its length and its two normals.
inline void splitNode(double W, double H, double len, double z1, double z2, double& wl, double& hl, double& wr, double& hr) {
  const double r = std::sqrt(len);
  wl = 0.5 * W + 1.5 * H + 0.25 * r * z1;
  wr = W - wl;
  const double common = 0.25 * H - 0.125 * r * z1, spread = r * 0.14433756729740644113 * z2;  // 1/√48
  hl = common + spread;
  hr = common - spread;
}

// (W, H) of [a, b] for one particle and coordinate (0 ≤ a < b ≤ span); a and b must not lie
// inside one leaf (INVALID_ARGUMENT).
LevyIncrement brownianIncrement(const BrownianPath& path, uint64_t particle, uint64_t coordinate, double a, double b);

// (W, H) of [a, b] for particles first … first + rows − 1 and coordinates 0 … d − 1 into
// w, h (rows × d, row-major): the same numbers as brownianIncrement, vectorized over lanes.
void brownianIncrementBlock(const BrownianPath& path, uint64_t first, size_t rows, size_t d, double a, double b, double* w, double* h);

// The same on the tree of a clock (TreeTime; treeTimeOf: its inverse, process time → u), for the
// σ-interval [a, b] (σ = T − t; span = T − t_end).
void brownianIncrementBlock(const BrownianPath& path, const TreeTime& clock, const std::function<double(double)>& treeTimeOf, uint64_t first, size_t rows,
                            size_t d, double a, double b, double* w, double* h);

}  // namespace dw2
