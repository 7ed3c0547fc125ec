#include "sampler/lane_chebyshev.h"
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include "random/deterministic_math.h"
#include "runtime/simd.h"

namespace dw2 {

namespace {

using namespace lanemask;
using lanekernels::summaryProduct;

constexpr int kGrid = LaneChebyshev::kMaxPoints;  // the finest grid: cos(πi/64), i = 0…64
constexpr int kPoints = kGrid + 1;

// cos(πi/64) for i < 128, from deterministicSinCosPi: the same bits on every machine.
struct CosineTable {
  double c[2 * kGrid];
  CosineTable() {
    for (int i = 0; i < 2 * kGrid; ++i) {
      double s;
      deterministicSinCosPi(i / static_cast<double>(kGrid), &s, &c[i]);
    }
  }
};

// 2^e for the exponents of the interval grid (|e| < 1000), and ⌊log₂ x⌋ for positive normal x, from
// the bits (no libm call in the per-lane path).
double powerOfTwo(int e) {
  const uint64_t bits = static_cast<uint64_t>(e + 1023) << 52;
  double q;
  std::memcpy(&q, &bits, sizeof q);
  return q;
}
int exponentOf(double x) {
  uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return static_cast<int>((bits >> 52) & 0x7ff) - 1023;
}

const double* cosines() {
  static const CosineTable table;
  return table.c;
}

// Gershgorin's discs of a dense summary, per lane: [lo, hi] and the sum of the entries' sizes.
void denseBounds(const LaneStructuredOperator& op, double* lo, double* hi, double* total) {
  const size_t d = op.d;
  for (size_t a = 0; a < d; ++a) {
    double centre[8] = {}, radius[8] = {};
    for (size_t b = 0; b < d; ++b)
      for (int p = 0; p < 8; ++p) {
        const double x = op.H[(a * d + b) * 8 + p];
        if (b == a) centre[p] = x;
        else radius[p] += std::fabs(x);
      }
    for (int p = 0; p < 8; ++p) {
      const double low = centre[p] - radius[p], high = centre[p] + radius[p];
      lo[p] = low < lo[p] ? low : lo[p];
      hi[p] = high > hi[p] ? high : hi[p];
      total[p] += std::fabs(centre[p]) + radius[p];
    }
  }
}

// Per lane, an interval [lo, hi] holding the spectrum of the summary S (header, 1.); total is a sum
// of the entries' sizes, not finite where S is not. For D + Σ u_k u_kᵀ: λ_max(Σ_k u_k u_kᵀ) ≤ its
// trace Σ_k |u_k|². (The Gram matrix's Gershgorin bound, tighter where several components share a
// particle, cost its K² d/2 products and saved nothing measurable on the bench mixture:
// docs/sampling.md.)
DW2_SIMD_CLONES void summaryBounds(const LaneStructuredOperator& op, double* lo, double* hi, double* total) {
  if (op.H) {
    for (int p = 0; p < 8; ++p) {
      lo[p] = std::numeric_limits<double>::infinity();
      hi[p] = -lo[p];
      total[p] = 0.0;
    }
    return denseBounds(op, lo, hi, total);
  }
  // Local arrays: the outputs might alias op.D for all the compiler knows, which would keep every
  // lane's minimum, maximum and sum in memory from one coordinate to the next.
  double low[8], high[8], sum[8];
  for (int p = 0; p < 8; ++p) {
    low[p] = std::numeric_limits<double>::infinity();
    high[p] = -low[p];
    sum[p] = 0.0;
  }
  const size_t d = op.d;
  // (omp simd: GCC unrolls the 8 lanes and would compare them one by one; packed min and max give
  // the same bits.)
  for (size_t a = 0; a < d; ++a)
#pragma omp simd
    for (int p = 0; p < 8; ++p) {
      const double x = op.D[a * 8 + p];
      low[p] = x < low[p] ? x : low[p];
      high[p] = x > high[p] ? x : high[p];
      sum[p] += std::fabs(x);
    }
  const V* U = lanes(op.U);
  V trace{};
  for (size_t k = 0; k < op.K; ++k) trace += lanekernels::laneDot(U + k * d, U + k * d, d);
  for (int p = 0; p < 8; ++p) {
    lo[p] = low[p];
    hi[p] = high[p] + trace[p];
    total[p] = sum[p] + trace[p];
  }
}

// Each lane's grid interval holding the spectrum of hL (ok[p] false where there is none): z = h μ =
// h (scale λ − shift) over the summary's bounds, widened by round-off's reach (the bounds add d terms),
// then snapped outwards to a grid of step 2^exponent. The step is about the width / 2^coarseness
// (a quarter below d = 32, an eighth from there: a coarser grid shares more fits but widens intervals,
// so degrees and products grow; products cost ∝ d, fits do not — bench mixture, SDE µs per
// particle-step, 1/4 vs 1/8: d = 16 0.40 vs 0.42, d = 64 1.92 vs 1.80), and at least 2⁻⁴⁰ of the
// endpoints' size, so the grid indices stay far inside 64 bits. Cloned: the baseline target would
// call libm for floor, ceil, fmin and fmax.
DW2_SIMD_CLONES void gridIntervals(const LaneStructuredOperator& op, double h, double zCap, int coarseness, const bool* eligible,
                                   int* exponent, int64_t* low, int64_t* high, bool* ok) {
  double lo[8], hi[8], total[8];
  summaryBounds(op, lo, hi, total);
  for (int p = 0; p < 8; ++p) {
    const double m1 = h * (op.scale * lo[p] - op.shift), m2 = h * (op.scale * hi[p] - op.shift);
    const double zLo = std::fmin(m1, m2), zHi = std::fmax(m1, m2);
    const double pad = 1e-12 * (std::fabs(zLo) + std::fabs(zHi)) + 1e-100;
    ok[p] = eligible[p] && std::isfinite(total[p]) && std::isfinite(zLo) && std::isfinite(zHi) && zHi + pad <= zCap;
    if (!ok[p]) continue;
    const double a = zLo - pad, b = zHi + pad;
    exponent[p] = std::max(exponentOf(b - a) - coarseness, exponentOf(std::fmax(std::fabs(a), std::fabs(b)) + 1e-300) - 40);
    const double q = powerOfTwo(exponent[p]);
    low[p] = static_cast<int64_t>(std::floor(a / q));
    high[p] = static_cast<int64_t>(std::ceil(b / q));
  }
}

// a_rk (k ≤ n) of the interpolants at the n + 1 points cos(πj/n) (grid index j · 64/n), all lanes:
// a_k = (2/n) Σ''_j f(x_j) cos(πjk/n), with a₀ and a_n halved (Σ'': first and last terms halved).
// cos(πk(n − j)/n) = (−1)^k cos(πjk/n), so the even k take f_j + f_{n−j} and the odd k f_j − f_{n−j}
// over j < n/2 (plus the middle point j = n/2, whose cosine vanishes for odd k).
DW2_SIMD_CLONES void levelCoefficients(int count, int n, const double* values, double* coefficients) {
  const double* cosine = cosines();
  const int stride = kGrid / n, half = n / 2;
  const double scale = 2.0 / n;
  V sum[kGrid / 2 + 1], difference[kGrid / 2 + 1];
  for (int r = 0; r < count; ++r) {
    const V* f = lanes(values + static_cast<size_t>(r) * kPoints * 8);
    V* a = lanes(coefficients + static_cast<size_t>(r) * kPoints * 8);
    sum[0] = 0.5 * (f[0] + f[kGrid]);
    difference[0] = 0.5 * (f[0] - f[kGrid]);
    for (int j = 1; j < half; ++j) {
      sum[j] = f[j * stride] + f[(n - j) * stride];
      difference[j] = f[j * stride] - f[(n - j) * stride];
    }
    const V middle = f[half * stride];
    for (int k = 0; k <= n; ++k) {
      const bool even = k % 2 == 0;
      const V* g = even ? sum : difference;
      V total = g[0];
      for (int j = 1; j < half; ++j) total += g[j] * cosine[((j * k) % (2 * n)) * stride];
      if (even) total += middle * cosine[((half * k) % (2 * n)) * stride];
      a[k] = (k == 0 || k == n ? 0.5 * scale : scale) * total;
    }
  }
}

// Row r of w_k = Σ_r' a_r'k v_r' (c: the count ≤ 3 coefficients a_r'k, v: their vectors), r' increasing:
// the recurrence's coefficient vector, summed the same way wherever it is formed.
__attribute__((always_inline)) inline V termRow(int count, const V* c, const V* const* v, size_t r) {
  V w = c[0] * v[0][r];
  if (count > 1) w = w + c[1] * v[1][r];
  if (count > 2) w = w + c[2] * v[2][r];
  return w;
}

// The coefficients a_rk of run r < count (zeros past count) and the runs' vectors as lanes.
__attribute__((always_inline)) inline void termInputs(int count, int k, const double* coef, const double* const* v, V* c,
                                                      const V** vs) {
  for (int r = 0; r < 3; ++r) {
    c[r] = r < count ? lanes(coef)[static_cast<size_t>(r) * kPoints + k] : V{};
    vs[r] = lanes(v[r < count ? r : 0]);
  }
}

// w = w_k for all rows.
__attribute__((always_inline)) inline void termVector(int count, int k, const double* coef, const double* const* v, size_t d, V* w) {
  V c[3];
  const V* vs[3];
  termInputs(count, k, coef, v, c, vs);
  for (size_t row = 0; row < d; ++row) w[row] = termRow(count, c, vs, row);
}

// One recurrence step b1 ← w_k + 2 X b1 − b2 (b2 ← b1) for a summary S = D + Σ_{k<N} u_k u_kᵀ:
// 2 X b1 = E ∘ b1 + Σ_k (2a u_k · b1) u_k with E = 2(a D − b) formed once per group (laneClenshaw), so
// a row costs E's product, the rank terms and the update. The N dot products first (they need all of
// b1), then one pass over the rows.
template <int N>
__attribute__((always_inline)) inline void fusedStep(const LaneStructuredOperator& op, int count, const V* c, const V* const* v,
                                                     V a2, const V* E, V* b1, V* b2) {
  const size_t d = op.d;
  const V* U = lanes(op.U);
  V dots[N];
  for (int k = 0; k < N; ++k) dots[k] = V{};
  for (size_t r = 0; r < d; ++r)
    for (int k = 0; k < N; ++k) dots[k] += U[k * d + r] * b1[r];
  for (int k = 0; k < N; ++k) dots[k] = a2 * dots[k];
  for (size_t r = 0; r < d; ++r) {
    V p = E[r] * b1[r];
    for (int k = 0; k < N; ++k) p = p + dots[k] * U[k * d + r];
    const V next = (termRow(count, c, v, r) + p) - b2[r];
    b2[r] = b1[r];
    b1[r] = next;
  }
}

// dx += Σ_k T_k(X) w_k in the fitted lanes (header, 3.), X = (hL − c)/ρ = a S − b with S the summary,
// a = (h/ρ) scale, b = (h/ρ) shift + c/ρ per lane (zero in the other lanes).
DW2_SIMD_CLONES void laneClenshaw(const LaneStructuredOperator& op, int count, int top, const double* aIn, const double* bIn,
                                  const int64_t* fitted, const double* coef, const double* const* v, double* b1Out, double* b2Out,
                                  double* wOut, double* productOut, double* dx) {
  const size_t d = op.d;
  V* b1 = lanes(b1Out);
  V* b2 = lanes(b2Out);
  V* w = lanes(wOut);
  V* product = lanes(productOut);
  V a, b;
  Mask use;
  std::memcpy(&a, aIn, sizeof a);
  std::memcpy(&b, bIn, sizeof b);
  std::memcpy(&use, fitted, sizeof use);
  V* out = lanes(dx);
  if (top == 0) {
    termVector(count, 0, coef, v, d, w);
    for (size_t row = 0; row < d; ++row) out[row] = select(use, out[row] + w[row], out[row]);
    return;
  }
  termVector(count, top, coef, v, d, b1);  // b_top = w_top
  for (size_t row = 0; row < d; ++row) b2[row] = V{};
  const V a2 = 2.0 * a, b2x = 2.0 * b;  // 2 (a p − b b1) = a2 p − b2x b1: doubling is exact
  const bool fused = !op.H && op.K >= 1 && op.K <= 8;
  if (fused)  // E = 2 (a D − b) (fusedStep), in the product's buffer
    for (size_t row = 0; row < d; ++row) product[row] = a2 * lanes(op.D)[row] - b2x;
  for (int k = top - 1; k >= 1; --k) {  // b_k = w_k + 2 X b_{k+1} − b_{k+2}, w_k formed inside the update
    V c[3];
    const V* vs[3];
    termInputs(count, k, coef, v, c, vs);
    if (fused) {
      switch (op.K) {
        case 8: fusedStep<8>(op, count, c, vs, a2, product, b1, b2); break;
        case 7: fusedStep<7>(op, count, c, vs, a2, product, b1, b2); break;
        case 6: fusedStep<6>(op, count, c, vs, a2, product, b1, b2); break;
        case 5: fusedStep<5>(op, count, c, vs, a2, product, b1, b2); break;
        case 4: fusedStep<4>(op, count, c, vs, a2, product, b1, b2); break;
        case 3: fusedStep<3>(op, count, c, vs, a2, product, b1, b2); break;
        case 2: fusedStep<2>(op, count, c, vs, a2, product, b1, b2); break;
        default: fusedStep<1>(op, count, c, vs, a2, product, b1, b2); break;
      }
      continue;
    }
    summaryProduct(op, b1, product);
    for (size_t row = 0; row < d; ++row) {
      const V next = termRow(count, c, vs, row) + (a2 * product[row] - b2x * b1[row]) - b2[row];
      b2[row] = b1[row];
      b1[row] = next;
    }
  }
  summaryProduct(op, b1, product);  // result w₀ + X b₁ − b₂
  termVector(count, 0, coef, v, d, w);
  for (size_t row = 0; row < d; ++row)
    out[row] = select(use, out[row] + ((w[row] + (a * product[row] - b * b1[row])) - b2[row]), out[row]);
}

}  // namespace

LaneChebyshev::LaneChebyshev(size_t d, Store* store)
    : d_(d), store_(store), values_(kMaxRuns * kPoints * 8), levelCoefficients_(values_.size()), coef_(values_.size()),
      b1_(d * 8), b2_(d * 8), w_(d * 8), product_(d * 8) {}

size_t LaneChebyshev::IntervalTable::home(const Interval& i) const {
  uint64_t h = static_cast<uint64_t>(static_cast<uint32_t>(i.exponent)) * 0x9e3779b97f4a7c15ULL;
  h ^= static_cast<uint64_t>(i.low) * 0xbf58476d1ce4e5b9ULL;
  h ^= static_cast<uint64_t>(i.high) * 0x94d049bb133111ebULL;
  return static_cast<size_t>(h ^ (h >> 29)) & (slots_.size() - 1);
}

const LaneChebyshev::Entry* LaneChebyshev::IntervalTable::find(const Interval& i) const {
  for (size_t q = home(i);; q = (q + 1) & (slots_.size() - 1)) {
    const Slot& s = slots_[q];
    if (s.generation != generation_) return nullptr;
    if (s.key == i) return &s.entry;
  }
}

void LaneChebyshev::IntervalTable::insert(const Interval& i, const Entry& e) {
  if (2 * (size_ + 1) > slots_.size()) {  // grow: rehash the live slots
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    size_ = 0;
    for (const Slot& s : old)
      if (s.generation == generation_) insert(s.key, s.entry);
  }
  size_t q = home(i);
  while (slots_[q].generation == generation_) q = (q + 1) & (slots_.size() - 1);
  slots_[q] = {i, e, generation_};
  ++size_;
}

void LaneChebyshev::intervals(const LaneStructuredOperator& op, double h, double zCap, const bool* eligible, Interval* out,
                              bool* ok) const {
  int exponent[8];
  int64_t low[8], high[8];
  gridIntervals(op, h, zCap, d_ < 32 ? 2 : 3, eligible, exponent, low, high, ok);
  for (int p = 0; p < 8; ++p)
    if (ok[p]) out[p] = {exponent[p], low[p], high[p]};
}

// The smallest degree m whose tail Σ_{k>m} |a_k| of lane p's function r at level n is ≤ tol · min |f|
// over the level's points (false comparisons on NaN keep m = n); -1 when no level can reach it: the
// values carry rounding errors of ε max |f| (ε = 2⁻⁵²), and their cosine sums leave coefficients of at
// least ≈ ε max |f| / √n, so a function whose range max |f| / min |f| over the interval exceeds
// tol / 10⁻¹⁷ (a lane whose hL has large positive eigenvalues) is left to Lanczos at once instead of
// after the 64-point level (10⁻¹⁷ < ε / √64: no lane that could meet tol is given up).
int LaneChebyshev::chop(int r, int p, int n, double tol) const {
  const int stride = kMaxPoints / n;
  const double* a = levelCoefficients_.data() + static_cast<size_t>(r) * kPoints * 8 + p;
  const double* values = values_.data() + static_cast<size_t>(r) * kPoints * 8 + p;
  double size = std::numeric_limits<double>::infinity(), largest = 0.0;
  for (int j = 0; j <= n; ++j) {
    const double v = std::fabs(values[j * stride * 8]);
    size = v < size ? v : size;
    largest = v > largest ? v : largest;
  }
  if (1e-17 * largest > tol * size) return -1;
  double tail = 0.0;
  int m = n;
  while (m > 0 && tail + std::fabs(a[m * 8]) <= tol * size) tail += std::fabs(a[(m--) * 8]);
  return m;
}

void LaneChebyshev::fitNew(const Interval* fresh, int count, const Functions& f, double tol) {
  double centre[8], halfWidth[8];
  bool pending[8];
  for (int p = 0; p < 8; ++p) {
    const Interval& i = fresh[p < count ? p : 0];  // spare lanes repeat the first interval (results unused)
    const double q = powerOfTwo(i.exponent);
    centre[p] = 0.5 * q * static_cast<double>(i.low + i.high);
    halfWidth[p] = 0.5 * q * static_cast<double>(i.high - i.low);
    pending[p] = p < count;
  }
  const double* cosine = cosines();
  for (int n = kFirstPoints; n <= kMaxPoints; n *= 2) {
    const int stride = kMaxPoints / n;
    for (int j = n == kFirstPoints ? 0 : 1; j <= n; j += n == kFirstPoints ? 1 : 2) {  // the coarser level holds the even j
      const int i = j * stride;
      double z[8], out[kMaxRuns * 8];
      for (int p = 0; p < 8; ++p) z[p] = centre[p] + halfWidth[p] * cosine[i];
      f.evaluate(z, out);
      for (int r = 0; r < count_; ++r)
        for (int p = 0; p < 8; ++p) values_[(static_cast<size_t>(r) * kPoints + i) * 8 + p] = out[r * 8 + p];
    }
    levelCoefficients(count_, n, values_.data(), levelCoefficients_.data());
    bool any = false;
    for (int p = 0; p < count; ++p) {
      if (!pending[p]) continue;
      int top = 0;
      bool met = true;
      // Kept 100 times below tol: the tail estimates the interpolant's error, Lanczos's estimate
      // (the other route) usually overstates its own, and the unstabilized scheme amplifies errors.
      bool hopeless = false;
      for (int r = 0; r < count_ && met; ++r) {
        const int m = chop(r, p, n, 1e-2 * tol);
        hopeless = m < 0;
        met = m >= 0 && m <= n - 2;
        top = std::max(top, m);
      }
      if (!met && !hopeless && n < kMaxPoints) {
        any = true;
        continue;
      }
      pending[p] = false;
      const Entry entry{met, top, entries_.size()};
      for (int r = 0; r < count_; ++r)
        for (int k = 0; k <= top; ++k) entries_.push_back(levelCoefficients_[(static_cast<size_t>(r) * kPoints + k) * 8 + p]);
      cache_.insert(fresh[p], entry);
    }
    if (!any) break;
  }
}

LaneChebyshev::Entry LaneChebyshev::copyEntry(const Entry& e, const std::vector<double>& from, std::vector<double>& to) const {
  const Entry copy{e.met, e.degree, to.size()};
  const auto first = from.begin() + static_cast<std::ptrdiff_t>(e.offset);
  to.insert(to.end(), first, first + static_cast<std::ptrdiff_t>(count_) * (e.degree + 1));
  return copy;
}

int LaneChebyshev::takeFromStore(Interval* fresh, int count) {
  std::lock_guard<std::mutex> lock(store_->mutex_);
  int left = 0;
  for (int i = 0; i < count; ++i) {
    const Entry* e = store_->table_.find(fresh[i]);
    if (e) cache_.insert(fresh[i], copyEntry(*e, store_->entries_, entries_));
    else fresh[left++] = fresh[i];
  }
  return left;
}

void LaneChebyshev::addToStore(const Interval* fresh, int count) {
  std::lock_guard<std::mutex> lock(store_->mutex_);
  for (int i = 0; i < count; ++i) {
    if (store_->table_.size() >= kMaxEntries || store_->table_.find(fresh[i])) continue;
    store_->table_.insert(fresh[i], copyEntry(*cache_.find(fresh[i]), entries_, store_->entries_));
  }
}

void LaneChebyshev::fit(const LaneStructuredOperator& op, double h, const Functions& f, double tol, int maxDegree, double zCap,
                        const bool* eligible, bool* fitted, int* degree) {
  count_ = f.count;
  maxDegree_ = 0;
  // Bounds the memory (≤ 3 · 63 doubles an entry): emptying costs refits only, never other bits.
  if (cache_.size() >= kMaxEntries) startStep();
  Interval interval[8], fresh[8];
  Entry entry[8];
  bool ok[8], known[8];
  intervals(op, h, zCap, eligible, interval, ok);
  int freshCount = 0;
  for (int p = 0; p < 8; ++p) {
    const Entry* e = ok[p] ? cache_.find(interval[p]) : nullptr;
    known[p] = e != nullptr;
    if (known[p]) entry[p] = *e;
    if (!ok[p] || known[p]) continue;
    bool listed = false;
    for (int i = 0; i < freshCount; ++i) listed = listed || fresh[i] == interval[p];
    if (!listed) fresh[freshCount++] = interval[p];
  }
  if (freshCount > 0 && store_) freshCount = takeFromStore(fresh, freshCount);
  if (freshCount > 0) {
    fitNew(fresh, freshCount, f, tol);
    if (store_) addToStore(fresh, freshCount);
  }
  for (int p = 0; p < 8; ++p) {
    fitted[p] = false;
    fitted_[p] = 0;
    degree[p] = 0;
    if (!ok[p]) continue;
    if (!known[p]) entry[p] = *cache_.find(interval[p]);
    const Entry& e = entry[p];
    if (!e.met || e.degree > maxDegree) continue;
    const double q = powerOfTwo(interval[p].exponent);
    centre_[p] = 0.5 * q * static_cast<double>(interval[p].low + interval[p].high);
    halfWidth_[p] = 0.5 * q * static_cast<double>(interval[p].high - interval[p].low);
    fitted[p] = true;
    fitted_[p] = -1;
    degree[p] = e.degree;
    maxDegree_ = std::max(maxDegree_, e.degree);
  }
  // coef_ up to the group's degree (the recurrence reads no further): each fitted lane's a_rk, zeros
  // past its own degree and in the other lanes.
  for (int r = 0; r < count_; ++r)
    std::fill_n(coef_.begin() + static_cast<size_t>(r) * kPoints * 8, static_cast<size_t>(maxDegree_ + 1) * 8, 0.0);
  for (int p = 0; p < 8; ++p) {
    if (!fitted[p]) continue;
    const double* a = entries_.data() + entry[p].offset;
    for (int r = 0; r < count_; ++r, a += degree[p] + 1)
      for (int k = 0; k <= degree[p]; ++k) coef_[(static_cast<size_t>(r) * kPoints + k) * 8 + p] = a[k];
  }
}

void LaneChebyshev::apply(const LaneStructuredOperator& op, double h, const double* const* v, double* dx) {
  double a[8], b[8];
  bool any = false;
  for (int p = 0; p < 8; ++p) {
    const double alpha = fitted_[p] ? h / halfWidth_[p] : 0.0;  // halfWidth > 0: the interval is padded
    a[p] = alpha * op.scale;
    b[p] = fitted_[p] ? alpha * op.shift + centre_[p] / halfWidth_[p] : 0.0;
    any = any || fitted_[p];
  }
  if (!any) return;
  laneClenshaw(op, count_, maxDegree_, a, b, fitted_, coef_.data(), v, b1_.data(), b2_.data(), w_.data(), product_.data(), dx);
}

}  // namespace dw2
