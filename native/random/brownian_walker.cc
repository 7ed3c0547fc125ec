#include "random/brownian_walker.h"
#include <algorithm>
#include <cmath>
#include <string>
#include "core/errors.h"
#include "random/philox_normal.h"
#include "runtime/simd.h"

namespace dw2 {

namespace {

constexpr int kDepth = kBrownianPathDepth;
constexpr size_t kChunk = 64;

inline double pieceIntegral(double w, double h, double len) { return len * (h + 0.5 * w); }

// The two normals of tree node `node` for m lanes (vectorized over lanes like random/noise.cc).
DW2_SIMD_CLONES void nodeNormals(uint64_t seed, const uint64_t* particle, const uint32_t* coordinate, uint32_t node, uint32_t stage, size_t m, double* z1, double* z2) {
  for (size_t i = 0; i < m; ++i) {
    const NormalPair z = normalPair(seed, particle[i], node, stage, coordinate[i]);
    z1[i] = z.first;
    z2[i] = z.second;
  }
}

// The frontier's shape (no values): pending levels and, if the point is inside a leaf, the
// end of the leaf's remainder (in leaf units).
struct Frontier {
  bool pending[kDepth + 1] = {};
  bool head = false;
  uint64_t pos = 0;  // start of the first pending node (leaf units): the point, or its leaf's end
};

// The moves from the frontier's point to b; updates the frontier.
std::vector<BrownianWalker::Move> planInterval(const BrownianPath& path, Frontier& f, PathPoint b) {
  using Op = BrownianWalker::Op;
  std::vector<BrownianWalker::Move> moves;
  const double leafLen = std::ldexp(path.span, -kDepth);
  auto units = [](int level) { return uint64_t(1) << (kDepth - level); };
  if (f.head) {
    if (b.leaf < f.pos) fail(ErrorCode::InvalidArgument, "noise 'path': two grid times lie inside one leaf of the Brownian tree (steps shorter than span·2^-20)");
    moves.push_back({Op::AppendHead, kDepth, 0, 0, 0});
    f.head = false;
    if (b.leaf == f.pos && b.x == 0) return moves;
  }
  for (int level = kDepth; level >= 0; --level) {
    if (!f.pending[level]) continue;
    f.pending[level] = false;
    const uint64_t end = f.pos + units(level);
    if (b.leaf >= end) {
      moves.push_back({Op::AppendPending, level, 0, std::ldexp(path.span, -level), 0});
      f.pos = end;
      if (b.leaf == end && b.x == 0) return moves;
      continue;
    }
    moves.push_back({Op::TakePending, level, 0, 0, 0});
    uint64_t start = f.pos, index = f.pos >> (kDepth - level);
    for (int l = level;; ++l) {
      const uint32_t heap = static_cast<uint32_t>((uint64_t(1) << l) | index);
      if (l == kDepth) {
        moves.push_back({Op::SplitLeaf, l, heap, leafLen, b.x});
        f.head = true;
        f.pos = start + 1;
        return moves;
      }
      const double len = std::ldexp(path.span, -l);
      const uint64_t mid = start + units(l + 1);
      if (b.leaf < mid) {
        moves.push_back({Op::GoLeft, l, heap, len, 0});
        f.pending[l + 1] = true;
        index = 2 * index;
      } else if (b.leaf == mid && b.x == 0) {
        moves.push_back({Op::StopAtMid, l, heap, len, 0});
        f.pending[l + 1] = true;
        f.pos = mid;
        return moves;
      } else {
        moves.push_back({Op::GoRight, l, heap, len, 0});
        start = mid;
        index = 2 * index + 1;
      }
    }
  }
  fail(ErrorCode::Internal, "Brownian walker: point beyond the path's span");
}

}  // namespace

BrownianWalker::BrownianWalker(const BrownianPath& path, uint64_t first, size_t rows, size_t d, const std::vector<double>& points)
    : path_(path), first_(first), rows_(rows), d_(d), lanes_(rows * d), at_(rows, 0) {
  if (points.size() < 2 || points[0] != 0.0) fail(ErrorCode::InvalidArgument, "Brownian walker: points must start at 0");
  Frontier f;
  f.pending[0] = true;
  for (size_t k = 0; k + 1 < points.size(); ++k) {
    if (!(points[k + 1] > points[k]) || points[k + 1] > path.span) fail(ErrorCode::InvalidArgument, "Brownian walker: points must increase within [0, span]");
    plans_.push_back(planInterval(path, f, pathPoint(path, points[k + 1])));
    lengths_.push_back(points[k + 1] - points[k]);
  }
  // Storage only for the levels the plans touch (a dyadic grid of N steps: log₂ N + 1 levels).
  int levels = 1;
  bool leafPoints = false;
  for (const auto& plan : plans_)
    for (const Move& mv : plan) {
      if (mv.op == Op::AppendPending || mv.op == Op::TakePending) levels = std::max(levels, mv.level + 1);
      if (mv.op == Op::GoLeft || mv.op == Op::StopAtMid) levels = std::max(levels, mv.level + 2);
      leafPoints = leafPoints || mv.op == Op::SplitLeaf;
    }
  const double bytes = 8.0 * double(lanes_) * (2.0 * levels + (leafPoints ? 4.0 : 2.0));
  if (bytes > 32.0 * 1024 * 1024 * 1024)
    fail(ErrorCode::TooLarge, "noise 'path' needs " + std::to_string(bytes / (1 << 30)) + " GiB of walker state for n × d = " + std::to_string(lanes_) +
                                  " (8·(2·levels + 2–4) bytes per particle-coordinate); use fewer particles per call");
  pendW_.assign(static_cast<size_t>(levels) * lanes_, 0.0);
  pendH_.assign(static_cast<size_t>(levels) * lanes_, 0.0);
  if (leafPoints) {
    headW_.assign(lanes_, 0.0);
    headJ_.assign(lanes_, 0.0);
  }
  lastW_.assign(lanes_, 0.0);
  lastH_.assign(lanes_, 0.0);
  // The root is the whole frontier at σ = 0.
  const double r = std::sqrt(path.span);
  for (size_t q = 0; q < lanes_; ++q) {
    const NormalPairLite z = pathNodeNormals(path.seed, first + q / d, static_cast<uint32_t>(q % d), 1u, kBrownianPathRootStage);
    pendW_[q] = r * z.z1;
    pendH_[q] = r * 0.28867513459481288225 * z.z2;  // √(span/12)
  }
}

void BrownianWalker::interval(int k, size_t r0, size_t count, double* w, double* h) {
  if (r0 > rows_ || count > rows_ - r0 || k < 0 || k >= intervals())
    fail(ErrorCode::Internal, "Brownian walker: rows or interval out of range");
  for (size_t r = r0; r < r0 + count; ++r) {
    if (at_[r] == k + 1) continue;
    if (at_[r] != k) fail(ErrorCode::Internal, "Brownian walker: rows must visit the intervals in order");
  }
  // Rows still at k move (in runs of consecutive rows), then every row copies its stored values.
  size_t r = r0;
  while (r < r0 + count) {
    if (at_[r] != k) {
      ++r;
      continue;
    }
    size_t e = r;
    while (e < r0 + count && at_[e] == k) ++e;
    execute(plans_[static_cast<size_t>(k)], lengths_[static_cast<size_t>(k)], r * d_, (e - r) * d_, lastW_.data() + r * d_, lastH_.data() + r * d_);
    for (size_t q = r; q < e; ++q) at_[q] = k + 1;
    r = e;
  }
  std::copy(lastW_.begin() + r0 * d_, lastW_.begin() + (r0 + count) * d_, w);
  std::copy(lastH_.begin() + r0 * d_, lastH_.begin() + (r0 + count) * d_, h);
}

// Runs one interval's moves over lanes lane0 … lane0 + lanes − 1, in chunks of kChunk lanes:
// cur = the node being descended, seg = the interval so far as (W, ∫(W_u − W_a) du).
void BrownianWalker::execute(const std::vector<Move>& plan, double h, size_t lane0, size_t lanes, double* wOut, double* hOut) {
  double curW[kChunk], curH[kChunk], segW[kChunk], segJ[kChunk];
  uint64_t particle[kChunk];
  uint32_t coordinate[kChunk];
  for (size_t c0 = 0; c0 < lanes; c0 += kChunk) {
    const size_t m = std::min(kChunk, lanes - c0), g0 = lane0 + c0;
    // Lane g = particle · d + coordinate, walked without a division per lane.
    uint64_t p = first_ + g0 / d_;
    uint32_t c = static_cast<uint32_t>(g0 % d_);
    for (size_t i = 0; i < m; ++i) {
      particle[i] = p;
      coordinate[i] = c;
      if (++c == d_) {
        c = 0;
        ++p;
      }
      segW[i] = segJ[i] = 0.0;
    }
    double segLen = 0.0;
    auto append = [&](const double* w, const double* j, double len) {
      for (size_t i = 0; i < m; ++i) {
        segJ[i] += j[i] + len * segW[i];
        segW[i] += w[i];
      }
      segLen += len;
    };
    double pw[kChunk], pj[kChunk], z1[kChunk], z2[kChunk];
    for (const Move& mv : plan) {
      // The pending node at the move's level (AppendPending, TakePending) or the one below (splits).
      auto pending = [&](std::vector<double>& v, int level) { return v.data() + static_cast<size_t>(level) * lanes_ + g0; };
      switch (mv.op) {
        case Op::AppendHead:
          append(headW_.data() + g0, headJ_.data() + g0, 0.0);
          break;
        case Op::AppendPending: {
          const double *PW = pending(pendW_, mv.level), *PH = pending(pendH_, mv.level);
          for (size_t i = 0; i < m; ++i) pj[i] = pieceIntegral(PW[i], PH[i], mv.len);
          append(PW, pj, mv.len);
          break;
        }
        case Op::TakePending: {
          const double *PW = pending(pendW_, mv.level), *PH = pending(pendH_, mv.level);
          std::copy(PW, PW + m, curW);
          std::copy(PH, PH + m, curH);
          break;
        }
        case Op::GoLeft:
        case Op::GoRight:
        case Op::StopAtMid: {
          double* NW = mv.op == Op::GoRight ? nullptr : pending(pendW_, mv.level + 1);
          double* NH = mv.op == Op::GoRight ? nullptr : pending(pendH_, mv.level + 1);
          const double half = 0.5 * mv.len;
          nodeNormals(path_.seed, particle, coordinate, mv.node, kBrownianPathStage, m, z1, z2);
          for (size_t i = 0; i < m; ++i) {
            double wl, hl, wr, hr;
            splitNode(curW[i], curH[i], mv.len, z1[i], z2[i], wl, hl, wr, hr);
            if (mv.op == Op::GoLeft) {
              NW[i] = wr;
              NH[i] = hr;
              curW[i] = wl;
              curH[i] = hl;
            } else {
              pw[i] = wl;
              pj[i] = pieceIntegral(wl, hl, half);
              if (mv.op == Op::GoRight) {
                curW[i] = wr;
                curH[i] = hr;
              } else {
                NW[i] = wr;
                NH[i] = hr;
              }
            }
          }
          if (mv.op != Op::GoLeft) append(pw, pj, half);
          break;
        }
        case Op::SplitLeaf: {
          const double leftLen = mv.x * mv.len, rightLen = mv.len - leftLen;
          nodeNormals(path_.seed, particle, coordinate, mv.node, kBrownianPathLeafStage, m, z1, z2);
          for (size_t i = 0; i < m; ++i) {
            LevyIncrement left, right;
            splitLevyAt({curW[i], curH[i]}, mv.len, mv.x, z1[i], z2[i], left, right);
            pw[i] = left.w;
            pj[i] = pieceIntegral(left.w, left.h, leftLen);
            headW_[g0 + i] = right.w;
            headJ_[g0 + i] = pieceIntegral(right.w, right.h, rightLen);
          }
          append(pw, pj, leftLen);
          break;
        }
      }
    }
    for (size_t i = 0; i < m; ++i) {
      wOut[c0 + i] = segW[i];
      hOut[c0 + i] = segJ[i] / h - 0.5 * segW[i];
    }
  }
}

}  // namespace dw2
