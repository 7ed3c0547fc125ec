// The m equal pieces of a grid kind's variable v ∈ [0, 1] laid onto a fixed dyadic partition of tree
// time u ∈ [0, 1], so that a grid of N = m·2ʲ steps (v_k = k/N) lies on dyadic tree times: the
// Brownian tree (random/brownian_path.h) then has every time of the grid on a node. m odd; with
// 2ᵃ ≤ m < 2ᵃ⁺¹ the partition is 2ᵃ⁺¹ − m pieces of length 2⁻ᵃ followed by 2(m − 2ᵃ) of length
// 2⁻ᵃ⁻¹ (m = 1: the identity). Inside a piece the map is linear.
#pragma once
#include <cstdint>

namespace dw2 {

class TreePieces {
 public:
  explicit TreePieces(uint64_t m);
  uint64_t count() const { return m_; }
  double start(uint64_t c) const;
  double length(uint64_t c) const;
  double toTree(double v) const;    // v ↦ u
  double fromTree(double u) const;  // u ↦ v
  // u of grid point k of N steps (v = k/N): exact when N = m·2ʲ.
  double gridPoint(uint64_t k, uint64_t N) const;

 private:
  uint64_t m_, long_;  // pieces, and how many of them are long
  int a_;              // long pieces have length 2^-a, short ones 2^-(a+1)
};

// The odd part of n (n = odd · 2ʲ).
uint64_t oddPart(uint64_t n);

}  // namespace dw2
