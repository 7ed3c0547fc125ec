#include "binding/sampler_params_arg.h"
#include <cmath>
#include <string>
#include "binding/object_fields.h"
#include "core/errors.h"

namespace dw2 {

namespace {
// Sampler parameters admit ±Infinity (S_tmax = ∞ is EDM's default), never NaN.
void readNumber(const Napi::Object& o, const char* key, double& into) {
  into = numberField(o, key, into, "params.", true);
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
  readNumber(o, "rtol", q.rtol);
  readNumber(o, "atol", q.atol);
  readNumber(o, "hInit", q.hInit);
  readNumber(o, "pcoeff", q.pcoeff);
  readNumber(o, "icoeff", q.icoeff);
  readNumber(o, "dcoeff", q.dcoeff);
  readNumber(o, "acceptSafety", q.acceptSafety);
  double order = q.order;
  readNumber(o, "order", order);
  if (!(order == std::floor(order) && order >= 0 && order <= 16)) fail(ErrorCode::InvalidArgument, "params.order must be a small integer");
  q.order = static_cast<int>(order);
  if (has(o, "variant")) {
    const std::string v = stringField(o, "variant", "", "params.");
    if (v != "bh1" && v != "bh2") fail(ErrorCode::InvalidArgument, "params.variant must be 'bh1' or 'bh2'");
    q.bh2 = v == "bh2";
  }
  Napi::Value corrector = o.Get("corrector");
  if (!corrector.IsUndefined()) {
    if (!corrector.IsBoolean()) fail(ErrorCode::InvalidArgument, "params.corrector must be a boolean");
    q.corrector = corrector.As<Napi::Boolean>().Value();
  }
  return q;
}

}  // namespace dw2
