// BatchScore over JavaScript callbacks `score(t, x, n, d, out)` and `hvp(t, x, v, n, d, out)`.
// The kernel's n × d buffers are JS typed arrays allocated by the binding, but callbacks never see
// them: each call gets staging arrays (copied in before, copied out after, on the JS thread), so a
// callback that keeps, detaches or transfers what it was given cannot touch the sampler's state.
// Sync runs call JS directly (the kernel runs on the JS thread); async runs call through a
// ThreadSafeFunction and the worker waits until the call (and a Promise it returned) settled.
#pragma once
#include <napi.h>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include "sampler/batch_score.h"

namespace dw2 {

// Runs a body on the JavaScript thread and returns when it is done. A throwing body
// becomes Error(CallbackFailed) on the calling thread.
// A call in two parts: `invoke` calls JavaScript and returns what it returned; `finish` runs on the
// JS thread once that value settled (at once, or when a returned Promise fulfilled).
struct JsCall {
  std::function<Napi::Value(Napi::Env)> invoke;
  std::function<void(Napi::Env)> finish;
};

class JsCaller {
 public:
  virtual ~JsCaller() = default;
  virtual void call(const JsCall& body) = 0;
  virtual void release() {}
};

// The kernel runs on the JavaScript thread itself (sync API).
class DirectJsCaller : public JsCaller {
 public:
  explicit DirectJsCaller(Napi::Env env) : env_(env) {}
  // A callback that returns a Promise is refused (CallbackFailed): nothing could wait for it.
  void call(const JsCall& body) override;

 private:
  Napi::Env env_;
};

// The kernel runs on a pool thread: each call is queued to the JS thread and waited for.
class ThreadSafeJsCaller : public JsCaller {
 public:
  ThreadSafeJsCaller(Napi::Env env, Napi::Function anchor);
  ~ThreadSafeJsCaller() override { release(); }
  // Waits for a returned Promise to settle before `finish` runs and the worker resumes.
  void call(const JsCall& body) override;
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
  // A JS array of `length` entries the callbacks may keep or detach: reallocated when detached.
  struct Staging {
    Napi::Reference<Napi::Value> array;
    size_t length = 0;
  };
  // The first `count` rows of a staging array, holding a copy of rows [first, first + count) of b.
  Napi::TypedArrayOf<T> stageIn(Napi::Env env, Staging& s, BatchBuffer b, size_t first, size_t count);
  Napi::TypedArrayOf<T> stageView(Napi::Env env, Staging& s, size_t count);
  // Copies the output staging rows back into b; CallbackFailed when the callback detached them.
  void stageOut(BatchBuffer b, size_t first, size_t count);
  JsCaller& caller_;
  Staging stageX_, stageV_, stageOut_;
  Napi::FunctionReference score_, hvp_;
  bool hasHvp_;
  Napi::Reference<Napi::Value> buffers_[kBatchBufferCount];
  T* data_[kBatchBufferCount] = {};
  Napi::Reference<Napi::Value> timesRef_;
  double* times_ = nullptr;
  size_t n_, d_;
};

}  // namespace dw2
