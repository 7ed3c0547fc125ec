#include "binding/object_fields.h"
#include <cmath>
#include "core/errors.h"

namespace dw2 {

Napi::Object optionsArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsObject()) fail(ErrorCode::InvalidArgument, "options must be an object");
  return info[i].As<Napi::Object>();
}

bool has(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  return !v.IsUndefined() && !v.IsNull();
}

double numberField(const Napi::Object& o, const char* key, double fallback, const char* prefix, bool infinite) {
  if (!has(o, key)) return fallback;
  Napi::Value v = o.Get(key);
  const std::string name = std::string(prefix) + key;
  if (!v.IsNumber()) fail(ErrorCode::InvalidArgument, name + " must be a number");
  double x = v.As<Napi::Number>().DoubleValue();
  if (std::isnan(x) || (!infinite && std::isinf(x))) fail(ErrorCode::NonFinite, name + (infinite ? " must not be NaN" : " must be finite"));
  return x;
}

int64_t integerField(const Napi::Object& o, const char* key, int64_t fallback, int64_t lo, int64_t hi) {
  double x = numberField(o, key, double(fallback));
  if (std::floor(x) != x || x < double(lo) || x > double(hi))
    fail(ErrorCode::InvalidArgument, std::string(key) + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + std::to_string(x));
  return static_cast<int64_t>(x);
}

int64_t requiredInteger(const Napi::Object& o, const char* key, int64_t lo, int64_t hi) {
  if (!has(o, key)) fail(ErrorCode::InvalidArgument, std::string(key) + " is required");
  return integerField(o, key, 0, lo, hi);
}

std::string stringField(const Napi::Object& o, const char* key, const char* fallback, const char* prefix) {
  if (!has(o, key)) return fallback;
  Napi::Value v = o.Get(key);
  if (!v.IsString()) fail(ErrorCode::InvalidArgument, std::string(prefix) + key + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

std::string requiredString(const Napi::Object& o, const char* key, const char* prefix) {
  if (!has(o, key)) fail(ErrorCode::InvalidArgument, std::string(prefix) + key + " must be a string");
  return stringField(o, key, "", prefix);
}

uint64_t seedField(const Napi::Object& o, const char* key) {
  if (!has(o, key)) return 0;
  Napi::Value v = o.Get(key);
  if (v.IsBigInt()) {
    bool lossless = false;
    uint64_t s = v.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) fail(ErrorCode::InvalidArgument, std::string(key) + " must fit in 64 unsigned bits");
    return s;
  }
  return static_cast<uint64_t>(integerField(o, key, 0, 0, (int64_t(1) << 53) - 1));
}

Napi::Float64Array float64ArrayField(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    fail(ErrorCode::InvalidArgument, std::string(key) + " must be a Float64Array");
  return v.As<Napi::Float64Array>();
}

Napi::Int32Array int32ArrayField(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    fail(ErrorCode::InvalidArgument, std::string(key) + " must be an Int32Array");
  return v.As<Napi::Int32Array>();
}

}  // namespace dw2
