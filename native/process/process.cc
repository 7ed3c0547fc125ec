#include "process/process.h"
#include <cmath>
#include <cstdio>
#include <algorithm>
#include <limits>
#include "core/errors.h"

namespace dw2 {

// B(t) = ∫₀ᵗ β = βmin t + ½(βmax − βmin) t² for vp; βt for ou (βmin = βmax).
static double integratedBeta(const Process& p, double t) {
  return p.betaMin * t + 0.5 * (p.betaMax - p.betaMin) * t * t;
}
static double beta(const Process& p, double t) { return p.betaMin + t * (p.betaMax - p.betaMin); }

double Process::alpha(double t) const { return variancePreserving() ? std::exp(-0.5 * integratedBeta(*this, t)) : 1.0; }

double Process::sigma2(double t) const {
  switch (kind) {
    case ProcessKind::VE: return t * t;
    case ProcessKind::Heat: return t;
    default: return -std::expm1(-integratedBeta(*this, t));  // 1 − α², without cancellation
  }
}

double Process::sigma(double t) const { return kind == ProcessKind::VE ? t : std::sqrt(sigma2(t)); }

double Process::f(double t) const { return variancePreserving() ? -0.5 * beta(*this, t) : 0.0; }

double Process::g2(double t) const {
  switch (kind) {
    case ProcessKind::VE: return 2.0 * t;
    case ProcessKind::Heat: return 1.0;
    default: return beta(*this, t);
  }
}

double Process::dfdt(double) const { return variancePreserving() ? -0.5 * (betaMax - betaMin) : 0.0; }

double Process::dg2dt(double) const {
  switch (kind) {
    case ProcessKind::VE: return 2.0;
    case ProcessKind::Heat: return 0.0;
    default: return betaMax - betaMin;
  }
}

double Process::lambda(double t) const {
  switch (kind) {
    case ProcessKind::VE: return t * t;
    case ProcessKind::Heat: return t;
    default: return std::expm1(integratedBeta(*this, t));  // σ²/α² = e^B − 1
  }
}

double Process::varsigma(double t) const { return kind == ProcessKind::VE ? t : std::sqrt(lambda(t)); }

double Process::timeOfVarsigma(double s) const {
  switch (kind) {
    case ProcessKind::VE: return s;
    case ProcessKind::Heat: return s * s;
    default: {
      const double B = std::log1p(s * s);
      const double slope = betaMax - betaMin;
      if (slope == 0.0) return B / betaMin;
      // ½ slope t² + βmin t − B = 0, positive root written without cancellation.
      return 2.0 * B / (betaMin + std::sqrt(betaMin * betaMin + 2.0 * slope * B));
    }
  }
}

double Process::integral(double a, double b) const {
  switch (kind) {
    case ProcessKind::VE: return b * b - a * a;
    case ProcessKind::Heat: return b - a;
    default: return 2.0 * (1.0 / alpha(b) - 1.0 / alpha(a));
  }
}

namespace {
// Largest ∫₀ᵗβ kept: ς² = e^B − 1 and 1/α = e^{B/2} stay below ~1e304 (and α above 1e-152),
// so products of a few coefficients stay finite in double precision.
constexpr double kMaxIntegratedBeta = 700.0;
// ve: ς² = t² ≤ 1e300; heat: ς² = t ≤ 1e300.
constexpr double kMaxVeTime = 1e150;
constexpr double kMaxHeatTime = 1e300;
}  // namespace

double Process::tMax() const {
  switch (kind) {
    case ProcessKind::VE: return kMaxVeTime;
    case ProcessKind::Heat: return kMaxHeatTime;
    default: break;
  }
  // vp's β(t) turns negative past βmin/(βmin − βmax) when βmax < βmin.
  const double slope = betaMax - betaMin;
  double limit = slope < 0 ? betaMin / -slope : std::numeric_limits<double>::infinity();
  // B(t) = kMaxIntegratedBeta: the positive root of ½ slope t² + βmin t − Bmax, without cancellation
  // (no root when B stays below the cap, which can happen only for slope < 0).
  const double disc = betaMin * betaMin + 2.0 * slope * kMaxIntegratedBeta;
  if (disc >= 0) limit = std::min(limit, 2.0 * kMaxIntegratedBeta / (betaMin + std::sqrt(disc)));
  return limit;
}

std::string Process::rangeReason() const {
  switch (kind) {
    case ProcessKind::VE: return "ve's noise level σ(t)² = t² must stay below 1e300";
    case ProcessKind::Heat: return "heat's noise level σ(t)² = t must stay below 1e300";
    default: break;
  }
  if (kind == ProcessKind::VP && betaMax < betaMin && integratedBeta(*this, betaMin / (betaMin - betaMax)) < kMaxIntegratedBeta)
    return "vp's β(t) turns negative beyond it";
  return std::string(name()) + "'s α(t) = e^{−B(t)/2} underflows (and σ²/α² = e^{B(t)} − 1 overflows) in double precision once B(t) = ∫₀ᵗβ exceeds 700";
}

const char* Process::name() const {
  switch (kind) {
    case ProcessKind::VP: return "vp";
    case ProcessKind::OU: return "ou";
    case ProcessKind::VE: return "ve";
    default: return "heat";
  }
}

static std::string formatNumber(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

Process makeProcess(const std::string& name, double betaMin, double betaMax, double beta, double T) {
  Process p;
  auto positive = [](double x, const char* what) {
    if (!(std::isfinite(x) && x > 0)) fail(ErrorCode::InvalidArgument, std::string(what) + " must be a finite number > 0, got " + std::to_string(x));
  };
  if (name == "vp") {
    p.kind = ProcessKind::VP;
    p.betaMin = std::isnan(betaMin) ? 0.1 : betaMin;
    p.betaMax = std::isnan(betaMax) ? 20.0 : betaMax;
    p.T = std::isnan(T) ? 1.0 : T;
    positive(p.betaMin, "betaMin");
    positive(p.betaMax, "betaMax");
  } else if (name == "ou") {
    p.kind = ProcessKind::OU;
    p.betaMin = p.betaMax = std::isnan(beta) ? 1.0 : beta;
    p.T = std::isnan(T) ? 10.0 : T;
    positive(p.betaMin, "beta");
  } else if (name == "ve") {
    p.kind = ProcessKind::VE;
    p.T = std::isnan(T) ? 80.0 : T;
  } else if (name == "heat") {
    p.kind = ProcessKind::Heat;
    p.T = std::isnan(T) ? 100.0 : T;
  } else {
    fail(ErrorCode::InvalidArgument, "process must be one of 'vp', 'ou', 've', 'heat', got '" + name + "'");
  }
  positive(p.T, "T");
  if (p.T > p.tMax())
    fail(ErrorCode::InvalidArgument, "T = " + formatNumber(p.T) + " is beyond the " + p.name() + " process's usable range (0, " + formatNumber(p.tMax()) + "]: " + p.rangeReason());
  return p;
}

double defaultTEnd(const Process& p) { return p.kind == ProcessKind::VE ? 0.002 : 1e-3; }

}  // namespace dw2
