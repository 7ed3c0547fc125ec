#include "random/brownian_path.h"
#include <algorithm>
#include <cmath>
#include "random/philox_normal.h"

namespace dw2 {

namespace {

constexpr double kInvSqrt12 = 0.28867513459481288225;  // 1/√12
constexpr double kInvSqrt48 = 0.14433756729740644113;  // 1/√48

// The exact conditional law of the left piece [0, x·len] given (W, H) of [0, len]
// (q = x³ + (1 − x)³ ≥ ¼; conditional Var(H_left) = (len x/12)(1 − x³)).
inline LevyIncrement leftPieceLaw(double W, double H, double len, double x, double z1, double z2) {
  const double y = 1.0 - x, q = 1.0 - 3.0 * x + 3.0 * x * x;
  LevyIncrement p;
  p.w = x * W + 6.0 * x * y * H + std::sqrt(len * x * y * q) * z1;
  p.h = x * x * H - 0.5 * std::sqrt(len * y / q) * x * x * std::sqrt(x) * z1 + std::sqrt(len * x * y * y * y / (12.0 * q)) * z2;
  return p;
}

// ∫ over a piece of (W_u − W_start) du = len (H + W/2): the "J" of a piece.
inline double pieceIntegral(double w, double h, double len) { return len * (h + 0.5 * w); }

// A node's children from (W, H) and its two normals (midpoint split, exact).
inline void splitNode(double W, double H, double len, double z1, double z2, double& wl, double& hl, double& wr, double& hr) {
  const double r = std::sqrt(len);
  wl = 0.5 * W + 1.5 * H + 0.25 * r * z1;
  wr = W - wl;
  const double common = 0.25 * H - 0.125 * r * z1, spread = r * kInvSqrt48 * z2;
  hl = common + spread;
  hr = common - spread;
}

// Lanes processed together (one Philox call per lane and tree level).
constexpr size_t kChunk = 64;

// The descent state of a chunk of lanes: every lane follows the same nodes (the walk depends
// on a, b only), so each loop below is uniform over lanes.
struct Lanes {
  size_t count;
  uint64_t particle[kChunk];
  uint32_t coordinate[kChunk];
  double nodeW[kChunk], nodeH[kChunk];  // the current node's (W, H)
  double segW[kChunk], segJ[kChunk];    // the accumulated piece: its increment and ∫(W_u − W_start) du
};

struct Node {
  int level = 0;
  uint64_t index = 0;
  double start(double span) const { return span * std::ldexp(static_cast<double>(index), -level); }
  double length(double span) const { return std::ldexp(span, -level); }
  uint32_t heap() const { return static_cast<uint32_t>((uint64_t(1) << level) | index); }
};

inline NormalPair draw(uint64_t seed, const Lanes& L, size_t i, uint32_t node, uint32_t stage) {
  return normalPair(seed, L.particle[i], node, stage, L.coordinate[i]);
}

void rootValues(const BrownianPath& path, Lanes& L) {
  const double r = std::sqrt(path.span);
  for (size_t i = 0; i < L.count; ++i) {
    const NormalPair z = draw(path.seed, L, i, 1u, kBrownianPathRootStage);
    L.nodeW[i] = r * z.first;
    L.nodeH[i] = r * kInvSqrt12 * z.second;
  }
}

// Moves every lane from `node` to its left (right = false) or right child; when `keepOther`,
// the other child's (W, J) go to (otherW, otherJ).
void descend(const BrownianPath& path, Lanes& L, Node& node, bool right, double* otherW = nullptr, double* otherJ = nullptr) {
  const double len = node.length(path.span), half = 0.5 * len;
  for (size_t i = 0; i < L.count; ++i) {
    const NormalPair z = draw(path.seed, L, i, node.heap(), kBrownianPathStage);
    double wl, hl, wr, hr;
    splitNode(L.nodeW[i], L.nodeH[i], len, z.first, z.second, wl, hl, wr, hr);
    L.nodeW[i] = right ? wr : wl;
    L.nodeH[i] = right ? hr : hl;
    if (otherW) {
      otherW[i] = right ? wl : wr;
      otherJ[i] = pieceIntegral(right ? wl : wr, right ? hl : hr, half);
    }
  }
  node.level += 1;
  node.index = 2 * node.index + (right ? 1 : 0);
}

// The leaf's split at fraction x (leaf's own two normals): left and right pieces as (W, J).
void leafPieces(const BrownianPath& path, Lanes& L, const Node& leaf, double x, double* lw, double* lj, double* rw, double* rj) {
  const double len = leaf.length(path.span);
  for (size_t i = 0; i < L.count; ++i) {
    const NormalPair z = draw(path.seed, L, i, leaf.heap(), kBrownianPathLeafStage);
    LevyIncrement a, b;
    splitLevyAt({L.nodeW[i], L.nodeH[i]}, len, x, z.first, z.second, a, b);
    lw[i] = a.w;
    lj[i] = pieceIntegral(a.w, a.h, x * len);
    rw[i] = b.w;
    rj[i] = pieceIntegral(b.w, b.h, len - x * len);
  }
}

// seg := [node start, b] (start < b ≤ end), pieces appended left to right.
void prefix(const BrownianPath& path, Lanes& L, Node node, double b) {
  double segLen = 0.0;
  double pw[kChunk], pj[kChunk], qw[kChunk], qj[kChunk];
  std::fill(L.segW, L.segW + L.count, 0.0);
  std::fill(L.segJ, L.segJ + L.count, 0.0);
  auto append = [&](const double* w, const double* j, double len) {
    for (size_t i = 0; i < L.count; ++i) {
      L.segJ[i] += j[i] + len * L.segW[i];
      L.segW[i] += w[i];
    }
    segLen += len;
  };
  for (;;) {
    const double start = node.start(path.span), len = node.length(path.span), end = start + len;
    if (b >= end) {
      for (size_t i = 0; i < L.count; ++i) pj[i] = pieceIntegral(L.nodeW[i], L.nodeH[i], len);
      append(L.nodeW, pj, len);
      return;
    }
    if (node.level == kBrownianPathDepth) {
      leafPieces(path, L, node, (b - start) / len, pw, pj, qw, qj);
      append(pw, pj, b - start);
      return;
    }
    const double mid = start + 0.5 * len;
    if (b <= mid) descend(path, L, node, false);
    else {
      descend(path, L, node, true, qw, qj);
      append(qw, qj, 0.5 * len);
    }
  }
}

// seg := [a, node end] (start ≤ a < end), pieces prepended right to left.
void suffix(const BrownianPath& path, Lanes& L, Node node, double a) {
  double segLen = 0.0;
  double pw[kChunk], pj[kChunk], qw[kChunk], qj[kChunk];
  std::fill(L.segW, L.segW + L.count, 0.0);
  std::fill(L.segJ, L.segJ + L.count, 0.0);
  auto prepend = [&](const double* w, const double* j, double len) {
    for (size_t i = 0; i < L.count; ++i) {
      L.segJ[i] += j[i] + segLen * w[i];
      L.segW[i] += w[i];
    }
    segLen += len;
  };
  for (;;) {
    const double start = node.start(path.span), len = node.length(path.span);
    if (a <= start) {
      for (size_t i = 0; i < L.count; ++i) pj[i] = pieceIntegral(L.nodeW[i], L.nodeH[i], len);
      prepend(L.nodeW, pj, len);
      return;
    }
    if (node.level == kBrownianPathDepth) {
      const double x = (a - start) / len;
      leafPieces(path, L, node, x, pw, pj, qw, qj);
      prepend(qw, qj, len - x * len);
      return;
    }
    const double mid = start + 0.5 * len;
    if (a >= mid) descend(path, L, node, true);
    else {
      descend(path, L, node, false, qw, qj);
      prepend(qw, qj, 0.5 * len);
    }
  }
}

// (W, H) of [a, b] for every lane of L into w, h.
void incrementLanes(const BrownianPath& path, Lanes& L, double a, double b, double* w, double* h) {
  rootValues(path, L);
  Node node;
  for (;;) {
    const double start = node.start(path.span), len = node.length(path.span), mid = start + 0.5 * len;
    if (node.level == kBrownianPathDepth || (a < mid && b > mid)) break;
    descend(path, L, node, a >= mid);
  }
  const double hAB = b - a;
  if (node.level == kBrownianPathDepth && !(a <= node.start(path.span) && b >= node.start(path.span) + node.length(path.span))) {
    // Both ends inside one leaf: [start, b] minus [start, a] (shared leaf draws; see the header).
    double wa[kChunk], ja[kChunk];
    const double start = node.start(path.span);
    double keepW[kChunk], keepH[kChunk];
    std::copy(L.nodeW, L.nodeW + L.count, keepW);
    std::copy(L.nodeH, L.nodeH + L.count, keepH);
    if (a > start) {
      prefix(path, L, node, a);
      std::copy(L.segW, L.segW + L.count, wa);
      std::copy(L.segJ, L.segJ + L.count, ja);
    } else {
      std::fill(wa, wa + L.count, 0.0);
      std::fill(ja, ja + L.count, 0.0);
    }
    std::copy(keepW, keepW + L.count, L.nodeW);
    std::copy(keepH, keepH + L.count, L.nodeH);
    prefix(path, L, node, b);
    for (size_t i = 0; i < L.count; ++i) {
      w[i] = L.segW[i] - wa[i];
      const double j = L.segJ[i] - ja[i] - hAB * wa[i];
      h[i] = j / hAB - 0.5 * w[i];
    }
    return;
  }
  if (node.level == kBrownianPathDepth) {  // [a, b] is the whole leaf
    for (size_t i = 0; i < L.count; ++i) {
      w[i] = L.nodeW[i];
      h[i] = L.nodeH[i];
    }
    return;
  }
  // a < mid < b: the suffix of the left child from a, then the prefix of the right child to b.
  const double mid = node.start(path.span) + 0.5 * node.length(path.span);
  double rightW[kChunk], rightH[kChunk], sw[kChunk], sj[kChunk];
  {
    const double len = node.length(path.span);
    for (size_t i = 0; i < L.count; ++i) {
      const NormalPair z = draw(path.seed, L, i, node.heap(), kBrownianPathStage);
      double wl, hl;
      splitNode(L.nodeW[i], L.nodeH[i], len, z.first, z.second, wl, hl, rightW[i], rightH[i]);
      L.nodeW[i] = wl;
      L.nodeH[i] = hl;
    }
  }
  const Node left{node.level + 1, 2 * node.index}, right{node.level + 1, 2 * node.index + 1};
  suffix(path, L, left, a);
  std::copy(L.segW, L.segW + L.count, sw);
  std::copy(L.segJ, L.segJ + L.count, sj);
  std::copy(rightW, rightW + L.count, L.nodeW);
  std::copy(rightH, rightH + L.count, L.nodeH);
  prefix(path, L, right, b);
  const double lenB = b - mid;
  for (size_t i = 0; i < L.count; ++i) {
    w[i] = sw[i] + L.segW[i];
    const double j = sj[i] + L.segJ[i] + lenB * sw[i];
    h[i] = j / hAB - 0.5 * w[i];
  }
}

}  // namespace

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

LevyIncrement brownianIncrement(const BrownianPath& path, uint64_t particle, uint64_t coordinate, double a, double b) {
  LevyIncrement r;
  Lanes L;
  L.count = 1;
  L.particle[0] = particle;
  L.coordinate[0] = static_cast<uint32_t>(coordinate);
  incrementLanes(path, L, a, b, &r.w, &r.h);
  return r;
}

void brownianIncrementBlock(const BrownianPath& path, uint64_t first, size_t rows, size_t d, double a, double b, double* w, double* h) {
  const size_t total = rows * d;
  Lanes L;
  for (size_t q0 = 0; q0 < total; q0 += kChunk) {
    L.count = std::min(kChunk, total - q0);
    for (size_t i = 0; i < L.count; ++i) {
      L.particle[i] = first + (q0 + i) / d;
      L.coordinate[i] = static_cast<uint32_t>((q0 + i) % d);
    }
    incrementLanes(path, L, a, b, w + q0, h + q0);
  }
}

}  // namespace dw2
