// C++-side error type with the stable codes the TypeScript layer maps to classes.
#pragma once
#include <stdexcept>
#include <string>

namespace dw2 {

enum class ErrorCode { InvalidArgument, ShapeMismatch, NonFinite, TooLarge, Aborted, NotConverged, Unsupported, CallbackFailed, Internal };

inline const char* errorCodeName(ErrorCode c) {
  switch (c) {
    case ErrorCode::InvalidArgument: return "INVALID_ARGUMENT";
    case ErrorCode::ShapeMismatch: return "SHAPE_MISMATCH";
    case ErrorCode::NonFinite: return "NON_FINITE";
    case ErrorCode::TooLarge: return "TOO_LARGE";
    case ErrorCode::Aborted: return "ABORTED";
    case ErrorCode::NotConverged: return "NOT_CONVERGED";
    case ErrorCode::Unsupported: return "UNSUPPORTED";
    case ErrorCode::CallbackFailed: return "CALLBACK_FAILED";
    default: return "INTERNAL";
  }
}

// Thrown by kernels and bindings; converted to a JS Error with `.code` at the boundary.
struct Error : std::runtime_error {
  ErrorCode code;
  Error(ErrorCode c, const std::string& msg) : std::runtime_error(msg), code(c) {}
};

[[noreturn]] inline void fail(ErrorCode c, const std::string& msg) { throw Error(c, msg); }

}  // namespace dw2
