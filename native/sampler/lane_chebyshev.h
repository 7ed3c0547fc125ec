// Σ_r f_r(hL_p) v_{r,p} for 8 particles p at once (SIMD lanes = particles) by one polynomial
// recurrence: the polynomial route of local linearization's cached-product step.
// 1. An interval [z₋, z₊] holding the spectrum of hL_p, with L_p = scale · S_p − shift · I and S_p
//    the ∇s summary: Weyl's inequalities for S = diag(D) + Σ_k u_k u_kᵀ (Σ u_k u_kᵀ ⪰ 0 has largest
//    eigenvalue ≤ its trace), λ(S) ⊂ [min D, max D + Σ_k |u_k|²]; Gershgorin's discs for a dense S.
// 2. Each f_r interpolated at the Chebyshev points z = c + ρ cos(πj/n), j = 0…n (c, ρ the interval's
//    centre and half-width), coefficients a_rk of T_k by the discrete cosine sum (Trefethen,
//    Approximation Theory and Approximation Practice, SIAM 2013, ch. 3); n = 4, 8, …, 64 (the
//    points nest) until the last two coefficients of every f_r lie in a tail Σ_{k>m} |a_rk| ≤
//    tol · min_j |f_r(z_j)|, then the degree m_p = max_r m_r (chebfun's chop, simplified). Every f_r
//    here is analytic around the interval and has no zero on it, so the uniform error of the
//    truncated interpolant is about its tail, at most tol |f_r(z)| at every z of the interval: each
//    term p_r(hL) v is within tol of f_r(hL) v relative to it, direction by direction, for every
//    spectrum inside the interval.
// The interval is rounded outwards to a grid of step q = 2^e ≈ width/4 below d = 32, width/8 from
// there (widening it by at most a half or a quarter) and its interpolants are kept for the rest of
// the step: particles whose spectra fall in the same grid interval share one fit — across the threads
// of a run too, through a shared store (LaneChebyshev::Store) each thread consults for the intervals
// it has not met yet — and an interpolant depends on its grid interval alone, never on which
// particle, lane or thread asked first.
// 3. Σ_r p_r(hL) v_r = Σ_k T_k(X) w_k, X = (hL − c)/ρ, w_k = Σ_r a_rk v_r, by Clenshaw's recurrence
//    with vector coefficients (ibid. ch. 3 exercise; valid because every term is a polynomial in the
//    one matrix X): b_k = w_k + 2X b_{k+1} − b_{k+2}, result w₀ + X b₁ − b₂. m_p products with L for
//    all terms together, where Lanczos needs one run (and small eigenproblems) per vector.
// Lanes never mix: a lane's interval, points, coefficients and degree are its own, the recurrence
// runs to the group's largest degree and a lane's coefficients are exactly zero above its own degree,
// so its b_k stay exactly zero until then; its result is that of a lone particle.
#pragma once
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>
#include "runtime/lane_buffer.h"
#include "sampler/lane_structured_product.h"

namespace dw2 {

class LaneChebyshev {
 public:
  static constexpr int kMaxRuns = 3;      // functions summed (b, z, M: the per-step SDE step)
  static constexpr int kMaxPoints = 64;   // the finest interpolation: n = 64 (degree ≤ 62 after chop)
  static constexpr int kFirstPoints = 4;
  static constexpr size_t kMaxEntries = 4096;  // interpolants kept per step (then the cache is emptied)

  // The functions at eight points z (one per lane): out[r · 8 + p] = f_r(z[p]).
  class Functions {
   public:
    explicit Functions(int count) : count(count) {}
    virtual ~Functions() = default;
    virtual void evaluate(const double* z, double* out) const = 0;
    const int count;
  };

  // The step's interpolants by grid interval for the threads of a run (defined below): each thread
  // keeps the ones it uses in its own table (no lock on the way of every group) and takes from the
  // store, under its lock, an interval it meets for the first time — fitting it, outside the lock,
  // and adding it only when no thread has. Without a store the fits stay the thread's own.
  class Store;

  explicit LaneChebyshev(size_t d, Store* store = nullptr);
  // Forgets this thread's interpolants: call when the functions change (each step), with the store's
  // Store::startStep.
  void startStep() {
    cache_.clear();
    entries_.clear();
  }
  // Lanes p with eligible[p]: the interval of hL_p's spectrum and the interpolants on it (from the
  // cache, else fitted for the group's new intervals together). fitted[p]: the interval is finite with
  // z₊ ≤ zCap (a stabilized step's cap then never acts) and the interpolants met tol with degree ≤
  // maxDegree at n ≤ 64; degree[p]: the degree (products with L).
  void fit(const LaneStructuredOperator& op, double h, const Functions& f, double tol, int maxDegree, double zCap,
           const bool* eligible, bool* fitted, int* degree);
  // dx (d × 8) += Σ_r p_r(hL) v_r in the fitted lanes of the last fit (v[r]: d × 8); other lanes unchanged.
  void apply(const LaneStructuredOperator& op, double h, const double* const* v, double* dx);

 private:
  struct Interval {
    int exponent;  // the grid step q = 2^exponent
    int64_t low, high;  // [low q, high q]
    bool operator==(const Interval& o) const { return exponent == o.exponent && low == o.low && high == o.high; }
  };
  struct Entry {
    bool met;
    int degree;
    size_t offset;  // a_rk at entries_[offset + r (degree + 1) + k]
  };
  // Grid intervals → entries: open addressing with linear probing, emptied per step by a generation
  // stamp (no per-step clearing of the slots), grown at half load.
  class IntervalTable {
   public:
    const Entry* find(const Interval& i) const;
    void insert(const Interval& i, const Entry& e);
    void clear() {
      ++generation_;
      size_ = 0;
    }
    size_t size() const { return size_; }

   private:
    struct Slot {
      Interval key{};
      Entry entry{};
      uint64_t generation = 0;
    };
    size_t home(const Interval& i) const;
    std::vector<Slot> slots_ = std::vector<Slot>(1024);
    uint64_t generation_ = 1;
    size_t size_ = 0;
  };
  // The interval of each lane (ok[p] false where there is none), from the summary bounds.
  void intervals(const LaneStructuredOperator& op, double h, double zCap, const bool* eligible, Interval* out, bool* ok) const;
  // Interpolates f on up to 8 new intervals at once (one per lane) and adds their entries.
  void fitNew(const Interval* fresh, int count, const Functions& f, double tol);
  // Under the store's lock: the intervals of fresh[0 … count) the store holds are copied into this
  // thread's table; returns how many are left to fit (moved to the front of fresh).
  int takeFromStore(Interval* fresh, int count);
  // Under the store's lock: this thread's new fits added to the store (those no other thread added
  // meanwhile — theirs have the same bits — while it holds fewer than kMaxEntries).
  void addToStore(const Interval* fresh, int count);
  // Entry e's coefficients (count_ · (degree + 1) of them) appended to `to`, with its new entry.
  Entry copyEntry(const Entry& e, const std::vector<double>& from, std::vector<double>& to) const;
  int chop(int r, int p, int n, double tol) const;
  size_t d_;
  int count_ = 0, maxDegree_ = 0;
  // Per lane of the last fit: the interval's centre and half-width (z), the fitted mask (all ones where fitted).
  double centre_[8] = {}, halfWidth_[8] = {};
  int64_t fitted_[8] = {};
  Store* store_;
  IntervalTable cache_;
  std::vector<double> entries_;
  // values_: f_r at the 65 points cos(πi/64) of the finest grid (entry (r·65 + i)·8 + p);
  // levelCoefficients_: a_rk of the current level; coef_: the fitted lanes' a_rk up to the
  // group's largest degree (zeros past a lane's own degree and in the lanes not fitted).
  LaneBuffer values_, levelCoefficients_, coef_, b1_, b2_, w_, product_;
};

class LaneChebyshev::Store {
 public:
  // Forgets the interpolants (each step, while no thread fits).
  void startStep() {
    table_.clear();
    entries_.clear();
  }

 private:
  friend class LaneChebyshev;
  std::mutex mutex_;
  IntervalTable table_;
  std::vector<double> entries_;  // Entry::offset indexes here
};

}  // namespace dw2
