#include "binding/process_arg.h"
#include <cmath>
#include <limits>
#include "binding/convert.h"
#include "binding/object_fields.h"

namespace dw2 {

// Absent coefficients are NaN: makeProcess takes the process's defaults for them.
Process processFromObject(const Napi::Object& o) {
  constexpr double kAbsent = std::numeric_limits<double>::quiet_NaN();
  const char* p = "process.";
  return makeProcess(requiredString(o, "name", p), numberField(o, "betaMin", kAbsent, p), numberField(o, "betaMax", kAbsent, p),
                     numberField(o, "beta", kAbsent, p), numberField(o, "T", kAbsent, p));
}

Process argProcess(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsObject()) fail(ErrorCode::InvalidArgument, "process must be an object { name, … }");
  return processFromObject(info[i].As<Napi::Object>());
}

std::vector<double> gridFromValue(const Process& p, const Napi::Value& v) {
  if (v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_float64_array) {
    auto a = v.As<Napi::Float64Array>();
    std::vector<double> t(a.Data(), a.Data() + a.ElementLength());
    validateGrid(t.data(), t.size());
    if (t.front() > p.tMax()) fail(ErrorCode::InvalidArgument, "grid starts beyond the process's range");
    return t;
  }
  if (!v.IsObject()) fail(ErrorCode::InvalidArgument, "grid must be { kind, steps, tEnd, rho? } or a Float64Array of times");
  Napi::Object o = v.As<Napi::Object>();
  const std::string kind = requiredString(o, "kind", "grid.");
  const int steps = static_cast<int>(requiredInteger(o, "steps", 1, 100000000));
  const double te = numberField(o, "tEnd", defaultTEnd(p)), r = numberField(o, "rho", 7.0);
  return makeGrid(p, parseGridKind(kind), steps, p.T, te, r);
}

}  // namespace dw2
