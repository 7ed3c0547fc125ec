#include "random/tree_pieces.h"
#include <algorithm>
#include <cmath>

namespace dw2 {

TreePieces::TreePieces(uint64_t m) : m_(std::max<uint64_t>(1, m)), long_(0), a_(0) {
  while ((uint64_t(2) << a_) <= m_) ++a_;  // 2^a ≤ m < 2^(a+1)
  long_ = (uint64_t(2) << a_) - m_;
}

double TreePieces::start(uint64_t c) const {
  if (c <= long_) return std::ldexp(double(c), -a_);
  return std::ldexp(double(long_), -a_) + std::ldexp(double(c - long_), -a_ - 1);
}

double TreePieces::length(uint64_t c) const { return std::ldexp(1.0, c < long_ ? -a_ : -a_ - 1); }

double TreePieces::toTree(double v) const {
  if (m_ == 1) return v;
  const double x = v * double(m_);
  const uint64_t c = std::min<uint64_t>(m_ - 1, static_cast<uint64_t>(std::max(0.0, std::floor(x))));
  return start(c) + length(c) * (x - double(c));
}

double TreePieces::fromTree(double u) const {
  if (m_ == 1) return u;
  const double split = std::ldexp(double(long_), -a_);  // where the short pieces begin
  uint64_t c;
  if (u < split) c = static_cast<uint64_t>(std::max(0.0, std::floor(std::ldexp(u, a_))));
  else c = long_ + static_cast<uint64_t>(std::floor(std::ldexp(u - split, a_ + 1)));
  c = std::min<uint64_t>(m_ - 1, c);
  return (double(c) + (u - start(c)) / length(c)) / double(m_);
}

double TreePieces::gridPoint(uint64_t k, uint64_t N) const {
  if (k >= N) return 1.0;
  const uint64_t per = N / m_;
  if (N % m_ == 0 && (per & (per - 1)) == 0) {  // N = m·2ʲ: exact dyadic
    const uint64_t c = k / per, r = k % per;
    return start(c) + length(c) * (double(r) / double(per));
  }
  return toTree(double(k) / double(N));
}

uint64_t oddPart(uint64_t n) {
  if (n == 0) return 1;
  while ((n & 1) == 0) n >>= 1;
  return n;
}

}  // namespace dw2
