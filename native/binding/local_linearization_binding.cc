// localLinearizationNoise(h, mu, a, b): the per-direction noise coefficients of a
// local-linearization step (schemes/local_linearization_noise.h) and the closed-form variance
// Q they must add up to, so that tests can check c_W² h + c_H² h/12 + v = Q.
#include "binding/convert.h"
#include "core/errors.h"
#include "binding/registry.h"
#include "schemes/local_linearization_noise.h"

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
    return r;
  });
}

}  // namespace

DW2_REGISTER([](Napi::Env env, Napi::Object exports) {
  exports.Set("localLinearizationNoise", Napi::Function::New(env, localLinearizationNoiseJs, "localLinearizationNoise"));
});

}  // namespace dw2
