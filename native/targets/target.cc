#include "targets/target.h"

namespace dw2 {

void Target::scoreBatch(const Process& p, double t, const double* x, size_t rows, size_t d, double* s, double* scratch) const {
  for (size_t i = 0; i < rows; ++i) score(p, t, x + i * d, s + i * d, scratch);
}

void Target::localDerivatives(const Process& p, double t, const double* x, double* s, double* dsdt, double* laplacian,
                              double* jacobian, double* scratch) const {
  // scoreJacobian writes s too; score() then gives s exactly as a plain call would.
  if (jacobian) scoreJacobian(p, t, x, s, jacobian, scratch);
  score(p, t, x, s, scratch);
  scoreTimeDerivative(p, t, x, dsdt, scratch);
  scoreLaplacian(p, t, x, laplacian, scratch);
}

// out = J v with the cached J = ∇s (row-major).
void Target::cachedHessianProduct(const double* cache, const double* v, double* out) const {
  const size_t d = dim();
  for (size_t r = 0; r < d; ++r) {
    double sum = 0.0;
    for (size_t q = 0; q < d; ++q) sum += cache[r * d + q] * v[q];
    out[r] = sum;
  }
}

}  // namespace dw2
