// Keeps squared-Euclidean costs finite and in the normal float64 range.
//
// Coordinates are finite, but their differences may still overflow when squared
// (|a_i - b_j| above ~1.3e154 gives C = +inf, which no solver can optimise and which
// would make a zero "certified"), or underflow (spreads below ~1e-154 give costs
// that are subnormal or zero). W2 is homogeneous: W2^2(s a, s b) = s^2 W2^2(a, b),
// and with s a power of two the scaled coordinates are exact (except coordinates
// that fall below the subnormal range after scaling, which are then negligible
// against the spread). So a problem outside the safe range is solved in scaled
// coordinates and its costs, potentials and certificate are scaled back by 4^e.
// When a value scaled back does not fit float64 the solve is refused (NON_FINITE)
// instead of returning +inf.
#pragma once
#include <string>
#include <vector>
#include "ot/certificate.h"
#include "ot/cost.h"

namespace dw2::ot {

struct CostScale {
  int exponent = 0;  // coordinates are multiplied by 2^-exponent, costs by 4^-exponent
  bool active() const { return exponent != 0; }
  // A cost (or potential, or certificate bound) of the scaled problem in original units.
  double unscale(double cost) const;
  // Scaled copy of a cloud's coordinates (row-major, same shape).
  std::vector<double> coordinates(const Cloud& c) const;
  // The inverse of unscale, for potentials handed in by a caller.
  double scaleCost(double cost) const;
};

// The power of two that brings the joint bounding box of both clouds to unit size,
// or exponent 0 when every squared distance already lies well inside float64's normal
// range (the common case: then nothing is copied and results are unchanged).
CostScale chooseCostScale(const Cloud& a, const Cloud& b);

// Scales certificate values back to original units.
void unscaleCertificate(Certificate& c, const CostScale& s);

// Throws NON_FINITE, naming `what`, unless x is finite.
void requireRepresentable(double x, const std::string& what);

}  // namespace dw2::ot
