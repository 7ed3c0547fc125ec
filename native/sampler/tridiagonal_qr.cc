#include "sampler/tridiagonal_qr.h"
#include <cmath>
#include <limits>

namespace dw2 {

namespace {

// √(x² + z²); hypot's extra care is needed only far from 1 (libm's hypot costs as much as the rest).
inline double norm2(double x, double z) {
  const double ax = std::fabs(x), az = std::fabs(z);
  const double m = ax > az ? ax : az;  // fmax without the libm call (NaN goes to sqrt either way)
  if (m > 1e-150 && m < 1e150) return std::sqrt(x * x + z * z);
  return std::hypot(x, z);
}

// The state of one problem's QR iteration (Golub & Van Loan Alg. 8.3.2–8.3.3): the unreduced block
// [lo, hi] being swept, the position k of the bulge chase within the sweep and its (x, z).
struct Chase {
  QrProblem q;
  int lo = 0, hi = 0, k = 0, sweeps = 0;
  double x = 0, z = 0;
  bool sweeping = false;
};

// Deflates converged eigenvalues at the bottom, then starts the next sweep with the Wilkinson
// shift. Returns false when the problem is finished (*converged says how).
bool startSweep(Chase& c, bool* converged) {
  double* a = c.q.diag;
  double* b = c.q.off;
  while (c.hi > 0 && negligibleOffDiagonal(b[c.hi - 1], a[c.hi - 1], a[c.hi])) --c.hi;
  if (c.hi == 0) {
    *converged = true;
    return false;
  }
  int lo = c.hi - 1;
  while (lo > 0 && !negligibleOffDiagonal(b[lo - 1], a[lo - 1], a[lo])) --lo;
  if (++c.sweeps > 30 * c.q.n) {
    *converged = false;
    return false;
  }
  const int hi = c.hi;
  const double delta = 0.5 * (a[hi - 1] - a[hi]);
  const double e = b[hi - 1];
  const double shift = a[hi] - e * e / (delta + std::copysign(norm2(delta, e), delta == 0.0 ? 1.0 : delta));
  c.lo = lo;
  c.k = lo;
  c.x = a[lo] - shift;
  c.z = b[lo];
  c.sweeping = true;
  return true;
}

// One Givens rotation of the implicit QR step (Alg. 8.3.2) at position k, applied to T and to the
// rows k, k + 1 of Y. M > 0: the number of columns of Y at compile time (the loops unroll).
template <int M>
inline void rotate(Chase& ch) {
  double* a = ch.q.diag;
  double* b = ch.q.off;
  const int m = M > 0 ? M : ch.q.m;
  const int k = ch.k, lo = ch.lo, hi = ch.hi;
  const double x = ch.x, z = ch.z;
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
    ch.x = b[k];
    ch.z = -s * b[k + 1];  // the new bulge at (k, k + 2)
    b[k + 1] *= c;
  }
  double* y0 = ch.q.Y + static_cast<size_t>(k) * m;
  double* y1 = y0 + m;
  for (int j = 0; j < m; ++j) {
    const double u = y0[j], v = y1[j];
    y0[j] = c * u - s * v;
    y1[j] = s * u + c * v;
  }
  ch.q.rotations->push_back({k, c, s});
  if (++ch.k == hi) ch.sweeping = false;
}

// Round-robin over the problems, one rotation each per pass: their chases are independent
// dependency chains, so the CPU overlaps them (one chase alone waits on sqrt and division).
template <int M>
void interleaved(Chase* chases, int count, bool* converged) {
  int active = count;
  while (active > 0) {
    for (int p = 0; p < count; ++p) {
      Chase& c = chases[p];
      if (c.hi < 0) continue;  // finished
      if (!c.sweeping && !startSweep(c, converged + p)) {
        c.hi = -1;
        --active;
        continue;
      }
      rotate<M>(c);
    }
  }
}

}  // namespace

void tridiagonalQr(const QrProblem* problems, int count, bool* converged) {
  Chase chases[kMaxQrProblems];
  int m = 0;
  for (int p = 0; p < count; ++p) {
    chases[p].q = problems[p];
    chases[p].q.rotations->clear();
    chases[p].hi = problems[p].n > 1 ? problems[p].n - 1 : 0;
    m = problems[p].m;
  }
  if (m == 5) interleaved<5>(chases, count, converged);
  else if (m == 2) interleaved<2>(chases, count, converged);
  else if (m == 1) interleaved<1>(chases, count, converged);
  else interleaved<0>(chases, count, converged);
}

bool tridiagonalQr(double* a, double* b, int n, double* Y, int m, std::vector<GivensRotation>& rotations) {
  const QrProblem q{a, b, n, Y, m, &rotations};
  bool converged = false;
  tridiagonalQr(&q, 1, &converged);
  return converged;
}

void applyTransposed(const std::vector<GivensRotation>& rotations, double* v) {
  for (auto it = rotations.rbegin(); it != rotations.rend(); ++it) {
    const double u = v[it->k], w = v[it->k + 1];
    v[it->k] = it->c * u + it->s * w;
    v[it->k + 1] = -it->s * u + it->c * w;
  }
}

}  // namespace dw2
