// The coefficients of the forward processes of spec §1, dX = f(t) X dt + g(t) dW with marginals
// X_t = α(t) X₀ + σ(t) Z, as inline functions of the parameters: Process (process.h) answers with
// them on the CPU and the CUDA kernels call them on the device, so the two share one formula.
#pragma once
#include <cmath>
#include "core/host_device.h"

namespace dw2 {

enum class ProcessKind { VP, OU, VE, Heat };

// What the coefficients read: vp: β(t) = βmin + t(βmax − βmin); ou: βmin = βmax = β.
struct ProcessParams {
  ProcessKind kind = ProcessKind::VP;
  double betaMin = 0.1;
  double betaMax = 20.0;
};

namespace coefficients {

// vp and ou: α(t) → 0 with σ(t)² = 1 − α(t)².
DW2_HOST_DEVICE inline bool variancePreserving(const ProcessParams& p) { return p.kind == ProcessKind::VP || p.kind == ProcessKind::OU; }

// B(t) = ∫₀ᵗ β = βmin t + ½(βmax − βmin) t² for vp; βt for ou (βmin = βmax).
DW2_HOST_DEVICE inline double integratedBeta(const ProcessParams& p, double t) { return p.betaMin * t + 0.5 * (p.betaMax - p.betaMin) * t * t; }
DW2_HOST_DEVICE inline double beta(const ProcessParams& p, double t) { return p.betaMin + t * (p.betaMax - p.betaMin); }

DW2_HOST_DEVICE inline double alpha(const ProcessParams& p, double t) { return variancePreserving(p) ? std::exp(-0.5 * integratedBeta(p, t)) : 1.0; }

DW2_HOST_DEVICE inline double sigma2(const ProcessParams& p, double t) {
  switch (p.kind) {
    case ProcessKind::VE: return t * t;
    case ProcessKind::Heat: return t;
    default: return -std::expm1(-integratedBeta(p, t));  // 1 − α², without cancellation
  }
}

DW2_HOST_DEVICE inline double sigma(const ProcessParams& p, double t) { return p.kind == ProcessKind::VE ? t : std::sqrt(sigma2(p, t)); }

DW2_HOST_DEVICE inline double f(const ProcessParams& p, double t) { return variancePreserving(p) ? -0.5 * beta(p, t) : 0.0; }

DW2_HOST_DEVICE inline double g2(const ProcessParams& p, double t) {
  switch (p.kind) {
    case ProcessKind::VE: return 2.0 * t;
    case ProcessKind::Heat: return 1.0;
    default: return beta(p, t);
  }
}

DW2_HOST_DEVICE inline double dfdt(const ProcessParams& p) { return variancePreserving(p) ? -0.5 * (p.betaMax - p.betaMin) : 0.0; }

DW2_HOST_DEVICE inline double dg2dt(const ProcessParams& p) {
  switch (p.kind) {
    case ProcessKind::VE: return 2.0;
    case ProcessKind::Heat: return 0.0;
    default: return p.betaMax - p.betaMin;
  }
}

// λ = ς² = σ²/α².
DW2_HOST_DEVICE inline double lambda(const ProcessParams& p, double t) {
  switch (p.kind) {
    case ProcessKind::VE: return t * t;
    case ProcessKind::Heat: return t;
    default: return std::expm1(integratedBeta(p, t));  // σ²/α² = e^B − 1
  }
}

DW2_HOST_DEVICE inline double varsigma(const ProcessParams& p, double t) { return p.kind == ProcessKind::VE ? t : std::sqrt(lambda(p, t)); }

DW2_HOST_DEVICE inline double timeOfVarsigma(const ProcessParams& p, double s) {
  switch (p.kind) {
    case ProcessKind::VE: return s;
    case ProcessKind::Heat: return s * s;
    default: {
      const double B = std::log1p(s * s);
      const double slope = p.betaMax - p.betaMin;
      if (slope == 0.0) return B / p.betaMin;
      // ½ slope t² + βmin t − B = 0, positive root written without cancellation.
      return 2.0 * B / (p.betaMin + std::sqrt(p.betaMin * p.betaMin + 2.0 * slope * B));
    }
  }
}

// I(a, b) = ∫_a^b g(u)²/α(u) du, with α(b) given (callers that hold it already).
DW2_HOST_DEVICE inline double integral(const ProcessParams& p, double a, double b, double alphaB) {
  switch (p.kind) {
    case ProcessKind::VE: return b * b - a * a;
    case ProcessKind::Heat: return b - a;
    default: return 2.0 * (1.0 / alphaB - 1.0 / alpha(p, a));
  }
}

}  // namespace coefficients
}  // namespace dw2
