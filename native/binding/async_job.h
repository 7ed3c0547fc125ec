// The async job pattern: a kernel runs on the libuv thread pool, reports progress
// to an optional JS callback, stops when its CancelToken fires, and settles a Promise.
#pragma once
#include <napi.h>
#include <atomic>
#include <chrono>
#include <initializer_list>
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

// The generic job: parsed input In, a kernel run(In, Progress) -> Out on the pool thread, and
// toJs(env, In, Out) on the main thread. A binding needs its own Job subclass only when it must
// keep JS values alive or do more than this.
template <typename In, typename Out>
class KernelJob : public Job {
 public:
  using Run = Out (*)(const In&, Progress&);
  using ToJs = Napi::Value (*)(Napi::Env, const In&, const Out&);
  KernelJob(Napi::Env env, In in, Run run, ToJs toJs, const Napi::Value& progress, CancelFlag cancel)
      : Job(env, progress, std::move(cancel)), in_(std::move(in)), run_(run), toJs_(toJs) {}

 protected:
  void run(Progress& p) override { out_ = run_(in_, p); }
  Napi::Value result(Napi::Env env) override { return toJs_(env, in_, out_); }

 private:
  In in_;
  Out out_{};
  Run run_;
  ToJs toJs_;
};

// The output of a kernel that writes into a caller's buffer (the promise settles with undefined).
struct Written {};
inline Napi::Value undefinedResult(Napi::Env env) { return env.Undefined(); }

// Starts a KernelJob whose optional progress callback is argument `progressArg` and whose
// CancelToken is the argument after it, keeping `kept` (buffers the kernel reads or writes)
// alive until it settles; returns its promise.
template <typename In, typename Out>
Napi::Value startKernelJob(const Napi::CallbackInfo& info, size_t progressArg, In in, typename KernelJob<In, Out>::Run run,
                           typename KernelJob<In, Out>::ToJs toJs, std::initializer_list<Napi::Value> kept = {}) {
  Napi::Value progress = info.Length() > progressArg ? info[progressArg] : info.Env().Undefined();
  auto* job = new KernelJob<In, Out>(info.Env(), std::move(in), run, toJs, progress, CancelToken::fromArg(info, progressArg + 1));
  for (const Napi::Value& v : kept) job->keep(v);
  return job->start();
}

}  // namespace dw2
