#include "ot/cost.h"
#include <algorithm>
#include <new>
#include <string>
#include "core/errors.h"
#include "ot/cost_filter.h"
#include "runtime/simd.h"
#include "runtime/threads.h"

namespace dw2::ot {

namespace {

constexpr size_t kColumnBlock = 256;  // accumulators stay in L1

// out[t] = sum_k (x_k - bT[k][j0 + t])^2 for t < count; vectorised over columns,
// summed over k in order (the same operations as sqDist).
DW2_SIMD_CLONES void rowKernel(const double* x, const double* bT, size_t m, size_t d, size_t j0, size_t count,
                               double* out) {
  double acc[kColumnBlock];
  for (size_t jb = 0; jb < count; jb += kColumnBlock) {
    const size_t len = std::min(kColumnBlock, count - jb);
    for (size_t t = 0; t < len; ++t) acc[t] = 0.0;
    for (size_t k = 0; k < d; ++k) {
      const double xk = x[k];
      const double* col = bT + k * m + j0 + jb;
      for (size_t t = 0; t < len; ++t) {
        const double u = xk - col[t];
        acc[t] += u * u;
      }
    }
    for (size_t t = 0; t < len; ++t) out[jb + t] = acc[t];
  }
}

// Four rows at once: each coordinate of b is loaded once for four rows of a.
DW2_SIMD_CLONES void rowKernel4(const double* x0, const double* x1, const double* x2, const double* x3,
                                const double* bT, size_t m, size_t d, double* o0, double* o1, double* o2,
                                double* o3) {
  double a0[kColumnBlock], a1[kColumnBlock], a2[kColumnBlock], a3[kColumnBlock];
  for (size_t jb = 0; jb < m; jb += kColumnBlock) {
    const size_t len = std::min(kColumnBlock, m - jb);
    for (size_t t = 0; t < len; ++t) a0[t] = a1[t] = a2[t] = a3[t] = 0.0;
    for (size_t k = 0; k < d; ++k) {
      const double y0 = x0[k], y1 = x1[k], y2 = x2[k], y3 = x3[k];
      const double* col = bT + k * m + jb;
      for (size_t t = 0; t < len; ++t) {
        const double c = col[t];
        const double u0 = y0 - c, u1 = y1 - c, u2 = y2 - c, u3 = y3 - c;
        a0[t] += u0 * u0;
        a1[t] += u1 * u1;
        a2[t] += u2 * u2;
        a3[t] += u3 * u3;
      }
    }
    for (size_t t = 0; t < len; ++t) {
      o0[jb + t] = a0[t];
      o1[jb + t] = a1[t];
      o2[jb + t] = a2[t];
      o3[jb + t] = a3[t];
    }
  }
}

}  // namespace

SqEuclideanCost::SqEuclideanCost(Cloud a, Cloud b) : a_(a), b_(b) {
  if (a.d != b.d)
    fail(ErrorCode::ShapeMismatch, "point dimensions differ: " + std::to_string(a.d) + " vs " + std::to_string(b.d));
  bT_.resize(b.n * b.d);
  for (size_t j = 0; j < b.n; ++j)
    for (size_t k = 0; k < b.d; ++k) bT_[k * b.n + j] = b.x[j * b.d + k];
}

double SqEuclideanCost::entry(size_t i, size_t j) const { return sqDist(a_.row(i), b_.row(j), a_.d); }

void SqEuclideanCost::entries(size_t i, const int32_t* cols, size_t count, double* out) const {
  const double* x = a_.row(i);
  const size_t d = a_.d;
  size_t t = 0;
  for (; t + 4 <= count; t += 4) {  // four independent sums, each in coordinate order
    const double *y0 = b_.row(size_t(cols[t])), *y1 = b_.row(size_t(cols[t + 1])), *y2 = b_.row(size_t(cols[t + 2])),
                 *y3 = b_.row(size_t(cols[t + 3]));
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    for (size_t k = 0; k < d; ++k) {
      const double u0 = x[k] - y0[k], u1 = x[k] - y1[k], u2 = x[k] - y2[k], u3 = x[k] - y3[k];
      s0 += u0 * u0;
      s1 += u1 * u1;
      s2 += u2 * u2;
      s3 += u3 * u3;
    }
    out[t] = s0, out[t + 1] = s1, out[t + 2] = s2, out[t + 3] = s3;
  }
  for (; t < count; ++t) out[t] = sqDist(x, b_.row(size_t(cols[t])), d);
}

void SqEuclideanCost::row(size_t i, double* out, size_t j0, size_t count) const {
  if (!dense_.empty()) {
    std::copy_n(dense_.data() + i * b_.n + j0, count, out);
    return;
  }
  rowKernel(a_.row(i), bT_.data(), b_.n, a_.d, j0, count, out);
}

const double* SqEuclideanCost::rowPtr(size_t i, double* scratch) const {
  if (!dense_.empty()) return dense_.data() + i * b_.n;
  rowKernel(a_.row(i), bT_.data(), b_.n, a_.d, 0, b_.n, scratch);
  return scratch;
}

void SqEuclideanCost::rowsOf(const int64_t* idx, size_t count, double* out, size_t ld) const {
  if (!dense_.empty()) {
    for (size_t t = 0; t < count; ++t) std::copy_n(dense_.data() + size_t(idx[t]) * b_.n, b_.n, out + t * ld);
    return;
  }
  size_t t = 0;
  for (; t + 4 <= count; t += 4)
    rowKernel4(a_.row(idx[t]), a_.row(idx[t + 1]), a_.row(idx[t + 2]), a_.row(idx[t + 3]), bT_.data(), b_.n, a_.d,
               out + t * ld, out + (t + 1) * ld, out + (t + 2) * ld, out + (t + 3) * ld);
  for (; t < count; ++t) rowKernel(a_.row(idx[t]), bT_.data(), b_.n, a_.d, 0, b_.n, out + t * ld);
}

void SqEuclideanCost::rows(size_t i0, size_t count, double* out, size_t ld) const {
  int64_t idx[4];
  for (size_t t = 0; t < count; t += 4) {
    const size_t c = std::min<size_t>(4, count - t);
    for (size_t q = 0; q < c; ++q) idx[q] = int64_t(i0 + t + q);
    rowsOf(idx, c, out + t * ld, ld);
  }
}

void SqEuclideanCost::buildDense(Progress& progress) {
  const size_t n = a_.n, m = b_.n;
  std::vector<double> mat;
  try {
    mat.resize(n * m);
  } catch (const std::bad_alloc&) {
    fail(ErrorCode::TooLarge, "cannot allocate the dense cost matrix: " + std::to_string(n) + " x " + std::to_string(m) +
                                  " float64 = " + std::to_string(denseBytes(n, m) / 1048576.0) + " MiB");
  }
  const size_t groups = (n + 3) / 4;
  // ~64M flops between checkpoints, at least 8 groups so both threads have work.
  const size_t chunk = std::max<size_t>(8, (size_t(1) << 26) / std::max<size_t>(1, 12 * m * a_.d));
  const int threads = threadsFor(double(n) * double(m), 3.0 * double(a_.d));
  for (size_t g0 = 0; g0 < groups; g0 += chunk) {
    const long long lo = static_cast<long long>(g0), hi = static_cast<long long>(std::min(groups, g0 + chunk));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (long long g = lo; g < hi; ++g) {
      const size_t i0 = static_cast<size_t>(g) * 4;
      const size_t cnt = std::min<size_t>(4, n - i0);
      const_cast<const SqEuclideanCost*>(this)->rows(i0, cnt, mat.data() + i0 * m, m);
    }
    progress.checkpoint(double(hi) / double(groups));
  }
  dense_.swap(mat);
}

void SqEuclideanCost::buildFilter() {
  auto f = std::make_shared<const ExpandedCosts>(a_, b_);
  if (f->usable()) filter_ = std::move(f);
}

double SqEuclideanCost::maxCostBound() const {
  double s = 0.0;
  for (size_t k = 0; k < a_.d; ++k) {
    double lo = 0, hi = 0;
    bool first = true;
    for (const Cloud* c : {&a_, &b_})
      for (size_t i = 0; i < c->n; ++i) {
        const double v = c->x[i * c->d + k];
        if (first) lo = hi = v, first = false;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    s += (hi - lo) * (hi - lo);
  }
  return s * (1.0 + 1e-12);
}

}  // namespace dw2::ot
