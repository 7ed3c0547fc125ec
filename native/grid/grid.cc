#include "grid/grid.h"
#include <cmath>
#include "core/errors.h"

namespace dw2 {

GridKind parseGridKind(const std::string& name) {
  if (name == "uniform") return GridKind::Uniform;
  if (name == "karras") return GridKind::Karras;
  if (name == "logsnr") return GridKind::LogSnr;
  fail(ErrorCode::InvalidArgument, "grid must be one of 'uniform', 'karras', 'logsnr' (or an explicit array), got '" + name + "'");
}

std::vector<double> makeGrid(const Process& p, GridKind kind, int steps, double T, double tEnd, double rho) {
  if (steps < 1) fail(ErrorCode::InvalidArgument, "steps must be >= 1, got " + std::to_string(steps));
  if (!(std::isfinite(T) && T > 0 && T <= p.tMax()))
    fail(ErrorCode::InvalidArgument, "T must be in (0, " + std::to_string(p.tMax()) + "], got " + std::to_string(T));
  if (!(std::isfinite(tEnd) && tEnd >= 0 && tEnd < T))
    fail(ErrorCode::InvalidArgument, "tEnd must be in [0, T) = [0, " + std::to_string(T) + "), got " + std::to_string(tEnd));
  std::vector<double> t(static_cast<size_t>(steps) + 1);
  const double N = steps;
  switch (kind) {
    case GridKind::Uniform:
      for (int k = 0; k <= steps; ++k) t[k] = T + (k / N) * (tEnd - T);
      break;
    case GridKind::Karras: {
      if (!(std::isfinite(rho) && rho > 0)) fail(ErrorCode::InvalidArgument, "rho must be > 0, got " + std::to_string(rho));
      const double a = std::pow(p.varsigma(T), 1.0 / rho), b = std::pow(p.varsigma(tEnd), 1.0 / rho);
      for (int k = 0; k <= steps; ++k) t[k] = p.timeOfVarsigma(std::pow(a + (k / N) * (b - a), rho));
      break;
    }
    case GridKind::LogSnr: {
      if (!(tEnd > 0)) fail(ErrorCode::InvalidArgument, "the logsnr grid needs tEnd > 0");
      const double a = std::log(p.varsigma(T)), b = std::log(p.varsigma(tEnd));
      for (int k = 0; k <= steps; ++k) t[k] = p.timeOfVarsigma(std::exp(a + (k / N) * (b - a)));
      break;
    }
  }
  // The end points are exact by definition (the inverse maps can be off by an ulp).
  t.front() = T;
  t.back() = tEnd;
  validateGrid(t.data(), t.size());
  return t;
}

void validateGrid(const double* t, size_t count) {
  if (count < 2) fail(ErrorCode::InvalidArgument, "a grid needs at least 2 times (1 step), got " + std::to_string(count));
  for (size_t k = 0; k < count; ++k) {
    if (!std::isfinite(t[k])) fail(ErrorCode::NonFinite, "grid time " + std::to_string(k) + " is not finite");
    if (k > 0 && !(t[k] < t[k - 1]))
      fail(ErrorCode::InvalidArgument, "grid must be strictly decreasing: t[" + std::to_string(k) + "] = " + std::to_string(t[k]) +
                                           " is not below t[" + std::to_string(k - 1) + "] = " + std::to_string(t[k - 1]) +
                                           " (the grid may have too many steps for its range)");
  }
  if (t[count - 1] < 0) fail(ErrorCode::InvalidArgument, "grid must end at t >= 0, got " + std::to_string(t[count - 1]));
}

}  // namespace dw2
