// Processes, grids and the scheme catalogue, as seen from JS (for reporting and tests;
// the kernels use the same C++ definitions directly).
#include <cmath>
#include <cstdio>
#include <string>
#include "binding/convert.h"
#include "binding/process_arg.h"
#include "binding/registry.h"
#include "binding/sampler_params_arg.h"
#include "schemes/local_linearization.h"
#include "schemes/scheme.h"

namespace dw2 {

namespace {

Napi::Float64Array toArray(Napi::Env env, const std::vector<double>& v) {
  auto a = Napi::Float64Array::New(env, v.size());
  std::copy(v.begin(), v.end(), a.Data());
  return a;
}

// A time argument inside the process's usable range [0, tMax] (where its coefficients are finite).
double checkedTime(double t, const Process& p, const char* name) {
  if (!(t >= 0 && t <= p.tMax())) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "%s must be in [0, %.6g] for process '%s', got %.6g", name, p.tMax(), p.name(), t);
    fail(ErrorCode::InvalidArgument, std::string(buf) + (t > p.tMax() ? " (" + p.rangeReason() + ")" : std::string()));
  }
  return t;
}

// A computed value is returned only when finite.
double finiteResult(double x, const char* what) {
  if (!std::isfinite(x)) fail(ErrorCode::NonFinite, std::string(what) + " overflows double precision for this input");
  return x;
}

// (process, times: Float64Array) -> { name, T, tEnd, alpha, sigma, f, g2, varsigma, lambda } at the times
Napi::Value processCoefficients(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    Process p = argProcess(info, 0);
    auto times = argFloat64Array(info, 1, "times");
    requireFinite(times.Data(), times.ElementLength(), "times");
    Napi::Env env = info.Env();
    const size_t n = times.ElementLength();
    std::vector<double> a(n), s(n), f(n), g2(n), vs(n), l(n);
    for (size_t k = 0; k < n; ++k) {
      double t = checkedTime(times[k], p, "times");
      a[k] = p.alpha(t); s[k] = p.sigma(t); f[k] = p.f(t); g2[k] = p.g2(t); vs[k] = p.varsigma(t); l[k] = p.lambda(t);
    }
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", p.name());
    o.Set("T", p.T);
    o.Set("betaMin", p.betaMin);
    o.Set("betaMax", p.betaMax);
    o.Set("tEnd", defaultTEnd(p));
    o.Set("variancePreserving", p.variancePreserving());
    o.Set("alpha", toArray(env, a));
    o.Set("sigma", toArray(env, s));
    o.Set("f", toArray(env, f));
    o.Set("g2", toArray(env, g2));
    o.Set("varsigma", toArray(env, vs));
    o.Set("lambda", toArray(env, l));
    return o;
  });
}

// (process, a, b) -> I(a, b); (process, s) -> ς⁻¹(s)
Napi::Value processIntegral(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    Process p = argProcess(info, 0);
    const double a = checkedTime(argFiniteNumber(info, 1, "a"), p, "a"), b = checkedTime(argFiniteNumber(info, 2, "b"), p, "b");
    return Napi::Number::New(info.Env(), finiteResult(p.integral(a, b), "I(a, b)"));
  });
}
Napi::Value processTimeOfVarsigma(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    Process p = argProcess(info, 0);
    double s = argFiniteNumber(info, 1, "varsigma");
    if (s < 0) fail(ErrorCode::InvalidArgument, "varsigma must be >= 0");
    return Napi::Number::New(info.Env(), checkedTime(p.timeOfVarsigma(s), p, "the time of this noise level"));
  });
}

// (process, grid) -> Float64Array of times
Napi::Value grid(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    Process p = argProcess(info, 0);
    if (info.Length() < 2) fail(ErrorCode::InvalidArgument, "grid is required");
    return toArray(info.Env(), gridFromValue(p, info[1]));
  });
}

Napi::Value schemes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env, schemeCount());
  for (int i = 0; i < schemeCount(); ++i) {
    const SchemeInfo& s = *schemeAt(i);
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", s.name);
    o.Set("nfePerStep", s.nfePerStep);
    o.Set("order", s.order);
    o.Set("stochastic", s.stochastic);
    o.Set("randomized", s.randomized);
    o.Set("usesHessian", s.usesHessian);
    o.Set("ode", s.ode);
    o.Set("vpOnly", s.vpOnly);
    o.Set("historySlots", s.historySlots);
    o.Set("wholeGrid", s.wholeGrid);
    o.Set("adaptive", s.adaptive);
    static const char* const etaNames[] = {"none", "ddim", "ancestral", "ancestral-variance"};
    o.Set("eta", etaNames[static_cast<int>(s.eta)]);
    if (s.orderOption.min > 0) {
      Napi::Object r = Napi::Object::New(env);
      r.Set("min", s.orderOption.min);
      r.Set("max", s.orderOption.max);
      r.Set("default", s.orderOption.fallback);
      o.Set("orderOption", r);
    }
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
}

Napi::Object combinationToJs(Napi::Env env, const Combination& c) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("reg", toArray(env, std::vector<double>(c.reg, c.reg + kMaxStages)));
  o.Set("score", toArray(env, std::vector<double>(c.score, c.score + kMaxStages)));
  o.Set("noise", toArray(env, std::vector<double>(c.noise, c.noise + kMaxNoises)));
  o.Set("history", toArray(env, std::vector<double>(c.history, c.history + kMaxHistory)));
  return o;
}

// (scheme, process, t0, t1, eta, u, scoreDefinedAtZero) -> the step's plan
Napi::Value stepPlan(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    Scheme s = parseScheme(argString(info, 0, "sampler"));
    Process p = argProcess(info, 1);
    double t0 = argFiniteNumber(info, 2, "t0"), t1 = argFiniteNumber(info, 3, "t1");
    if (!(t0 > t1 && t1 >= 0)) fail(ErrorCode::InvalidArgument, "a step needs t0 > t1 >= 0");
    checkedTime(t0, p, "t0");
    PlanOptions o;
    o.eta = argFiniteNumber(info, 4, "eta");
    o.u = argFiniteNumber(info, 5, "u");
    o.scoreDefinedAtZero = argBool(info, 6, "scoreDefinedAtZero");
    o.params = samplerParamsField(info.Length() > 7 && info[7].IsObject() ? info[7].As<Napi::Object>() : Napi::Object::New(info.Env()));
    StepPlan plan;
    // A multistep scheme's step depends on earlier grid times: arg 8 may give the grid (t0 = grid[k]).
    if (info.Length() > 8 && info[8].IsTypedArray()) {
      const std::vector<double> grid = gridFromValue(p, info[8]);
      int k = -1;
      for (size_t i = 0; i + 1 < grid.size(); ++i)
        if (grid[i] == t0 && grid[i + 1] == t1) k = static_cast<int>(i);
      if (k < 0) fail(ErrorCode::InvalidArgument, "t0 → t1 is not a step of the grid");
      buildStepPlan(s, p, grid, k, o, plan);
    } else {
      buildStepPlan(s, p, t0, t1, o, plan);
    }
    Napi::Env env = info.Env();
    Napi::Object r = Napi::Object::New(env);
    r.Set("stages", plan.stages);
    r.Set("noises", plan.noises);
    r.Set("fellBack", plan.fellBack);
    r.Set("scoreTime", toArray(env, std::vector<double>(plan.scoreTime, plan.scoreTime + plan.stages)));
    Napi::Array inputs = Napi::Array::New(env, plan.stages);
    for (int j = 0; j < plan.stages; ++j) inputs.Set(static_cast<uint32_t>(j), combinationToJs(env, plan.input[j]));
    r.Set("input", inputs);
    r.Set("output", combinationToJs(env, plan.output));
    r.Set("perturbsInput", plan.perturbsInput);
    if (plan.perturbsInput) r.Set("input0", combinationToJs(env, plan.input[0]));
    r.Set("historyRead", plan.historyRead);
    Napi::Array saves = Napi::Array::New(env, plan.historyWrite);
    for (int m = 0; m < plan.historyWrite; ++m) saves.Set(static_cast<uint32_t>(m), combinationToJs(env, plan.save[m]));
    r.Set("save", saves);
    return r;
  });
}

Napi::Value phiFunctions(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    double z = argFiniteNumber(info, 0, "z");
    Napi::Array a = Napi::Array::New(info.Env(), 2);
    a.Set(0u, finiteResult(phi1(z), "φ1(z)"));
    a.Set(1u, finiteResult(phi2(z), "φ2(z)"));
    return a;
  });
}

}  // namespace

DW2_REGISTER([](Napi::Env env, Napi::Object exports) {
  exports.Set("processCoefficients", Napi::Function::New(env, processCoefficients, "processCoefficients"));
  exports.Set("processIntegral", Napi::Function::New(env, processIntegral, "processIntegral"));
  exports.Set("processTimeOfVarsigma", Napi::Function::New(env, processTimeOfVarsigma, "processTimeOfVarsigma"));
  exports.Set("grid", Napi::Function::New(env, grid, "grid"));
  exports.Set("schemes", Napi::Function::New(env, schemes, "schemes"));
  exports.Set("stepPlan", Napi::Function::New(env, stepPlan, "stepPlan"));
  exports.Set("phiFunctions", Napi::Function::New(env, phiFunctions, "phiFunctions"));
});

}  // namespace dw2
