// Reading an options object: the one reader of JS option fields the bindings share (JS checks
// shapes and types once; these name the field in the error when a value is not what the kernel
// takes). Absent means undefined or null.
#pragma once
#include <napi.h>
#include <cstdint>
#include <string>

namespace dw2 {

// The options object at argument i (INVALID_ARGUMENT when it is not an object).
Napi::Object optionsArg(const Napi::CallbackInfo& info, size_t i);

bool has(const Napi::Object& o, const char* key);
// A finite number, or the fallback when absent. `prefix` names the object in messages
// ("params." → "params.eta must be a number"); `infinite` admits ±Infinity (never NaN).
double numberField(const Napi::Object& o, const char* key, double fallback, const char* prefix = "", bool infinite = false);
// An integer in [lo, hi], or the fallback when absent.
int64_t integerField(const Napi::Object& o, const char* key, int64_t fallback, int64_t lo, int64_t hi);
// A required integer in [lo, hi].
int64_t requiredInteger(const Napi::Object& o, const char* key, int64_t lo, int64_t hi);
std::string stringField(const Napi::Object& o, const char* key, const char* fallback, const char* prefix = "");
// A required string.
std::string requiredString(const Napi::Object& o, const char* key, const char* prefix = "");
// A seed: a BigInt below 2^64 or an integer below 2^53; 0 when absent.
uint64_t seedField(const Napi::Object& o, const char* key);
// A required Float64Array (not copied: keep the object alive while a kernel reads it).
Napi::Float64Array float64ArrayField(const Napi::Object& o, const char* key);
// A required Int32Array.
Napi::Int32Array int32ArrayField(const Napi::Object& o, const char* key);

}  // namespace dw2
