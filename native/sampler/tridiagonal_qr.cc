#include "sampler/tridiagonal_qr.h"
#include <cmath>
#include <limits>

namespace dw2 {

namespace {

// True when off-diagonal entry b between diagonal entries a0, a1 is negligible (then set to 0).
bool negligible(double& b, double a0, double a1) {
  const double eps = std::numeric_limits<double>::epsilon();
  if (std::fabs(b) <= eps * (std::fabs(a0) + std::fabs(a1)) || std::fabs(b) < std::numeric_limits<double>::min()) {
    b = 0.0;
    return true;
  }
  return false;
}

// √(x² + z²); hypot's extra care is needed only far from 1 (libm's hypot costs as much as the rest).
inline double norm2(double x, double z) {
  const double m = std::fmax(std::fabs(x), std::fabs(z));
  if (m > 1e-150 && m < 1e150) return std::sqrt(x * x + z * z);
  return std::hypot(x, z);
}

// One implicit QR step with Wilkinson shift on the unreduced block [lo, hi] (Golub & Van Loan Alg. 8.3.2).
// M > 0: the number of columns of Y at compile time (the loops unroll); M = 0: m at run time.
template <int M>
void qrStep(double* a, double* b, int lo, int hi, double* Y, int mRun, std::vector<GivensRotation>& rotations) {
  const int m = M > 0 ? M : mRun;
  const double delta = 0.5 * (a[hi - 1] - a[hi]);
  const double e = b[hi - 1];
  const double shift = a[hi] - e * e / (delta + std::copysign(norm2(delta, e), delta == 0.0 ? 1.0 : delta));
  double x = a[lo] - shift, z = b[lo];
  for (int k = lo; k < hi; ++k) {
    const double r = norm2(x, z);
    const double inv = r == 0.0 ? 0.0 : 1.0 / r;
    const double c = r == 0.0 ? 1.0 : x * inv, s = -z * inv;
    if (k > lo) b[k - 1] = r;  // the bulge at (k − 1, k + 1) is gone
    // (a_k, b_k, a_{k+1}) ← R [[a_k, b_k], [b_k, a_{k+1}]] Rᵀ with R = [[c, −s], [s, c]].
    const double ak = a[k], ak1 = a[k + 1], bk = b[k];
    a[k] = c * c * ak - 2.0 * c * s * bk + s * s * ak1;
    a[k + 1] = s * s * ak + 2.0 * c * s * bk + c * c * ak1;
    b[k] = c * s * (ak - ak1) + (c * c - s * s) * bk;
    if (k + 1 < hi) {
      x = b[k];
      z = -s * b[k + 1];  // the new bulge at (k, k + 2)
      b[k + 1] *= c;
    }
    double* y0 = Y + static_cast<size_t>(k) * m;
    double* y1 = y0 + m;
    for (int j = 0; j < m; ++j) {
      const double u = y0[j], v = y1[j];
      y0[j] = c * u - s * v;
      y1[j] = s * u + c * v;
    }
    rotations.push_back({k, c, s});
  }
}

}  // namespace

bool tridiagonalQr(double* a, double* b, int n, double* Y, int m, std::vector<GivensRotation>& rotations) {
  rotations.clear();
  int hi = n - 1, sweeps = 0;
  while (hi > 0) {
    if (negligible(b[hi - 1], a[hi - 1], a[hi])) {
      --hi;
      continue;
    }
    int lo = hi - 1;
    while (lo > 0 && !negligible(b[lo - 1], a[lo - 1], a[lo])) --lo;
    if (++sweeps > 30 * n) return false;
    if (m == 5) qrStep<5>(a, b, lo, hi, Y, m, rotations);
    else if (m == 2) qrStep<2>(a, b, lo, hi, Y, m, rotations);
    else qrStep<0>(a, b, lo, hi, Y, m, rotations);
  }
  return true;
}

void applyTransposed(const std::vector<GivensRotation>& rotations, double* v) {
  for (auto it = rotations.rbegin(); it != rotations.rend(); ++it) {
    const double u = v[it->k], w = v[it->k + 1];
    v[it->k] = it->c * u + it->s * w;
    v[it->k + 1] = -it->s * u + it->c * w;
  }
}

}  // namespace dw2
