// Forward auction with epsilon-scaling for the square assignment problem
// (Bertsekas' method; the ideas, not any particular code).
//
// Rows bid for columns. Row i values column j at C(i, j) + p_j (lower is better).
// A free row finds its best column j1 (value w1) and second-best value w2 and
// raises p_j1 until j1 is worse than the second best by epsilon:
// p_j1 := w2 - C(i, j1) + epsilon. The previous holder of j1 becomes free. Every
// assigned row then satisfies epsilon-complementary slackness,
//   C(i, col(i)) + p_col(i) <= min_j (C(i, j) + p_j) + epsilon,
// so a complete assignment costs at most n * epsilon more than the optimum. Phases
// shrink epsilon; at each phase start, rows whose slack exceeds the new epsilon
// are freed (the others keep their column).
//
// Candidate lists make a bid O(k) instead of O(n): when row i's list is (re)built
// it stores the k columns with the lowest values and the (k+1)-th lowest value T_i.
// Prices only ever rise, so every unlisted column's value stays >= T_i. A bid is
// therefore exact whenever the best listed value is <= T_i (using min(w2, T_i) as
// the second best only makes the raise smaller, which keeps epsilon-CS); otherwise
// the list is rebuilt from a full cost row. Rebuilding needs the full row, so with
// costs computed from coordinates (no dense matrix) this is where the time goes:
// rebuilds of a batch of free rows run in parallel.
//
// The result is not trusted: the caller certifies it (dual feasibility over all
// pairs and the primal-dual gap) and finishes with shortest augmenting paths from
// these prices when the certificate misses the tolerance.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <utility>
#include <limits>
#include <string>
#include "core/errors.h"
#include "ot/assignment.h"
#include "ot/cost_filter.h"
#include "runtime/simd.h"
#include "runtime/threads.h"
#include <omp.h>

namespace dw2::ot {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Lists {
  size_t k = 0;
  std::vector<int32_t> col;  // n x k
  std::vector<double> cost;  // n x k: C(i, col)
  std::vector<double> tail;  // T_i
};

struct ListEntry {
  double w;
  int32_t j;
  double cost;
};

// Per-thread scratch for list rebuilds.
struct SelectScratch {
  std::vector<double> w;       // C(i, j) + p_j
  std::vector<double> mins;    // group minima
  std::vector<int32_t> cand;   // columns that can be among the k + 1 lowest
  std::vector<double> cost;    // exact C(i, j) of the candidates (filtered rebuilds)
  std::vector<double> exact;   //   and C(i, j) + p_j
  std::vector<float> pack;     // rows of a packed for ExpandedCosts::rows
  std::vector<size_t> order;
  std::vector<ListEntry> sorted;
};

// The list entries in a canonical order (value, then column), so lists and hence bids
// do not depend on which selection path or thread built them.
void sortList(int32_t* col, double* cost, size_t listed, const double* p, std::vector<ListEntry>& tmp) {
  tmp.resize(listed);
  for (size_t t = 0; t < listed; ++t) tmp[t] = {cost[t] + p[col[t]], col[t], cost[t]};
  std::sort(tmp.begin(), tmp.end(), [](const ListEntry& x, const ListEntry& y) { return x.w < y.w || (x.w == y.w && x.j < y.j); });
  for (size_t t = 0; t < listed; ++t) col[t] = tmp[t].j, cost[t] = tmp[t].cost;
}

// w = row + p, and the minimum of every group of `groupLen` consecutive entries
// (8 running minima per group, so the loop vectorises; x < y ? x : y is minpd).
DW2_SIMD_CLONES void valuesAndGroupMinima(const double* row, const double* p, size_t m, size_t groupLen, double* w,
                                          double* mins) {
  const size_t groups = (m + groupLen - 1) / groupLen;
  for (size_t g = 0; g < groups; ++g) {
    const size_t lo = g * groupLen, hi = std::min(m, lo + groupLen);
    double mn[8] = {kInf, kInf, kInf, kInf, kInf, kInf, kInf, kInf};
    size_t j = lo;
    for (; j + 8 <= hi; j += 8)
      for (size_t t = 0; t < 8; ++t) {
        const double x = row[j + t] + p[j + t];
        w[j + t] = x;
        mn[t] = x < mn[t] ? x : mn[t];
      }
    for (; j < hi; ++j) {
      w[j] = row[j] + p[j];
      mn[0] = w[j] < mn[0] ? w[j] : mn[0];
    }
    double r = mn[0];
    for (size_t t = 1; t < 8; ++t) r = mn[t] < r ? mn[t] : r;
    mins[g] = r;
  }
}

// Appends to `out` every j with w[j] <= tau; blocks of 16 are tested together first.
DW2_SIMD_CLONES size_t indicesAtMost(const double* w, size_t m, double tau, int32_t* out) {
  size_t count = 0, j = 0;
  constexpr size_t B = 16;
  for (; j + B <= m; j += B) {
    int any = 0;
    for (size_t t = 0; t < B; ++t) any |= w[j + t] <= tau;
    if (any)
      for (size_t t = 0; t < B; ++t)
        if (w[j + t] <= tau) out[count++] = int32_t(j + t);
  }
  for (; j < m; ++j)
    if (w[j] <= tau) out[count++] = int32_t(j);
  return count;
}

// Selects the k lowest values C(i, j) + p_j of one row into row i's list; T_i is the
// (k+1)-th lowest (or +inf when the list holds every column). With G >= k + 1 groups,
// the (k+1)-th lowest group minimum tau is >= the (k+1)-th lowest value (those k + 1
// minima are distinct entries), so the k + 1 lowest all satisfy w <= tau: one
// vectorised pass for the values and group minima, one filtering pass, and a
// selection among the few survivors. Ties are broken by column index, so the lists
// do not depend on the thread that built them.
void selectRow(const double* row, const double* p, size_t m, size_t i, Lists& L, SelectScratch& s) {
  const size_t keep = std::min(m, L.k + 1);
  s.w.resize(m);
  const size_t groupLen = std::max<size_t>(8, m / (2 * keep));
  const size_t groups = (m + groupLen - 1) / groupLen;
  s.mins.resize(groups);
  valuesAndGroupMinima(row, p, m, groupLen, s.w.data(), s.mins.data());
  const double* w = s.w.data();
  s.cand.resize(m);
  if (groups >= keep) {
    std::nth_element(s.mins.begin(), s.mins.begin() + ptrdiff_t(keep - 1), s.mins.end());
    s.cand.resize(indicesAtMost(w, m, s.mins[keep - 1], s.cand.data()));
  } else {
    for (size_t j = 0; j < m; ++j) s.cand[j] = int32_t(j);
  }
  auto less = [w](int32_t x, int32_t y) { return w[x] < w[y] || (w[x] == w[y] && x < y); };
  int32_t* col = L.col.data() + i * L.k;
  double* cost = L.cost.data() + i * L.k;
  if (keep > L.k) {  // the (k+1)-th lowest becomes T_i
    std::nth_element(s.cand.begin(), s.cand.begin() + ptrdiff_t(L.k), s.cand.end(), less);
    L.tail[i] = w[s.cand[L.k]];
  } else {
    L.tail[i] = kInf;
  }
  const size_t listed = std::min(L.k, s.cand.size());
  for (size_t t = 0; t < listed; ++t) col[t] = s.cand[t], cost[t] = row[s.cand[t]];
  sortList(col, cost, listed, p, s.sorted);
}

// selectRow from estimates (cost_filter.h): the same list and T_i, with exact costs
// computed only for candidates. Every estimate is within `margin` of the exact cost,
// so with tau the (k+1)-th lowest estimated value, the k + 1 lowest exact values are
// <= tau + margin (+ rounding of the price additions), and every column that can hold
// such a value has an estimate <= tau + 2 margin (+ rounding): those are the
// candidates, and the k + 1 lowest exact values among them are the row's.
void selectRowFiltered(const SqEuclideanCost& C, const double* est, double margin, const double* p, size_t m, size_t i,
                       Lists& L, SelectScratch& s) {
  const size_t keep = std::min(m, L.k + 1);
  s.w.resize(m);
  const size_t groupLen = std::max<size_t>(8, m / (2 * keep));
  const size_t groups = (m + groupLen - 1) / groupLen;
  s.mins.resize(groups);
  valuesAndGroupMinima(est, p, m, groupLen, s.w.data(), s.mins.data());
  s.cand.resize(m);
  if (groups >= keep) {
    std::nth_element(s.mins.begin(), s.mins.begin() + ptrdiff_t(keep - 1), s.mins.end());
    const double tau = s.mins[keep - 1];
    const double threshold = tau + 2.0 * margin + 8.0 * DBL_EPSILON * std::fabs(tau);
    s.cand.resize(indicesAtMost(s.w.data(), m, threshold, s.cand.data()));
  } else {
    for (size_t j = 0; j < m; ++j) s.cand[j] = int32_t(j);
  }
  s.cost.resize(s.cand.size());
  s.exact.resize(s.cand.size());
  C.entries(i, s.cand.data(), s.cand.size(), s.cost.data());
  for (size_t t = 0; t < s.cand.size(); ++t) s.exact[t] = s.cost[t] + p[s.cand[t]];
  std::vector<size_t>& order = s.order;
  order.resize(s.cand.size());
  for (size_t t = 0; t < order.size(); ++t) order[t] = t;
  const double* w = s.exact.data();
  const int32_t* cj = s.cand.data();
  auto less = [w, cj](size_t x, size_t y) { return w[x] < w[y] || (w[x] == w[y] && cj[x] < cj[y]); };
  int32_t* col = L.col.data() + i * L.k;
  double* cost = L.cost.data() + i * L.k;
  if (keep > L.k && order.size() > L.k) {
    std::nth_element(order.begin(), order.begin() + ptrdiff_t(L.k), order.end(), less);
    L.tail[i] = w[order[L.k]];
  } else {
    L.tail[i] = kInf;
  }
  const size_t listed = std::min(L.k, order.size());
  for (size_t t = 0; t < listed; ++t) col[t] = cj[order[t]], cost[t] = s.cost[order[t]];
  sortList(col, cost, listed, p, s.sorted);
}

struct Best {
  double w1 = kInf, w2 = kInf;
  int32_t j1 = -1;
  double c1 = 0.0;
};

inline Best scanList(const Lists& L, const double* p, size_t i) {
  Best b;
  const int32_t* col = L.col.data() + i * L.k;
  const double* cost = L.cost.data() + i * L.k;
  for (size_t t = 0; t < L.k; ++t) {
    const double w = cost[t] + p[col[t]];
    if (w < b.w1) {
      b.w2 = b.w1;
      b.w1 = w;
      b.j1 = col[t];
      b.c1 = cost[t];
    } else if (w < b.w2) {
      b.w2 = w;
    }
  }
  return b;
}

// One auction run: candidate lists, prices and the queue of free rows.
class Auction {
 public:
  Auction(const SqEuclideanCost& C, AssignmentState& s, const AuctionOptions& opts, Progress& progress,
          AuctionStats& stats)
      : C_(C), n_(C.rows()), s_(s), opts_(opts), progress_(progress), stats_(stats), p_(n_, 0.0), rowBuf_(std::max(1, maxThreads()), std::vector<double>((C.filter() ? kFilterBlock : kGroup) * n_)),
        scratch_(std::max(1, maxThreads())), assignedCost_(n_, 0.0), ring_(n_ + 1) {
    L_.k = std::max<size_t>(2, std::min(n_, opts.listSize));
    L_.col.resize(n_ * L_.k);
    L_.cost.resize(n_ * L_.k);
    L_.tail.resize(n_);
    stale_.reserve(256);
  }

  void run() {
    buildInitialLists();
    const double cmax = C_.maxCostBound();
    eps_ = std::min(cmax / 16.0, startingEpsilon());
    if (!(eps_ > 0)) eps_ = cmax / 16.0;
    maxBids_ = opts_.maxBids ? opts_.maxBids : uint64_t(200) * n_ * 64 + 1000000;
    logSpan_ = std::log(std::max(2.0, cmax * double(n_) / std::max(opts_.absGap, 1e-300)));
    eps0_ = eps_;
    for (;;) {
      ++stats_.phases;
      queueSlackRows();
      if (!bidUntilAssigned()) break;  // exhausted
      if (!nextPhase()) break;
    }
    s_.v.assign(n_, 0.0);
    for (size_t j = 0; j < n_; ++j) s_.v[j] = -p_[j];
    progress_.checkpoint(1.0);
  }

 private:
  static constexpr size_t kGroup = 4;
  static constexpr size_t kFilterBlock = 32;

  // Rebuilds from estimates: blocks of up to kFilterBlock rows per pass over b.
  void rebuildFiltered(const ExpandedCosts& F, const int64_t* idx, size_t count) {
    const int threads = threadsFor(double(count) * double(n_), 2.0 * double(C_.dim()) + 8.0);
    const size_t per = std::min(kFilterBlock, ((count + size_t(threads) - 1) / size_t(threads) + 3) / 4 * 4);
    const size_t tasks = (count + per - 1) / per;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (long long g = 0; g < static_cast<long long>(tasks); ++g) {
      const int tid = omp_get_thread_num();
      const size_t t0 = size_t(g) * per, cnt = std::min(per, count - t0);
      double* buf = rowBuf_[tid].data();
      F.rows(idx + t0, cnt, buf, n_, scratch_[tid].pack);
      for (size_t q = 0; q < cnt; ++q) {
        const size_t i = size_t(idx[t0 + q]);
        selectRowFiltered(C_, buf + q * n_, F.margin(i), p_.data(), n_, i, L_, scratch_[tid]);
      }
    }
    stats_.rebuilds += count;
  }

  // Rebuilds the lists of rows idx[0..count), four rows per cost evaluation, in parallel.
  void rebuild(const int64_t* idx, size_t count) {
    if (const ExpandedCosts* F = C_.filter()) return rebuildFiltered(*F, idx, count);
    const size_t groups = (count + kGroup - 1) / kGroup;
    const int threads = C_.isDense() ? threadsFor(double(count) * double(n_), 8.0)
                                     : threadsFor(double(count) * double(n_), 3.0 * double(C_.dim()) + 8.0);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (long long g = 0; g < static_cast<long long>(groups); ++g) {
      const int tid = omp_get_thread_num();
      const size_t g0 = size_t(g) * kGroup, cnt = std::min(kGroup, count - g0);
      double* buf = rowBuf_[tid].data();
      if (C_.isDense()) {
        for (size_t q = 0; q < cnt; ++q)
          selectRow(C_.rowPtr(size_t(idx[g0 + q]), buf), p_.data(), n_, size_t(idx[g0 + q]), L_, scratch_[tid]);
      } else {
        C_.rowsOf(idx + g0, cnt, buf, n_);
        for (size_t q = 0; q < cnt; ++q) selectRow(buf + q * n_, p_.data(), n_, size_t(idx[g0 + q]), L_, scratch_[tid]);
      }
    }
    stats_.rebuilds += count;
  }

  // Initial lists, in chunks so cancellation stays responsive.
  void buildInitialLists() {
    std::vector<int64_t> all(n_);
    for (size_t i = 0; i < n_; ++i) all[i] = int64_t(i);
    const size_t chunk = std::max<size_t>(64, (size_t(1) << 26) / std::max<size_t>(1, n_ * (3 * C_.dim() + 8)));
    for (size_t i0 = 0; i0 < n_; i0 += chunk) {
      rebuild(all.data() + i0, std::min(chunk, n_ - i0));
      progress_.checkpoint(0.2 * double(std::min(n_, i0 + chunk)) / double(n_));
    }
  }

  // The typical spread of a row's best candidates (an epsilon far above the differences
  // that matter only scrambles prices that later phases must undo).
  double startingEpsilon() const {
    double spread = 0.0;
    for (size_t i = 0; i < n_; ++i) {
      double lo = kInf;
      for (size_t t = 0; t < L_.k; ++t) lo = std::min(lo, L_.cost[i * L_.k + t]);
      const double hi = std::isfinite(L_.tail[i]) ? L_.tail[i] : lo;
      spread += (hi - lo) / double(n_);
    }
    return spread;
  }

  size_t queued() const { return (tail_ + ring_.size() - head_) % ring_.size(); }
  void push(int64_t i) {
    ring_[tail_] = i;
    tail_ = (tail_ + 1) % ring_.size();
  }

  // Phase start: queues the free rows and frees every row whose slack exceeds epsilon.
  void queueSlackRows() {
    for (size_t i = 0; i < n_; ++i) {
      if (s_.col4row[i] < 0) {
        push(int64_t(i));
        continue;
      }
      const Best b = scanList(L_, p_.data(), i);
      const double lower = std::min(b.w1, L_.tail[i]);
      if (assignedCost_[i] + p_[s_.col4row[i]] - lower > eps_) {
        s_.row4col[s_.col4row[i]] = -1;
        s_.col4row[i] = -1;
        push(int64_t(i));
      }
    }
  }

  // A bid raises the price of the row's best column to the second-best value + eps.
  // One bid of free row i; with opts.deferStale a row whose list went stale since the
  // batch started goes back to the queue instead (its list is rebuilt with the next batch).
  void bid(int64_t i) {
    Best b = scanList(L_, p_.data(), size_t(i));
    if (b.w1 > L_.tail[i]) {
      if (opts_.deferStale) {
        push(i);
        return;
      }
      rebuild(&i, 1);
      b = scanList(L_, p_.data(), size_t(i));
    }
    if (b.j1 < 0)  // only when costs are not finite, which cost_scale.h rules out
      fail(ErrorCode::Internal, "auction: no finite candidate for row " + std::to_string(i));
    const double second = std::min(b.w2, L_.tail[i]);
    double price = (second + eps_) - b.c1;
    if (!(price > p_[b.j1]))  // round-off guard: prices strictly rise
      price = std::max(p_[b.j1] + eps_, std::nextafter(p_[b.j1], kInf));
    p_[b.j1] = price;
    const int64_t prev = s_.row4col[b.j1];
    s_.row4col[b.j1] = i;
    s_.col4row[i] = b.j1;
    assignedCost_[i] = b.c1;
    if (prev >= 0) {
      s_.col4row[prev] = -1;
      push(prev);
    }
    ++stats_.bids;
  }

  // Bids until every row is assigned; false when the bid limit was reached.
  bool bidUntilAssigned() {
    while (queued() > 0) {
      // Parallel pass: rebuild the stale lists of the next batch of free rows.
      const size_t batch = std::min<size_t>(queued(), 256);
      stale_.clear();
      for (size_t q = 0; q < batch; ++q) {
        const int64_t i = ring_[(head_ + q) % ring_.size()];
        if (scanList(L_, p_.data(), size_t(i)).w1 > L_.tail[i]) stale_.push_back(i);
      }
      if (stale_.size() > (opts_.deferStale ? 0 : 1)) rebuild(stale_.data(), stale_.size());
      // Sequential (Gauss-Seidel) bids.
      for (size_t q = 0; q < batch; ++q) {
        const int64_t i = ring_[head_];
        head_ = (head_ + 1) % ring_.size();
        bid(i);
      }
      if (stats_.bids > maxBids_) {
        stats_.exhausted = true;
        return false;
      }
      const double phaseFrac = std::min(1.0, std::log(eps0_ / eps_) / logSpan_);
      progress_.checkpoint(0.2 + 0.8 * phaseFrac);
    }
    return true;
  }

  // After a phase: stops when the bound on the total gap (sum over rows of own value
  // minus a lower bound on the row minimum) meets the target, else shrinks epsilon.
  bool nextPhase() {
    double gap = 0.0, primal = 0.0;
    for (size_t i = 0; i < n_; ++i) {
      const Best b = scanList(L_, p_.data(), i);
      gap += assignedCost_[i] + p_[s_.col4row[i]] - std::min(b.w1, L_.tail[i]);
      primal += assignedCost_[i];
    }
    stats_.gapEstimate = gap;
    stats_.finalEpsilon = eps_;
    const double target = opts_.relGap * primal + opts_.absGap;
    if (gap <= target) return false;
    const double floorEps = 0.5 * target / double(n_);
    if (eps_ <= floorEps) return false;  // gap <= n * eps: only round-off can get here
    eps_ = std::max(eps_ / opts_.epsilonDivisor, floorEps);
    return true;
  }

  const SqEuclideanCost& C_;
  const size_t n_;
  AssignmentState& s_;
  const AuctionOptions& opts_;
  Progress& progress_;
  AuctionStats& stats_;
  Lists L_;
  std::vector<double> p_;  // prices
  std::vector<std::vector<double>> rowBuf_;
  std::vector<SelectScratch> scratch_;
  std::vector<double> assignedCost_;
  std::vector<int64_t> ring_;  // FIFO of free rows (at most n at once)
  size_t head_ = 0, tail_ = 0;
  std::vector<int64_t> stale_;
  double eps_ = 0.0, eps0_ = 0.0, logSpan_ = 1.0;
  uint64_t maxBids_ = 0;
};

}  // namespace

void auctionAssign(const SqEuclideanCost& C, AssignmentState& s, const AuctionOptions& opts, Progress& progress,
                   AuctionStats& stats) {
  const size_t n = C.rows();
  if (C.cols() != n) fail(ErrorCode::Internal, "auctionAssign needs a square problem");
  s.reset(n);
  if (n == 0) return;
  if (n == 1) {
    s.col4row[0] = s.row4col[0] = 0;
    return;
  }
  Auction(C, s, opts, progress, stats).run();
}

}  // namespace dw2::ot
