// localLinearizationNoise(h, mu, a, b): the per-direction noise coefficients of a
// local-linearization step (schemes/local_linearization_noise.h) and the closed-form variance
// Q they must add up to, so that tests can check c_W² h + c_H² h/12 + v = Q, and the per-step
// noise's √Q (schemes/local_linearization_step_noise.h), which must equal both.
#include "binding/convert.h"
#include "core/errors.h"
#include "binding/registry.h"
#include <vector>
#include "schemes/local_linearization_noise.h"
#include "schemes/local_linearization_noise_table.h"
#include "schemes/local_linearization_step_noise.h"

namespace dw2 {

namespace {

Napi::Value localLinearizationNoiseJs(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    const double h = argFiniteNumber(info, 0, "h"), mu = argFiniteNumber(info, 1, "mu");
    const double a = argFiniteNumber(info, 2, "a"), b = argFiniteNumber(info, 3, "b");
    if (!(h > 0)) fail(ErrorCode::InvalidArgument, "h must be > 0");
    if (a < 0 || a + b * h < -1e-12 * a) fail(ErrorCode::InvalidArgument, "g² = a + b r must be >= 0 on [0, h]");
    const LocalLinearizationNoise n = localLinearizationNoise(h, mu, a, b);
    Napi::Object r = Napi::Object::New(info.Env());
    r.Set("cW", n.cW);
    r.Set("cH", n.cH);
    r.Set("remainder", n.remainder);
    r.Set("variance", localLinearizationNoiseVariance(h, mu, a, b));
    r.Set("stepStd", localLinearizationStepNoiseStd(h, mu, a, b));
    return r;
  });
}

// localLinearizationNoiseTable(h, mus, a, b): c_W, c_H, √v for many μ at once through the per-step table
// the CPU sampler uses (schemes/local_linearization_noise_table.h), so tests can bound its difference
// from localLinearizationNoise.
Napi::Value localLinearizationNoiseTableJs(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    const double h = argFiniteNumber(info, 0, "h");
    const Napi::Float64Array mus = argFloat64Array(info, 1, "mu");
    const double a = argFiniteNumber(info, 2, "a"), b = argFiniteNumber(info, 3, "b");
    if (!(h > 0)) fail(ErrorCode::InvalidArgument, "h must be > 0");
    if (a < 0 || a + b * h < -1e-12 * a) fail(ErrorCode::InvalidArgument, "g² = a + b r must be >= 0 on [0, h]");
    const int n = static_cast<int>(mus.ElementLength());
    LocalLinearizationNoiseTable table;
    table.reset(h, a, b);
    Napi::Env env = info.Env();
    Napi::Float64Array cW = Napi::Float64Array::New(env, n), cH = Napi::Float64Array::New(env, n), v = Napi::Float64Array::New(env, n);
    std::vector<double> mu(mus.Data(), mus.Data() + n), work(LocalLinearizationNoiseTable::workSize(n));
    table.evaluate(mu.data(), n, cW.Data(), cH.Data(), v.Data(), work.data());
    Napi::Object r = Napi::Object::New(env);
    r.Set("cW", cW);
    r.Set("cH", cH);
    r.Set("sqrtRemainder", v);
    return r;
  });
}

}  // namespace

DW2_REGISTER([](Napi::Env env, Napi::Object exports) {
  exports.Set("localLinearizationNoise", Napi::Function::New(env, localLinearizationNoiseJs, "localLinearizationNoise"));
  exports.Set("localLinearizationNoiseTable", Napi::Function::New(env, localLinearizationNoiseTableJs, "localLinearizationNoiseTable"));
});

}  // namespace dw2
