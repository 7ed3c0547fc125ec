// BatchScore over JavaScript callbacks `score(t, x, n, d, out)` and `hvp(t, x, v, n, d, out)`.
// The n × d buffers are JS typed arrays allocated by the binding; the kernel writes them and
// JavaScript sees the same memory. Sync runs call JS directly (the kernel runs on the JS thread);
// async runs call through a ThreadSafeFunction and the worker waits until the call returned.
#pragma once
#include <napi.h>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include "sampler/batch_score.h"

namespace dw2 {

// Runs a body on the JavaScript thread and returns when it is done. A throwing body
// becomes Error(CallbackFailed) on the calling thread. The body returns what the user's
// callback returned: a Promise is awaited by async runs (model runtimes are asynchronous)
// and refused by sync runs, which cannot wait for it without blocking its resolution.
using JsBody = std::function<Napi::Value(Napi::Env)>;
class JsCaller {
 public:
  virtual ~JsCaller() = default;
  virtual void call(const JsBody& body) = 0;
  virtual void release() {}
};

// The kernel runs on the JavaScript thread itself (sync API).
class DirectJsCaller : public JsCaller {
 public:
  explicit DirectJsCaller(Napi::Env env) : env_(env) {}
  void call(const JsBody& body) override;

 private:
  Napi::Env env_;
};

// The kernel runs on a pool thread: each call is queued to the JS thread and waited for.
class ThreadSafeJsCaller : public JsCaller {
 public:
  ThreadSafeJsCaller(Napi::Env env, Napi::Function anchor);
  ~ThreadSafeJsCaller() override { release(); }
  void call(const JsBody& body) override;
  void release() override;

 private:
  Napi::ThreadSafeFunction tsfn_;
  bool released_ = false;
  std::mutex releaseMutex_;
};

template <class T>
class JsBatchScore : public BatchScore<T> {
 public:
  // buffers: kBatchBufferCount values (typed arrays of T, or undefined when unused);
  // times: a Float64Array of n entries or undefined.
  JsBatchScore(Napi::Env env, JsCaller& caller, Napi::Function score, Napi::Value hvp, const Napi::Value* buffers, Napi::Value times, size_t n, size_t d);
  T* buffer(BatchBuffer b) override;
  double* times() override { return times_; }
  void score(double t, bool perParticleTime, BatchBuffer x, BatchBuffer out, size_t first, size_t count) override;
  bool hasHvp() const override { return hasHvp_; }
  void hvp(double t, BatchBuffer x, BatchBuffer v, BatchBuffer out, size_t first, size_t count) override;

 private:
  Napi::Value view(Napi::Env env, BatchBuffer b, size_t first, size_t count);
  JsCaller& caller_;
  Napi::FunctionReference score_, hvp_;
  bool hasHvp_;
  Napi::Reference<Napi::Value> buffers_[kBatchBufferCount];
  T* data_[kBatchBufferCount] = {};
  Napi::Reference<Napi::Value> timesRef_;
  double* times_ = nullptr;
  size_t n_, d_;
};

}  // namespace dw2
