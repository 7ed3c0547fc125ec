// Forward noising processes dX = f(t) X dt + g(t) dW with marginals X_t = α(t) X₀ + σ(t) Z
// (spec §1). Everything is in closed form: α, σ, f, g², their time derivatives, the noise
// level ς = σ/α and its inverse, and I(a, b) = ∫_a^b g(u)²/α(u) du.
#pragma once
// The formulas are process_coefficients.h's, which the CUDA kernels share.
#include <string>
#include "process/process_coefficients.h"

namespace dw2 {

struct Process : ProcessParams {
  double T = 1.0;  // horizon (sampling starts here)

  double alpha(double t) const;
  double sigma(double t) const;
  double sigma2(double t) const;
  double f(double t) const;
  double g2(double t) const;
  double dfdt(double t) const;   // f′(t)
  double dg2dt(double t) const;  // (g²)′(t)
  double varsigma(double t) const;  // ς = σ/α
  double lambda(double t) const;    // ς²
  double timeOfVarsigma(double s) const;
  double integral(double a, double b) const;  // I(a, b)
  // The largest time the process is used at: where vp's β(t) stays positive and where its
  // coefficients stay representable in double precision (α ≥ e^{−350}, ς² ≤ 1e300).
  double tMax() const;
  std::string rangeReason() const;  // why tMax() is where it is, for error messages
  const char* name() const;
  // vp and ou: α(t) → 0 with σ(t)² = 1 − α(t)², so p_T is close to N(0, I) (spec §1). The one
  // place that answers "vp or ou" — priors, vp-only schemes and TypeScript (processTraits) ask here.
  bool variancePreserving() const { return coefficients::variancePreserving(*this); }
};

// Builds a process from its name ('vp', 'ou', 've', 'heat'); NaN parameters take the defaults
// of spec §1. Throws INVALID_ARGUMENT for bad names or parameters.
Process makeProcess(const std::string& name, double betaMin, double betaMax, double beta, double T);

// Default t_end of a process (vp, ou, heat: 1e-3; ve: 0.002, the EDM σ_min).
double defaultTEnd(const Process& p);

}  // namespace dw2
