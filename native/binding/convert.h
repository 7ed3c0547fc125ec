// Argument conversion and validation for bindings. Bindings only convert and
// validate here; all mathematics lives in kernels over raw buffers.
#pragma once
#include <napi.h>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include "core/errors.h"

namespace dw2 {

Napi::Error toJsError(Napi::Env env, ErrorCode code, const std::string& msg);
Napi::Error toJsError(Napi::Env env, const std::exception& e);

// Runs `body`, converting every C++ exception into a JS exception with a code.
template <class F>
Napi::Value guarded(const Napi::CallbackInfo& info, F&& body) {
  Napi::Env env = info.Env();
  try {
    return body(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw toJsError(env, e);
  } catch (...) {
    throw toJsError(env, ErrorCode::Internal, "unknown native error");
  }
}

struct Buffer64 { double* data; size_t length; };

// A float32 or float64 typed array, as raw pointer + element count.
struct FloatBuffer {
  void* data = nullptr;
  size_t length = 0;
  bool isFloat32 = false;
  double* f64() const { return static_cast<double*>(data); }
  float* f32() const { return static_cast<float*>(data); }
};

FloatBuffer argFloatArray(const Napi::CallbackInfo& info, size_t i, const char* name);
Napi::Float64Array argFloat64Array(const Napi::CallbackInfo& info, size_t i, const char* name);
double argNumber(const Napi::CallbackInfo& info, size_t i, const char* name);
double argFiniteNumber(const Napi::CallbackInfo& info, size_t i, const char* name);
int64_t argInteger(const Napi::CallbackInfo& info, size_t i, const char* name, int64_t lo, int64_t hi);
uint64_t argSeed(const Napi::CallbackInfo& info, size_t i, const char* name);
std::string argString(const Napi::CallbackInfo& info, size_t i, const char* name);
bool argBool(const Napi::CallbackInfo& info, size_t i, const char* name);
// Checks `length == rows * cols` without overflow.
void requireLength(size_t length, uint64_t rows, uint64_t cols, const char* name);
// Rejects NaN/Inf anywhere in a buffer, naming the first bad index.
void requireFinite(const double* p, size_t n, const char* name);
void requireFinite(const float* p, size_t n, const char* name);

}  // namespace dw2
