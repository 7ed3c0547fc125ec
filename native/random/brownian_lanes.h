// The Brownian walker's arithmetic over a group of lanes (random/brownian_walker.h), as plain
// loops over raw arrays that the compiler vectorizes (runtime SIMD dispatch, runtime/simd.h).
// Every lane gets the same operations in the same order as a scalar loop would give it, so the
// results do not depend on the instruction set (no contraction: -ffp-contract=off).
// A piece of the path is carried as (W, H) (a tree node) or (W, J), J = ∫(W_u − W_start) du =
// len·(H + W/2), for which joining is J = J₁ + J₂ + len₂·W₁.
#pragma once
#include <cstddef>
#include <cstdint>

namespace dw2 {

// A node's two normals for 16 consecutive particles × d coordinates (lane j·16 + i): one
// vectorized Philox call per coordinate (random/philox_lanes.h), the counters of pathNodeNormals.
void groupNodeNormals(uint64_t seed, uint64_t particle0, size_t d, uint32_t node, uint32_t stage, double* z1, double* z2);

// The node (W, H) of length len split at its midpoint (brownian_path.h splitNode) into its
// children (wl, hl) and (wr, hr). No output may alias an input.
void splitNodeLanes(size_t n, const double* W, const double* H, const double* z1, const double* z2, double len, double* wl, double* hl, double* wr,
                    double* hr);

// seg ← seg ⊕ piece, the piece given as (W, H) or as (W, J), of length len.
void appendNodeLanes(size_t n, double* segW, double* segJ, const double* w, const double* h, double len);
void appendPieceLanes(size_t n, double* segW, double* segJ, const double* w, const double* J, double len);

// head ← piece ⊕ head (the piece lies just left of the head, whose length is headLen; 0: the head
// is empty and becomes the piece).
void prependNodeLanes(size_t n, double* headW, double* headJ, const double* w, const double* h, double len, double headLen);
void prependPieceLanes(size_t n, double* headW, double* headJ, const double* w, const double* J, double headLen);

// The exact conditional split of a leaf (W, H) of length len at fraction x (brownian_path.h
// splitLevyAt), as the two pieces (W, J); coefficients depend only on (len, x).
struct LeafSplit {
  bool reversed;                 // x > ½: the right piece is drawn as a time-reversed left piece
  double len, len1, len2;        // the leaf and its two pieces
  double aW, aH, a1;             // drawn piece's W = aW·W' + aH·H + a1·z₁   (W' = ±W)
  double bH, b1, b2;             // drawn piece's H = bH·H − b1·z₁ + b2·z₂
};
LeafSplit leafSplit(double len, double x);
void splitLeafLanes(size_t n, const LeafSplit& s, const double* W, const double* H, const double* z1, const double* z2, double* lw, double* lj, double* rw,
                    double* rj);

// A node (W, H) of length len split at fraction x ≠ ½ (a tree on a non-uniform clock,
// brownian_walker.h) into its children (wl, hl) and (wr, hr), by the same exact law as a leaf.
void splitNodeAtLanes(size_t n, const LeafSplit& s, const double* W, const double* H, const double* z1, const double* z2, double* wl, double* hl, double* wr,
                      double* hr);

// The interval's (W, H) from its (W, J): H = J/len − W/2.
void finishLanes(size_t n, const double* segW, const double* segJ, double len, double* w, double* h);

}  // namespace dw2
