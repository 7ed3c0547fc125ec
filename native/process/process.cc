#include "process/process.h"
#include <cmath>
#include <cstdio>
#include <algorithm>
#include <limits>
#include "core/errors.h"

namespace dw2 {

double Process::alpha(double t) const { return coefficients::alpha(*this, t); }
double Process::sigma2(double t) const { return coefficients::sigma2(*this, t); }
double Process::sigma(double t) const { return coefficients::sigma(*this, t); }
double Process::f(double t) const { return coefficients::f(*this, t); }
double Process::g2(double t) const { return coefficients::g2(*this, t); }
double Process::dfdt(double) const { return coefficients::dfdt(*this); }
double Process::dg2dt(double) const { return coefficients::dg2dt(*this); }
double Process::lambda(double t) const { return coefficients::lambda(*this, t); }
double Process::varsigma(double t) const { return coefficients::varsigma(*this, t); }
double Process::timeOfVarsigma(double s) const { return coefficients::timeOfVarsigma(*this, s); }
double Process::integral(double a, double b) const { return coefficients::integral(*this, a, b, coefficients::alpha(*this, b)); }

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
  if (kind == ProcessKind::VP && betaMax < betaMin && coefficients::integratedBeta(*this, betaMin / (betaMin - betaMax)) < kMaxIntegratedBeta)
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
