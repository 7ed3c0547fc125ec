#include <cmath>
#include <string>
#include "core/errors.h"
#include "schemes/plans.h"

namespace dw2 {

bool needsWholeGrid(Scheme s) { return schemeInfo(s).historySlots > 0 || s == Scheme::Edm; }

void validateSchemeOptions(Scheme s, const Process& p, const PlanOptions& o) {
  const SchemeInfo& info = schemeInfo(s);
  if (info.vpOnly && !p.variancePreserving())
    fail(ErrorCode::InvalidArgument, std::string("sampler '") + info.name + "' is defined for the vp and ou processes only, not '" + p.name() + "'");
  const SamplerParams& q = o.params;
  if (s == Scheme::Ddim && !(o.eta >= 0.0 && o.eta <= 1.0)) fail(ErrorCode::InvalidArgument, "eta must be in [0, 1], got " + std::to_string(o.eta));
  if (!(q.eta >= 0.0 && std::isfinite(q.eta))) fail(ErrorCode::InvalidArgument, "eta must be a finite number >= 0, got " + std::to_string(q.eta));
  if (!(q.sNoise >= 0.0 && std::isfinite(q.sNoise))) fail(ErrorCode::InvalidArgument, "sNoise must be a finite number >= 0, got " + std::to_string(q.sNoise));
  if (!(q.sChurn >= 0.0 && std::isfinite(q.sChurn))) fail(ErrorCode::InvalidArgument, "sChurn must be a finite number >= 0, got " + std::to_string(q.sChurn));
  if (s == Scheme::Lms && (q.order < 0 || q.order > 4)) fail(ErrorCode::InvalidArgument, "lms: order must be 1 to 4, got " + std::to_string(q.order));
  if (s == Scheme::UniPc && (q.order < 0 || q.order > 3)) fail(ErrorCode::InvalidArgument, "unipc: order must be 1, 2 or 3, got " + std::to_string(q.order));
  if (s == Scheme::DpmAdaptive) {
    if (q.order != 0 && q.order != 2 && q.order != 3) fail(ErrorCode::InvalidArgument, "dpm-adaptive: order must be 2 or 3, got " + std::to_string(q.order));
    if (!(q.rtol > 0.0 && q.atol > 0.0 && q.hInit > 0.0 && std::isfinite(q.rtol + q.atol + q.hInit)))
      fail(ErrorCode::InvalidArgument, "dpm-adaptive: rtol, atol and hInit must be finite and > 0");
    if (!(q.acceptSafety > 0.0 && std::isfinite(q.pcoeff + q.icoeff + q.dcoeff + q.acceptSafety)))
      fail(ErrorCode::InvalidArgument, "dpm-adaptive: the PID coefficients must be finite and acceptSafety > 0");
  }
  if (!(q.sTmin >= 0.0) || !(q.sTmax >= q.sTmin))
    fail(ErrorCode::InvalidArgument, "sTmin and sTmax must satisfy 0 <= sTmin <= sTmax, got " + std::to_string(q.sTmin) + ", " + std::to_string(q.sTmax));
}

void buildStepPlan(Scheme s, const Process& p, double t0, double t1, const PlanOptions& o, StepPlan& plan) {
  plan = StepPlan{};
  const bool lastStageAllowed = o.scoreDefinedAtZero || t1 > 0.0;
  switch (s) {
    case Scheme::EulerMaruyama: return plans::eulerMaruyama(p, t0, t1, plan);
    case Scheme::Ddpm: return plans::ddpm(p, t0, t1, plan);
    case Scheme::Exponential: return plans::exponential(p, t0, t1, plan);
    case Scheme::Euler: return plans::euler(p, t0, t1, plan);
    case Scheme::Heun: return plans::heun(p, t0, t1, lastStageAllowed, plan);
    case Scheme::Rk4: return plans::rk4(p, t0, t1, lastStageAllowed, plan);
    case Scheme::Ddim:
      if (!(o.eta >= 0.0 && o.eta <= 1.0)) fail(ErrorCode::InvalidArgument, "eta must be in [0, 1], got " + std::to_string(o.eta));
      return plans::ddim(p, t0, t1, o.eta, plan);
    case Scheme::ExponentialOde: return plans::exponentialOde(p, t0, t1, plan);
    // u ∈ (0, 1) keeps τ > t_{k+1} ≥ 0, so the second score is always defined.
    case Scheme::RandomizedMidpoint:
      return plans::randomizedMidpoint(p, t0, t1, o.u, plan);
    case Scheme::RandomizedExponential:
      return plans::randomizedExponential(p, t0, t1, o.u, plan);
    case Scheme::EulerAncestral:
      if (!(o.params.eta >= 0.0)) fail(ErrorCode::InvalidArgument, "eta must be >= 0, got " + std::to_string(o.params.eta));
      return plans::eulerAncestral(p, t0, t1, o.params.eta, o.params.sNoise, plan);
    case Scheme::DpmSolver2: return plans::dpmSolver2(p, t0, t1, plan);
    case Scheme::DpmSolver3: return plans::dpmSolver3(p, t0, t1, plan);
    case Scheme::DpmSolverPp2SAncestral: return plans::dpmSolverPp2SAncestral(p, t0, t1, o.params.eta, o.params.sNoise, plan);
    default:
      if (needsWholeGrid(s))
        fail(ErrorCode::InvalidArgument, std::string("scheme '") + schemeInfo(s).name + "' depends on earlier steps of its grid: build its plans from the whole grid");
      fail(ErrorCode::InvalidArgument, std::string("scheme '") + schemeInfo(s).name + "' is not a linear-stage scheme");
  }
}

void buildStepPlan(Scheme s, const Process& p, const std::vector<double>& grid, int k, const PlanOptions& o, StepPlan& plan) {
  if (!needsWholeGrid(s)) return buildStepPlan(s, p, grid[k], grid[k + 1], o, plan);
  plan = StepPlan{};
  switch (s) {
    case Scheme::DpmSolverPp2M: return plans::dpmSolverPp2M(p, grid, k, plan);
    case Scheme::Edm: return plans::edm(p, grid, k, o, plan);
    case Scheme::DpmSolverPp2MSde: return plans::dpmSolverPp2MSde(p, grid, k, o.params.eta, o.params.sNoise, plan);
    case Scheme::DpmSolverPp3MSde: return plans::dpmSolverPp3MSde(p, grid, k, o.params.eta, o.params.sNoise, plan);
    case Scheme::DpmAdaptive: {  // the analysis of an accepted grid: the pair's higher-order steps
      const int order = o.params.order == 0 ? 3 : o.params.order;
      if (order != 2 && order != 3) fail(ErrorCode::InvalidArgument, "dpm-adaptive: order must be 2 or 3, got " + std::to_string(order));
      return plans::dpmSolverEmbedded(p, grid[k], grid[k + 1], order, plan);
    }
    case Scheme::Lms: {
      const int order = o.params.order == 0 ? 4 : o.params.order;
      if (order < 1 || order > 4) fail(ErrorCode::InvalidArgument, "lms: order must be 1 to 4, got " + std::to_string(order));
      return plans::lms(p, grid, k, order, plan);
    }
    case Scheme::UniPc: {
      SamplerParams q = o.params;
      if (q.order == 0) q.order = 2;
      plans::requireUnipcSteps(q, static_cast<int>(grid.size()) - 1);
      return plans::unipc(p, grid, k, q, plan);
    }
    default: fail(ErrorCode::Internal, std::string("no grid plan writer for '") + schemeInfo(s).name + "'");
  }
}

}  // namespace dw2
