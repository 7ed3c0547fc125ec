#include "analysis/gauss_legendre.h"
#include <cmath>
#include <string>
#include "core/errors.h"

namespace dw2::analysis {

namespace {
struct Legendre {
  double value, derivative;
};

// P_n(x) by the three-term recurrence k P_k = (2k − 1) x P_{k−1} − (k − 1) P_{k−2}, and
// P_n′(x) = n (x P_n − P_{n−1}) / (x² − 1).
Legendre legendre(int n, double x) {
  double p0 = 1.0, p1 = x;
  for (int k = 2; k <= n; ++k) {
    const double p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  return {p1, n * (x * p1 - p0) / (x * x - 1.0)};
}
}  // namespace

Quadrature gaussLegendreUnit(int n) {
  if (n < 1 || n > 512) fail(ErrorCode::InvalidArgument, "quadratureNodes must be in [1, 512], got " + std::to_string(n));
  Quadrature q;
  q.nodes.resize(n);
  q.weights.resize(n);
  // Newton's method on P_n from the Chebyshev-like initial guesses, on [−1, 1]; mapped to [0, 1].
  for (int i = 0; i < (n + 1) / 2; ++i) {
    double x = std::cos(M_PI * (i + 0.75) / (n + 0.5));
    for (int iter = 0; iter < 100; ++iter) {
      const Legendre P = legendre(n, x);
      const double dx = P.value / P.derivative;
      x -= dx;
      if (std::fabs(dx) < 1e-16) break;
    }
    // The derivative at the converged node, for the weight.
    const double dp = legendre(n, x).derivative;
    const double w = 2.0 / ((1.0 - x * x) * dp * dp);
    q.nodes[i] = 0.5 * (1.0 - x);
    q.nodes[n - 1 - i] = 0.5 * (1.0 + x);
    q.weights[i] = q.weights[n - 1 - i] = 0.5 * w;
  }
  return q;
}

}  // namespace dw2::analysis
