#include "analysis/gauss_legendre.h"
#include <cmath>
#include <string>
#include "core/errors.h"

namespace dw2::analysis {

Quadrature gaussLegendreUnit(int n) {
  if (n < 1 || n > 512) fail(ErrorCode::InvalidArgument, "quadratureNodes must be in [1, 512], got " + std::to_string(n));
  Quadrature q;
  q.nodes.resize(n);
  q.weights.resize(n);
  // Newton's method on P_n from the Chebyshev-like initial guesses, on [−1, 1]; mapped to [0, 1].
  for (int i = 0; i < (n + 1) / 2; ++i) {
    double x = std::cos(M_PI * (i + 0.75) / (n + 0.5));
    double dp = 1.0;
    for (int iter = 0; iter < 100; ++iter) {
      double p0 = 1.0, p1 = x;
      for (int k = 2; k <= n; ++k) {
        const double p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = n * (x * p1 - p0) / (x * x - 1.0);
      const double dx = p1 / dp;
      x -= dx;
      if (std::fabs(dx) < 1e-16) break;
    }
    // Recompute the derivative at the converged node for the weight.
    double p0 = 1.0, p1 = x;
    for (int k = 2; k <= n; ++k) {
      const double p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
      p0 = p1;
      p1 = p2;
    }
    dp = n * (x * p1 - p0) / (x * x - 1.0);
    const double w = 2.0 / ((1.0 - x * x) * dp * dp);
    q.nodes[i] = 0.5 * (1.0 - x);
    q.nodes[n - 1 - i] = 0.5 * (1.0 + x);
    q.weights[i] = q.weights[n - 1 - i] = 0.5 * w;
  }
  return q;
}

}  // namespace dw2::analysis
