#include "binding/sampler_params_arg.h"
#include <cmath>
#include <string>
#include "binding/errors.h"

namespace dw2 {

namespace {
void readNumber(const Napi::Object& o, const char* key, double& into) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return;
  if (!v.IsNumber()) fail(ErrorCode::InvalidArgument, std::string("params.") + key + " must be a number");
  into = v.As<Napi::Number>().DoubleValue();
  if (std::isnan(into)) fail(ErrorCode::NonFinite, std::string("params.") + key + " must not be NaN");
}
}  // namespace

SamplerParams samplerParamsField(const Napi::Object& options) {
  SamplerParams q;
  Napi::Value v = options.Get("params");
  if (v.IsUndefined() || v.IsNull()) return q;
  if (!v.IsObject()) fail(ErrorCode::InvalidArgument, "params must be an object { eta?, sNoise?, sChurn?, sTmin?, sTmax? }");
  Napi::Object o = v.As<Napi::Object>();
  readNumber(o, "eta", q.eta);
  readNumber(o, "sNoise", q.sNoise);
  readNumber(o, "sChurn", q.sChurn);
  readNumber(o, "sTmin", q.sTmin);
  readNumber(o, "sTmax", q.sTmax);
  return q;
}

}  // namespace dw2
