// Bindings for the analytic targets: batched score quantities, exact draws of p_t
// (sync and async) and the moments of p₀. Targets arrive as plain objects (target_arg.h).
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include "binding/async_job.h"
#include "binding/convert.h"
#include "binding/process_arg.h"
#include "binding/registry.h"
#include "binding/target_arg.h"
#include "targets/target_batch.h"

namespace dw2 {

namespace {

double argTime(const Napi::CallbackInfo& info, size_t i, const Process& p) {
  const double t = argFiniteNumber(info, i, "t");
  if (t < 0 || t > p.tMax()) {
    char range[96];
    std::snprintf(range, sizeof range, "t must be in [0, %.6g] for process '%s', got %.6g", p.tMax(), p.name(), t);
    fail(ErrorCode::InvalidArgument, std::string(range) + (t > p.tMax() ? " (" + p.rangeReason() + ")" : std::string()));
  }
  return t;
}

TargetQuantity parseQuantity(const std::string& s) {
  if (s == "score") return TargetQuantity::Score;
  if (s == "jacobian") return TargetQuantity::Jacobian;
  if (s == "hvp") return TargetQuantity::HessianVector;
  if (s == "laplacian") return TargetQuantity::Laplacian;
  if (s == "timeDerivative") return TargetQuantity::TimeDerivative;
  fail(ErrorCode::InvalidArgument, "quantity must be 'score', 'jacobian', 'hvp', 'laplacian' or 'timeDerivative', got '" + s + "'");
}

// (target) -> { d, scoreDefinedAtZero, scratchSize }; also the full native validation.
Napi::Value targetInfo(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    auto target = targetFromValue(info.Length() > 0 ? info[0] : info.Env().Undefined());
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("d", double(target->dim()));
    o.Set("scoreDefinedAtZero", target->scoreDefinedAtZero());
    o.Set("scratchSize", double(target->scratchSize()));
    return o;
  });
}

// (target, process, t, quantity, x: Float64Array(n·d), v: Float64Array(n·d) | null, out: Float64Array)
Napi::Value targetEvaluate(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    auto target = targetFromValue(info[0]);
    Process p = argProcess(info, 1);
    const double t = argTime(info, 2, p);
    const TargetQuantity q = parseQuantity(argString(info, 3, "quantity"));
    if (t == 0 && !target->scoreDefinedAtZero())
      fail(ErrorCode::InvalidArgument, "the score of this target is undefined at t = 0 (a singular covariance or data points); use t > 0");
    const size_t d = target->dim();
    auto x = argFloat64Array(info, 4, "x");
    if (x.ElementLength() % d != 0)
      fail(ErrorCode::ShapeMismatch, "x has " + std::to_string(x.ElementLength()) + " elements, not a multiple of d = " + std::to_string(d));
    const size_t n = x.ElementLength() / d;
    requireFinite(x.Data(), x.ElementLength(), "x");
    const double* v = nullptr;
    if (q == TargetQuantity::HessianVector) {
      auto va = argFloat64Array(info, 5, "v");
      requireLength(va.ElementLength(), n, d, "v");
      requireFinite(va.Data(), va.ElementLength(), "v");
      v = va.Data();
    }
    auto out = argFloat64Array(info, 6, "out");
    requireLength(out.ElementLength(), n, q == TargetQuantity::Jacobian ? d * d : d, "out");
    evaluateTargetBatch(*target, p, t, q, n, x.Data(), v, out.Data());
    return info.Env().Undefined();
  });
}

struct SampleArgs {
  std::shared_ptr<const Target> target;
  Process process;
  double t;
  uint64_t seed, first;
  size_t n;
  FloatBuffer out;
};

// (target, process, t, seed, firstParticle, n, out: Float64Array | Float32Array(n·d))
SampleArgs parseSampleArgs(const Napi::CallbackInfo& info) {
  SampleArgs a;
  a.target = targetFromValue(info[0]);
  a.process = argProcess(info, 1);
  a.t = argTime(info, 2, a.process);
  a.seed = argSeed(info, 3, "seed");
  a.first = static_cast<uint64_t>(argInteger(info, 4, "firstParticle", 0, 0xffffffffLL));
  a.n = static_cast<size_t>(argInteger(info, 5, "n", 0, 0xffffffffLL));
  if (a.n > 0 && a.first + a.n - 1 > 0xffffffffULL) fail(ErrorCode::InvalidArgument, "particle indices must stay below 2^32");
  a.out = argFloatArray(info, 6, "out");
  requireLength(a.out.length, a.n, a.target->dim(), "out");
  return a;
}

void runSample(const SampleArgs& a, Progress& progress) {
  if (a.out.isFloat32) sampleTargetMarginal(*a.target, a.process, a.t, a.seed, a.first, a.n, a.out.f32(), progress);
  else sampleTargetMarginal(*a.target, a.process, a.t, a.seed, a.first, a.n, a.out.f64(), progress);
}

Napi::Value targetSampleSync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    runSample(parseSampleArgs(info), noProgress());
    return info.Env().Undefined();
  });
}

// (…same as sync…, onProgress?, cancelToken?) -> Promise<void>
Napi::Value targetSample(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    return startKernelJob<SampleArgs, Written>(
        info, 7, parseSampleArgs(info), [](const SampleArgs& a, Progress& p) {
          runSample(a, p);
          return Written{};
        },
        [](Napi::Env env, const SampleArgs&, const Written&) { return undefinedResult(env); }, {info[6]});
  });
}

// (target) -> { mean: Float64Array(d), covariance: Float64Array(d·d) }
Napi::Value targetMoments(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    auto target = targetFromValue(info.Length() > 0 ? info[0] : info.Env().Undefined());
    const size_t d = target->dim();
    auto mean = Napi::Float64Array::New(info.Env(), d);
    auto cov = Napi::Float64Array::New(info.Env(), d * d);
    target->moments(mean.Data(), cov.Data());
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("mean", mean);
    o.Set("covariance", cov);
    return o;
  });
}

}  // namespace

DW2_REGISTER([](Napi::Env env, Napi::Object exports) {
  exports.Set("targetInfo", Napi::Function::New(env, targetInfo, "targetInfo"));
  exports.Set("targetEvaluate", Napi::Function::New(env, targetEvaluate, "targetEvaluate"));
  exports.Set("targetSampleSync", Napi::Function::New(env, targetSampleSync, "targetSampleSync"));
  exports.Set("targetSample", Napi::Function::New(env, targetSample, "targetSample"));
  exports.Set("targetMoments", Napi::Function::New(env, targetMoments, "targetMoments"));
});

}  // namespace dw2
