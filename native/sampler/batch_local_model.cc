#include "sampler/batch_local_model.h"
#include <cmath>
#include <limits>
#include <vector>
#include "sampler/plan_executor.h"

namespace dw2 {

namespace {
template <class T>
double roundoff() { return std::numeric_limits<T>::epsilon(); }
}  // namespace

template <class T>
void BatchLocalModel<T>::call(double t, BatchBuffer out, size_t first, size_t count) {
  score_.score(t, false, BatchBuffer::Probe, out, first, count);
  requireFiniteCallbackOutput(score_.buffer(out), first, count, d_, "score", t);
  nfe += 1;
}

template <class T>
void BatchLocalModel<T>::derivatives(double t, size_t first, size_t count, const double* x, double* s, double* dsdt, double* laplacian) {
  const size_t d = d_, m = count * d;
  T* probe = score_.buffer(BatchBuffer::Probe) + first * d;
  const T* s0 = score_.buffer(BatchBuffer::S0) + first * d;
  const T* s1 = score_.buffer(BatchBuffer::S1) + first * d;
  const T* s2 = score_.buffer(BatchBuffer::S2) + first * d;
  for (size_t q = 0; q < m; ++q) probe[q] = static_cast<T>(x[q]);
  call(t, BatchBuffer::S0, first, count);
  for (size_t q = 0; q < m; ++q) s[q] = static_cast<double>(s0[q]);

  const double delta = std::cbrt(roundoff<T>()) * t;
  const double tp = t + delta, tm = t - delta;
  call(tp, BatchBuffer::S1, first, count);
  call(tm, BatchBuffer::S2, first, count);
  for (size_t q = 0; q < m; ++q) dsdt[q] = (static_cast<double>(s1[q]) - static_cast<double>(s2[q])) / (tp - tm);

  // Δs: second differences along each coordinate, with the steps actually representable in T.
  const double h4 = std::sqrt(std::sqrt(roundoff<T>()));
  for (size_t q = 0; q < m; ++q) laplacian[q] = 0.0;
  for (size_t j = 0; j < d; ++j) {
    for (size_t q = 0; q < m; ++q) probe[q] = static_cast<T>(x[q]);
    for (size_t i = 0; i < count; ++i) probe[i * d + j] = static_cast<T>(x[i * d + j] + h4 * std::fmax(1.0, std::fabs(x[i * d + j])));
    call(t, BatchBuffer::S1, first, count);
    for (size_t i = 0; i < count; ++i) probe[i * d + j] = static_cast<T>(x[i * d + j] - h4 * std::fmax(1.0, std::fabs(x[i * d + j])));
    call(t, BatchBuffer::S2, first, count);
    for (size_t i = 0; i < count; ++i) {
      const double xi = x[i * d + j];
      const double hp = static_cast<double>(static_cast<T>(xi + h4 * std::fmax(1.0, std::fabs(xi)))) - xi;
      const double hm = xi - static_cast<double>(static_cast<T>(xi - h4 * std::fmax(1.0, std::fabs(xi))));
      for (size_t r = 0; r < d; ++r) {
        const double f0 = s[i * d + r], fp = static_cast<double>(s1[i * d + r]), fm = static_cast<double>(s2[i * d + r]);
        laplacian[i * d + r] += 2.0 * ((fp - f0) / hp - (f0 - fm) / hm) / (hp + hm);
      }
    }
  }
}

// The central-difference step along v for one row: e = h³·max(1, |x|)/|v| (0 when v = 0), h³ the
// cube root of the working precision's round-off, so that the O(e²) error and the round-off balance.
static double differenceStep(const double* x, const double* v, size_t d, double h3) {
  double xn = 0, vn = 0;
  for (size_t r = 0; r < d; ++r) {
    xn += x[r] * x[r];
    vn += v[r] * v[r];
  }
  return vn > 0 ? h3 * std::fmax(1.0, std::sqrt(xn)) / std::sqrt(vn) : 0.0;
}

template <class T>
void BatchLocalModel<T>::hvps(double t, size_t first, size_t count, const double* x, const double* v, double* out) {
  const size_t d = d_, m = count * d;
  T* probe = score_.buffer(BatchBuffer::Probe) + first * d;
  hvpCount += 1;
  if (score_.hasHvp()) {
    T* dir = score_.buffer(BatchBuffer::Direction) + first * d;
    const T* prod = score_.buffer(BatchBuffer::Product) + first * d;
    for (size_t q = 0; q < m; ++q) {
      probe[q] = static_cast<T>(x[q]);
      dir[q] = static_cast<T>(v[q]);
    }
    score_.hvp(t, BatchBuffer::Probe, BatchBuffer::Direction, BatchBuffer::Product, first, count);
    requireFiniteCallbackOutput(score_.buffer(BatchBuffer::Product), first, count, d, "hvp", t);
    for (size_t q = 0; q < m; ++q) out[q] = static_cast<double>(prod[q]);
    return;
  }
  // Central differences of the score along v, one step per row.
  const double h3 = std::cbrt(roundoff<T>());
  const T* s1 = score_.buffer(BatchBuffer::S1) + first * d;
  const T* s2 = score_.buffer(BatchBuffer::S2) + first * d;
  for (int sign = 1; sign >= -1; sign -= 2) {
    for (size_t i = 0; i < count; ++i) {
      const double e = differenceStep(x + i * d, v + i * d, d, h3);
      for (size_t r = 0; r < d; ++r) probe[i * d + r] = static_cast<T>(x[i * d + r] + sign * e * v[i * d + r]);
    }
    call(t, sign > 0 ? BatchBuffer::S1 : BatchBuffer::S2, first, count);
  }
  for (size_t i = 0; i < count; ++i) {
    const double e = differenceStep(x + i * d, v + i * d, d, h3);
    for (size_t r = 0; r < d; ++r)
      out[i * d + r] = e > 0 ? (static_cast<double>(s1[i * d + r]) - static_cast<double>(s2[i * d + r])) / (2.0 * e) : 0.0;
  }
}

template <class T>
void BatchLocalModel<T>::jacobians(double t, size_t first, size_t count, const double* x, double* jacobian) {
  // Column j of every row's Jacobian is (∇s) e_j: d batched products.
  const size_t d = d_, m = count * d;
  double* v = unit_.data();
  double* col = product_.data();
  for (size_t j = 0; j < d; ++j) {
    for (size_t q = 0; q < m; ++q) v[q] = (q % d == j) ? 1.0 : 0.0;
    hvps(t, first, count, x, v, col);
    for (size_t i = 0; i < count; ++i)
      for (size_t r = 0; r < d; ++r) jacobian[(i * d + r) * d + j] = col[i * d + r];
  }
}

template class BatchLocalModel<double>;
template class BatchLocalModel<float>;

}  // namespace dw2
