// The noise coefficients of one local-linearization step (local_linearization_noise.h) for many
// eigenvalues μ at once, for the CPU sampler. Within a step h, a = g(t_k)², b = −(g²)′(t_k) are
// the same for every particle; only μ varies. Where the step is one quadrature panel
// (|hμ| ≤ 8: every eigenvalue of a non-stiff step) the Gauss–Legendre nodes r_i, weights w_i
// and u_i = g(r_i) depend on (h, a, b) alone: the table computes them once per step, exactly as
// localLinearizationNoise does, and what is left per eigenvalue is k_i = e^{μ(h − r_i)} u_i and
// three weighted sums, evaluated for a vector of eigenvalues at once (the exponentials vectorize
// across eigenvalues; every sum keeps localLinearizationNoise's order, so the only difference
// is the exponential: deterministicExp, a few ulp, instead of libm's). Stiff directions
// (|hμ| > 8, several panels) call localLinearizationNoise itself.
//
// Why not an interpolant in hμ (Chebyshev pieces): c_W and c_H are entire and would
// interpolate to 1e-13, but √v is not smooth enough. v ≈ Var η · K h⁴ with
// K = (μ² − μb/a − b²/(4a²))²/720 a perfect square (notes: the remainder's size), so √v has
// near-kinks at the two roots of that quadratic, which sit at hμ = O(h b/a), inside every
// spectrum; no fixed piece width holds a relative error there.
#pragma once
#include <cstddef>
#include <vector>

namespace dw2 {

class LocalLinearizationNoiseTable {
 public:
  LocalLinearizationNoiseTable() = default;
  // Nodes of the step: length h, g² = a + b r over it (a ≥ 0, a + b h ≥ 0).
  void reset(double h, double a, double b);
  // For mu[0..n): c_W, c_H and √v (the coefficient of ξ). work: at least workSize(n) doubles.
  void evaluate(const double* mu, int n, double* cW, double* cH, double* sqrtRemainder, double* work) const;
  static size_t workSize(int n) { return static_cast<size_t>(n) * (kNodes + 6); }

 private:
  static constexpr int kNodes = 16;
  // The one-panel rules: 16 nodes, and 8 where localLinearizationNoise takes 8 ("mild").
  struct Rule {
    int nodes = 0;  // 0 when g ≡ 0 on the step
    double tau[kNodes] = {}, u[kNodes] = {}, w[kNodes] = {}, ell[kNodes] = {};  // h − r_i, √(a + b r_i), weight, ½ − r_i/h
  };
  void group(const Rule& rule, const double* mu, int n, double* cW, double* cH, double* rem, double* k) const;
  double h_ = 0, a_ = 0, b_ = 0, mildLimit_ = 0;  // mild: |μ| h (1 + 3ρ) ≤ 1
  Rule rule16_, rule8_;
};

}  // namespace dw2
