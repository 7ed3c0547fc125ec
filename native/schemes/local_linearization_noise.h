// The noise of one local-linearization step (spec §6) in one eigen-direction μ of L, written
// against the Brownian path of the step so that samplers can couple it to a given path.
// Over the step, in reverse time r ∈ [0, h], g² is affine: g²(r) = a + b r (a = g(t_k)²,
// b = −(g²)′(t_k)), and
//   η = ∫₀ʰ e^{μ(h − r)} g(r) dW_r,   Var η = a h φ₁(2hμ) + b h² φ₂(2hμ)   (spec §6's Q).
// Given the increment W = √h z_W and the space-time Lévy area H = ∫₀ʰ (½ − r/h) dW_r = √(h/12) z_H
// (independent of W), η = c_W W + c_H H + √v ξ with ξ fresh, where c_W + c_H (½ − r/h) is the L²
// projection of the kernel k(r) = e^{μ(h − r)} g(r) on {1, ½ − r/h} and v = ∫ (k − projection)² is
// what the path does not determine. For fresh z_W, z_H, ξ the law of η is exactly N(0, Var η).
//
// The integrals use 16-node Gauss–Legendre in u = √(a + b r) (8 nodes when |hμ| ≤ 1 and g² varies little), where every
// integrand is a smooth function of u (no singularity where g vanishes at an end of the step); panels of width
// ≤ 8/|μ| from the end where e^{μ(h−r)} is largest keep the exponential resolved, and beyond
// 32/|μ| one panel covers the rest (there k is below e^{−32} of its maximum). The remainder v is
// integrated directly, never formed as Var η − c_W² h − c_H² h/12 (that subtraction cancels).
#pragma once
#include <cmath>
#include "schemes/local_linearization.h"

namespace dw2 {

struct LocalLinearizationNoise {
  double cW;         // multiplies W = √h z_W
  double cH;         // multiplies H = √(h/12) z_H
  double remainder;  // variance v of the part independent of (W, H): multiplies √v ξ
};

namespace llnoise {

// Gauss–Legendre on [0, 1], 16 nodes: symmetric pairs (y, 1 − y) sharing a weight.
DW2_LL_HD inline double node(int i) {
  const double y[8] = {0.452493745081181279907, 0.359198224610370543385, 0.270991611171386306829, 0.191061877798678125777,
                       0.122297795822498483052, 0.0671843988060841280598, 0.027712488463383711961, 0.00529953250417503370192};
  return i < 8 ? y[i] : 1.0 - y[i - 8];
}

DW2_LL_HD inline double weight(int i) {
  const double w[8] = {0.0947253052275342481427, 0.0913017075224617944334, 0.0845782596975012690947, 0.0747979944082883660408,
                       0.0623144856277669360262, 0.047579255841246392405, 0.0311267619693239464314, 0.0135762297058770474259};
  return w[i & 7];
}

// 8 nodes on [0, 1]: enough where the whole step is one panel with |hμ| ≤ 1 (error ≲ 1e-17 relative).
DW2_LL_HD inline double node8(int i) {
  const double y[4] = {0.40828267875217509753, 0.237233795041835507091, 0.101666761293186630204, 0.0198550717512318841582};
  return i < 4 ? y[i] : 1.0 - y[i - 4];
}

DW2_LL_HD inline double weight8(int i) {
  const double w[4] = {0.181341891689180991483, 0.156853322938943643669, 0.111190517226687235272, 0.0506142681451881295763};
  return w[i & 3];
}

constexpr int kNodes = 16;
constexpr int kMaxPanels = 5;
constexpr double kPanelWidth = 8.0;  // in units of 1/|μ|

// Panel boundaries in r (increasing), from the end where e^{μ(h−r)} peaks; returns the count.
DW2_LL_HD inline int panels(double h, double mu, double* edge) {
  const double width = kPanelWidth / std::fabs(mu);
  int count = 1;
  double dist[kMaxPanels + 1] = {0.0, h, h, h, h, h};
  if (std::fabs(mu) * h > kPanelWidth) {
    count = 0;
    double d0 = 0.0;
    while (count < kMaxPanels - 1 && d0 + width < h) {
      dist[count + 1] = d0 + width;
      d0 += width;
      ++count;
    }
    dist[++count] = h;
  }
  for (int p = 0; p <= count; ++p) edge[p] = mu < 0 ? h - dist[count - p] : dist[p];
  return count;
}

}  // namespace llnoise

// Coefficients of η for one eigen-direction μ; a ≥ 0, a + b h ≥ 0.
DW2_LL_HD inline LocalLinearizationNoise localLinearizationNoise(double h, double mu, double a, double b) {
  using namespace llnoise;
  double edge[kMaxPanels + 1];
  const int count = panels(h, mu, edge);
  double r[kMaxPanels * kNodes], k[kMaxPanels * kNodes], w[kMaxPanels * kNodes];
  // 8 nodes suffice when the step is one panel and the exponent μ(h − r(u)) is mild: |hμ| ≤ 1 when
  // g² is constant, less as r(u) bends (ρ = (u₁ − u₀)/(u₁ + u₀) → 1 where g vanishes at one end).
  const double ua = std::sqrt(fmax(0.0, a)), ub = std::sqrt(fmax(0.0, a + b * h));
  const double rho = ua + ub > 0.0 ? std::fabs(ub - ua) / (ua + ub) : 0.0;
  const bool mild = count == 1 && std::fabs(mu) * h * (1.0 + 3.0 * rho) <= 1.0;
  const int nodes = mild ? 8 : kNodes;
  int n = 0;
  for (int p = 0; p < count; ++p) {
    const double r0 = edge[p], r1 = edge[p + 1];
    const double u0 = std::sqrt(fmax(0.0, a + b * r0)), u1 = std::sqrt(fmax(0.0, a + b * r1));
    const double sum = u0 + u1;
    if (!(sum > 0.0) || !(r1 > r0)) continue;  // g ≡ 0 on the panel
    const double du = b * (r1 - r0) / sum;     // u1 − u0 without cancellation
    for (int i = 0; i < nodes; ++i, ++n) {
      const double y = mild ? node8(i) : node(i), u = u0 + y * du;
      r[n] = r0 + y * (r1 - r0) * (u + u0) / sum;  // r(u), dr = 2u (r1 − r0)/sum dy
      w[n] = (mild ? weight8(i) : weight(i)) * 2.0 * u * (r1 - r0) / sum;
      k[n] = std::exp(mu * (h - r[n])) * u;
    }
  }
  double j0 = 0.0;
  for (int i = 0; i < n; ++i) j0 += w[i] * k[i];
  const double cW = j0 / h;
  // Cov(η, H) = ∫ k (½ − r/h); ∫ (½ − r/h) = 0 exactly, so subtracting c_W first costs nothing and
  // keeps the rounding proportional to the variation of k.
  double covH = 0.0;
  for (int i = 0; i < n; ++i) covH += w[i] * (k[i] - cW) * (0.5 - r[i] / h);
  const double cH = 12.0 * covH / h;
  double rem = 0.0;
  for (int i = 0; i < n; ++i) {
    const double e = k[i] - cW - cH * (0.5 - r[i] / h);
    rem += w[i] * e * e;
  }
  return {cW, cH, rem};
}

}  // namespace dw2
