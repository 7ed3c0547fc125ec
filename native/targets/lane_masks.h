// Masks and selects on Lanes8 (targets/lanes.h) by integer arithmetic on bit patterns. Under
// target_clones GCC lowers comparisons of vector-extension types to one scalar compare per lane,
// while these stay vector code on every path. They move bits only, so every lane gets exactly the
// value the scalar expression would give. Masks are all ones (true) or zeros per lane.
#pragma once
#include <cstdint>
#include <cstring>
#include "targets/lanes.h"

namespace dw2 {
namespace lanemask {

typedef Lanes8 V;
typedef LaneIndex8 Mask;

__attribute__((always_inline)) inline Mask bitsOf(V x) {
  Mask m;
  std::memcpy(&m, &x, sizeof m);
  return m;
}
__attribute__((always_inline)) inline V fromBits(Mask m) {
  V x;
  std::memcpy(&x, &m, sizeof x);
  return x;
}
__attribute__((always_inline)) inline Mask bitsOf(double x) {
  int64_t b;
  std::memcpy(&b, &x, sizeof b);
  return Mask{} + b;
}
// a where m, b elsewhere.
__attribute__((always_inline)) inline V select(Mask m, V a, V b) { return fromBits((bitsOf(a) & m) | (bitsOf(b) & ~m)); }
// The differences and negations below run on unsigned lanes, which wrap: signed ones overflow
// (undefined behaviour) for operands outside [0, 2^63) — a NaN with its sign bit set (x86's default
// NaN) or −0 — which reach greater and nonzero in a run; the wrapped bits are what the vector unit
// gave before, and isNan masks such lanes out where it matters.
typedef uint64_t UnsignedMask __attribute__((vector_size(64)));
// a > b for integers in [0, 2^63) — and for the bit patterns of non-negative doubles, which order
// like the doubles (a NaN's above +∞).
__attribute__((always_inline)) inline Mask greater(Mask a, Mask b) {
  return Mask(UnsignedMask(b) - UnsignedMask(a)) >> 63;
}
__attribute__((always_inline)) inline Mask nonzero(Mask a) { return (a | Mask(-UnsignedMask(a))) >> 63; }
__attribute__((always_inline)) inline Mask absBits(V x) { return bitsOf(x) & 0x7fffffffffffffffLL; }
__attribute__((always_inline)) inline Mask isNan(V x) { return greater(absBits(x), bitsOf(__builtin_inf())); }
// x > y for x, y ≥ 0 or NaN, as the double compare (false where either is NaN).
__attribute__((always_inline)) inline Mask greaterNonNegative(V x, V y) {
  return greater(bitsOf(x), bitsOf(y)) & ~isNan(x) & ~isNan(y);
}
// std::fmax for x, y ≥ 0 or NaN (the other operand where one is NaN).
__attribute__((always_inline)) inline V fmaxNonNegative(V x, V y) {
  const V larger = select(greater(bitsOf(x), bitsOf(y)), x, y);
  return select(isNan(x), y, select(isNan(y), x, larger));
}
__attribute__((always_inline)) inline V abs(V x) { return fromBits(absBits(x)); }
__attribute__((always_inline)) inline bool any(Mask m) {
  int64_t lanes[8], out = 0;
  std::memcpy(lanes, &m, sizeof lanes);
  for (int p = 0; p < 8; ++p) out |= lanes[p];
  return out != 0;
}

}  // namespace lanemask
}  // namespace dw2
