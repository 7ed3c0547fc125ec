// targets/lane_masks.h against the double comparisons it stands for, on bit patterns that reach it
// in a run: NaNs of either sign (x86's default NaN, from 0·∞ or ∞ − ∞, has its sign bit set, and
// propagates through sums and square roots), ±0, ±∞, subnormals and ordinary values. Built with
// -fsanitize=undefined -fno-sanitize-recover: an integer overflow inside a mask (undefined
// behaviour, whatever the hardware happens to give) stops the program, so it prints no "ok".
// Prints "ok: …" when every check passes, "FAIL: …" per mismatch.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include "targets/lane_masks.h"

using namespace dw2;
using namespace dw2::lanemask;

static double fromBitsScalar(uint64_t u) {
  double x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

int main() {
  const double inf = std::numeric_limits<double>::infinity();
  const double values[] = {0.0, -0.0, 1e-310, 1e-300, 0.5, 1.0, 3.0, 1e300, inf, -inf, -1.0,
                           fromBitsScalar(0x7ff8000000000000ULL),   // +qNaN
                           fromBitsScalar(0xfff8000000000000ULL)};  // −qNaN (x86's default NaN)
  const int count = sizeof values / sizeof values[0];
  int failures = 0, checks = 0;
  // Operands of greaterNonNegative and fmaxNonNegative: x, y ≥ 0 or NaN (either sign), as the callers pass.
  auto admissible = [](double v) { return std::isnan(v) || !std::signbit(v); };
  for (int i = 0; i < count; ++i)
    for (int j = 0; j < count; ++j) {
      const double x = values[i], y = values[j];
      V vx, vy;  // broadcast by assignment (V{} + x would turn −0 into +0)
      for (int p = 0; p < 8; ++p) vx[p] = x, vy[p] = y;
      int64_t m[8];
      double r[8];
      // isNan and nonzero take every pattern.
      const Mask nan = isNan(vx);
      std::memcpy(m, &nan, sizeof m);
      ++checks;
      if ((m[0] != 0) != std::isnan(x)) failures += std::printf("FAIL: isNan(%a)\n", x) > 0;
      const Mask nz = nonzero(bitsOf(vx));
      std::memcpy(m, &nz, sizeof m);
      uint64_t bits;
      std::memcpy(&bits, &x, sizeof bits);
      ++checks;
      if ((m[0] != 0) != (bits != 0)) failures += std::printf("FAIL: nonzero(bits of %a)\n", x) > 0;
      if (!admissible(x) || !admissible(y)) continue;
      const Mask g = greaterNonNegative(vx, vy);
      std::memcpy(m, &g, sizeof m);
      ++checks;
      if ((m[0] != 0) != (x > y)) failures += std::printf("FAIL: greaterNonNegative(%a, %a)\n", x, y) > 0;
      const V f = fmaxNonNegative(vx, vy);
      std::memcpy(r, &f, sizeof r);
      const double want = std::fmax(x, y);
      ++checks;
      if (!(r[0] == want || (std::isnan(r[0]) && std::isnan(want)))) failures += std::printf("FAIL: fmaxNonNegative(%a, %a)\n", x, y) > 0;
    }
  if (failures == 0) std::printf("ok: lane masks agree with the double comparisons on %d checks\n", checks);
  return 0;
}
