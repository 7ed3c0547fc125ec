// UniPC (Zhao et al. 2023, "UniPC: A Unified Predictor-Corrector Framework for Fast Sampling of
// Diffusion Models": UniP-p and UniC-p), data prediction (hh = −h), B(h) variants bh1 (B = hh)
// and bh2 (B = e^{hh} − 1).
//
// A step t_s → t (h = λ_t − λ_s, λ = log(α/σ)) of order p uses the stored outputs m_s = x̂₀ at
// t_s and m_{s−j} (j < p) at earlier times: r_j = (λ_{s−j} − λ_s)/h, D_j = (m_{s−j} − m_s)/r_j,
// φ-sequence: b_i = i! ψ_i(hh)/B(h) with ψ_1 = (e^{hh} − 1)/hh − 1, ψ_{i+1} = ψ_i/hh − 1/(i+1)!,
// R_{ij} = r_j^{i−1} (r_p = 1).
//   UniP-p:  x̃_t = (σ_t/σ_s) x_s − α_t (e^{hh} − 1) m_s − α_t B(h) Σ_{j<p} ρᵖ_j D_j,
//            ρᵖ solves R[<p, <p] ρ = b[<p] (ρ = ½ for p = 2);
//   UniC-p:  x_t^c = (σ_t/σ_s) x_s − α_t (e^{hh} − 1) m_s − α_t B(h)(Σ_{j<p} ρᶜ_j D_j + ρᶜ_p (m_t − m_s)),
//            ρᶜ solves R ρ = b (ρ = ½ for p = 1), m_t = x̂₀(x̃_t, t), the evaluation the next step
//            reuses (no extra NFE). The last step is not corrected.
// Step orders as the authors' sampler with lower_order_final: p_k = min(k + 1, order, N − k).
//
// Plan of step k: state x̃_k; history H0 = x^c_{k−1}, H1 = m_{k−1}, H2 = m_{k−2}, H3 = m_{k−3};
// stage 0 gives m_k; x^c_k = UniC (or x̃_k); output UniP from x^c_k; H′ = (x^c_k, m_k, m_{k−1}, m_{k−2}).
#include <cmath>
#include <string>
#include "core/errors.h"
#include "schemes/plan_algebra.h"
#include "schemes/plans.h"

namespace dw2::plans {

namespace {

struct UniCoefficients {
  double expm1hh = 0.0;    // e^{hh} − 1
  double B = 0.0;          // B(h)
  double r[3] = {};        // r_1..r_{p−1} (index j − 1)
  double rho[3] = {};      // ρ_1..ρ_p (index j − 1)
};

// Solves the n×n system A ρ = b (n ≤ 3) by Gaussian elimination with partial pivoting.
void solveSmall(int n, double A[3][3], double* b, double* x) {
  for (int c = 0; c < n; ++c) {
    int piv = c;
    for (int r = c + 1; r < n; ++r)
      if (std::fabs(A[r][c]) > std::fabs(A[piv][c])) piv = r;
    std::swap(A[c], A[piv]);
    std::swap(b[c], b[piv]);
    for (int r = c + 1; r < n; ++r) {
      const double f = A[r][c] / A[c][c];
      for (int q = c; q < n; ++q) A[r][q] -= f * A[c][q];
      b[r] -= f * b[c];
    }
  }
  for (int r = n - 1; r >= 0; --r) {
    double s = b[r];
    for (int q = r + 1; q < n; ++q) s -= A[r][q] * x[q];
    x[r] = s / A[r][r];
  }
}

// lambdas[j] = λ at the time of m_{s−j} (j < p), lambdaT = λ_t. corrector: ρᶜ (p entries), else ρᵖ (p − 1).
UniCoefficients uniCoefficients(const double* lambdas, double lambdaT, int p, bool bh2, bool corrector) {
  UniCoefficients u;
  const double h = lambdaT - lambdas[0], hh = -h;
  u.expm1hh = std::expm1(hh);
  u.B = bh2 ? u.expm1hh : hh;
  const int unknowns = corrector ? p : p - 1;
  if (unknowns == 0) return u;
  for (int j = 1; j < p; ++j) u.r[j - 1] = (lambdas[j] - lambdas[0]) / h;
  if (unknowns == 1 && (corrector ? p == 1 : p == 2)) {  // the authors' simplified ρ = ½
    u.rho[0] = 0.5;
    return u;
  }
  double rks[3];
  for (int j = 0; j < p - 1; ++j) rks[j] = u.r[j];
  rks[p - 1] = 1.0;
  double R[3][3], b[3];
  double psi = u.expm1hh / hh - 1.0, factorial = 1.0;
  for (int i = 1; i <= p; ++i) {
    for (int j = 0; j < p; ++j) R[i - 1][j] = std::pow(rks[j], i - 1);
    b[i - 1] = psi * factorial / u.B;
    factorial *= i + 1;
    psi = psi / hh - 1.0 / factorial;
  }
  solveSmall(unknowns, R, b, u.rho);
  return u;
}

// The order of step k of N for the requested order (lower order first and last).
int stepOrder(int k, int N, int order) { return std::min(std::min(k + 1, order), N - k); }

}  // namespace

void unipc(const StepContext& c, StepPlan& plan) {
  const Process& p = c.p;
  const double* grid = c.grid;
  const int k = c.k;
  const int N = c.steps;
  SamplerParams q = c.o.params;
  q.order = c.order();
  if (N < q.order)
    fail(ErrorCode::InvalidArgument, "unipc: order " + std::to_string(q.order) + " needs at least " + std::to_string(q.order) + " steps, got " +
                                         std::to_string(N));
  auto lambda = [&](int i) { return -std::log(p.varsigma(grid[i])); };
  const double tk = grid[k], t1 = grid[k + 1];
  const Combination M = denoisedTerm(p, tk, 0);  // m_k
  plan.stages = 1;
  plan.scoreTime[0] = tk;
  plan.historyRead = k == 0 ? 0 : std::min(kMaxHistory, k + 1);
  // x^c_k: UniC for the step k−1 → k, of that step's order.
  Combination xc = registerTerm(0);
  if (q.corrector && k >= 1) {
    const int order = stepOrder(k - 1, N, q.order);
    double lambdas[3];
    for (int j = 0; j < order; ++j) lambdas[j] = lambda(k - 1 - j);
    const UniCoefficients u = uniCoefficients(lambdas, lambda(k), order, q.bh2, true);
    const double ak = p.alpha(tk);
    xc = historyTerm(0, p.sigma(tk) / p.sigma(grid[k - 1]));
    addScaled(xc, -ak * u.expm1hh, historyTerm(1));
    for (int j = 1; j < order; ++j) {  // D_j = (H_{1+j} − H_1)/r_j
      const double w = -ak * u.B * u.rho[j - 1] / u.r[j - 1];
      addScaled(xc, w, historyTerm(1 + j));
      addScaled(xc, -w, historyTerm(1));
    }
    addScaled(xc, -ak * u.B * u.rho[order - 1], M);
    addScaled(xc, ak * u.B * u.rho[order - 1], historyTerm(1));
  }
  // x̃_{k+1}: UniP from x^c_k with m_k and m_{k−j} = H_j.
  const int order = stepOrder(k, N, q.order);
  const double a1 = p.alpha(t1);
  addScaled(plan.output, t1 > 0.0 ? p.sigma(t1) / p.sigma(tk) : 0.0, xc);
  if (t1 > 0.0) {
    double lambdas[3];
    for (int j = 0; j < order; ++j) lambdas[j] = lambda(k - j);
    const UniCoefficients u = uniCoefficients(lambdas, lambda(k + 1), order, q.bh2, false);
    addScaled(plan.output, -a1 * u.expm1hh, M);
    for (int j = 1; j < order; ++j) {
      const double w = -a1 * u.B * u.rho[j - 1] / u.r[j - 1];
      addScaled(plan.output, w, historyTerm(j));
      addScaled(plan.output, -w, M);
    }
  } else {
    addScaled(plan.output, a1, M);  // σ_t = 0: e^{hh} − 1 = −1 and a first-order last step
  }
  plan.historyWrite = kMaxHistory;
  plan.save[0] = xc;
  plan.save[1] = M;
  plan.save[2] = historyTerm(1);
  plan.save[3] = historyTerm(2);
}

}  // namespace dw2::plans
