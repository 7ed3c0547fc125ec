#include <cmath>
#include <string>
#include "core/errors.h"
#include "schemes/scheme.h"

namespace dw2 {

namespace {

void validateOrder(const SchemeInfo& info, int order) {
  const OrderOption& r = info.orderOption;
  if (order != 0 && (order < r.min || order > r.max))
    fail(ErrorCode::InvalidArgument, std::string(info.name) + ": order must be an integer in [" + std::to_string(r.min) + ", " +
                                         std::to_string(r.max) + "], got " + std::to_string(order));
}

// dpm-adaptive's step-size controller (sampler/adaptive_driver.cc).
void validateController(const SamplerParams& q) {
  if (!(q.rtol > 0.0 && q.atol > 0.0 && q.hInit > 0.0 && std::isfinite(q.rtol + q.atol + q.hInit)))
    fail(ErrorCode::InvalidArgument, "dpm-adaptive: rtol, atol and hInit must be finite and > 0");
  if (!(q.acceptSafety > 0.0 && std::isfinite(q.pcoeff + q.icoeff + q.dcoeff + q.acceptSafety)))
    fail(ErrorCode::InvalidArgument, "dpm-adaptive: the PID coefficients must be finite and acceptSafety > 0");
}

void requireNonNegative(double x, const char* what) {
  if (!(x >= 0.0 && std::isfinite(x))) fail(ErrorCode::InvalidArgument, std::string(what) + " must be a finite number >= 0, got " + std::to_string(x));
}

void writePlan(Scheme s, const StepContext& c, StepPlan& plan) {
  if (!s->write) fail(ErrorCode::InvalidArgument, std::string("scheme '") + s->name + "' is not a linear-stage scheme");
  plan = StepPlan{};
  s->write(c, plan);
}

}  // namespace

int StepContext::order() const {
  validateOrder(*scheme, o.params.order);
  return o.params.order == 0 ? scheme->orderOption.fallback : o.params.order;
}

void validateSchemeOptions(Scheme s, const Process& p, const PlanOptions& o) {
  const SchemeInfo& info = *s;
  if (info.vpOnly && !p.variancePreserving())
    fail(ErrorCode::InvalidArgument, std::string("sampler '") + info.name + "' is defined for the vp and ou processes only, not '" + p.name() + "'");
  const SamplerParams& q = o.params;
  if (info.eta == SchemeEta::Ddim && !(o.eta >= 0.0 && o.eta <= 1.0)) fail(ErrorCode::InvalidArgument, "eta must be in [0, 1], got " + std::to_string(o.eta));
  requireNonNegative(q.eta, "eta");
  requireNonNegative(q.sNoise, "sNoise");
  requireNonNegative(q.sChurn, "sChurn");
  if (info.orderOption.min > 0) validateOrder(info, q.order);
  if (info.adaptive) validateController(q);
  if (!(q.sTmin >= 0.0) || !(q.sTmax >= q.sTmin))
    fail(ErrorCode::InvalidArgument, "sTmin and sTmax must satisfy 0 <= sTmin <= sTmax, got " + std::to_string(q.sTmin) + ", " + std::to_string(q.sTmax));
}

void buildStepPlan(Scheme s, const Process& p, double t0, double t1, const PlanOptions& o, StepPlan& plan) {
  if (needsWholeGrid(s))
    fail(ErrorCode::InvalidArgument, std::string("scheme '") + s->name + "' depends on earlier steps of its grid: build its plans from the whole grid");
  const double step[2] = {t0, t1};
  writePlan(s, StepContext{p, step, 1, 0, o, s}, plan);
}

void buildStepPlan(Scheme s, const Process& p, const std::vector<double>& grid, int k, const PlanOptions& o, StepPlan& plan) {
  writePlan(s, StepContext{p, grid.data(), static_cast<int>(grid.size()) - 1, k, o, s}, plan);
}

}  // namespace dw2
