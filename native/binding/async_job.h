// The async job pattern: a kernel runs on the libuv thread pool, reports progress
// to an optional JS callback, stops when its CancelToken fires, and settles a Promise.
#pragma once
#include <napi.h>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>
#include "binding/convert.h"
#include "core/progress.h"

namespace dw2 {

using CancelFlag = std::shared_ptr<std::atomic<bool>>;

// JS-visible token: `new CancelToken()`, `token.cancel()`. The TypeScript layer
// wires an AbortSignal to it.
class CancelToken : public Napi::ObjectWrap<CancelToken> {
 public:
  static Napi::Function define(Napi::Env env);
  explicit CancelToken(const Napi::CallbackInfo& info);
  CancelFlag flag() const { return flag_; }
  // The token at argument i, or a fresh never-cancelled flag when undefined/null.
  static CancelFlag fromArg(const Napi::CallbackInfo& info, size_t i);

 private:
  Napi::Value cancel(const Napi::CallbackInfo& info);
  Napi::Value isCancelled(const Napi::CallbackInfo& info);
  CancelFlag flag_ = std::make_shared<std::atomic<bool>>(false);
  static Napi::FunctionReference* constructor_;
};

class Job : public Napi::AsyncProgressWorker<double> {
 public:
  // progress: optional JS function (fraction) => void; cancel: token flag.
  Job(Napi::Env env, const Napi::Value& progress, CancelFlag cancel);
  Napi::Promise promise() const { return deferred_.Promise(); }
  // Keeps a JS value (an input or output typed array) alive until the job settles.
  void keep(const Napi::Value& v);
  // Queues the job and returns its promise.
  Napi::Promise start();

 protected:
  // Runs on a pool thread: touch no JS values here, only raw buffers.
  virtual void run(Progress& progress) = 0;
  // Runs on the main thread after run() returned normally.
  virtual Napi::Value result(Napi::Env env) = 0;

 private:
  void Execute(const ExecutionProgress& ep) override;
  void OnOK() override;
  void OnError(const Napi::Error& e) override;
  void OnProgress(const double* data, size_t count) override;

  Napi::Promise::Deferred deferred_;
  Napi::FunctionReference progressFn_;
  CancelFlag cancel_;
  std::vector<Napi::Reference<Napi::Value>> kept_;
  ErrorCode errorCode_ = ErrorCode::Internal;
};

}  // namespace dw2
