#include "binding/async_job.h"
#include "binding/registry.h"

namespace dw2 {

Napi::FunctionReference* CancelToken::constructor_ = nullptr;

Napi::Function CancelToken::define(Napi::Env env) {
  Napi::Function fn = DefineClass(env, "CancelToken",
                                  {InstanceMethod("cancel", &CancelToken::cancel),
                                   InstanceAccessor("cancelled", &CancelToken::isCancelled, nullptr)});
  constructor_ = new Napi::FunctionReference(Napi::Persistent(fn));
  env.SetInstanceData(constructor_);
  return fn;
}

CancelToken::CancelToken(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CancelToken>(info) {}

Napi::Value CancelToken::cancel(const Napi::CallbackInfo& info) {
  flag_->store(true, std::memory_order_relaxed);
  return info.Env().Undefined();
}

Napi::Value CancelToken::isCancelled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), flag_->load(std::memory_order_relaxed));
}

CancelFlag CancelToken::fromArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || info[i].IsUndefined() || info[i].IsNull())
    return std::make_shared<std::atomic<bool>>(false);
  Napi::Value v = info[i];
  if (!v.IsObject() || constructor_ == nullptr || !v.As<Napi::Object>().InstanceOf(constructor_->Value()))
    fail(ErrorCode::InvalidArgument, "cancel token must be a CancelToken");
  return CancelToken::Unwrap(v.As<Napi::Object>())->flag();
}

namespace {
// Checked before the worker base is built: that base already owns a thread-safe function whose
// finalizer points at the job, so a throw after it would leave the finalizer a freed job.
Napi::Env checkedProgress(Napi::Env env, const Napi::Value& progress) {
  if (!progress.IsUndefined() && !progress.IsNull() && !progress.IsFunction())
    fail(ErrorCode::InvalidArgument, "onProgress must be a function");
  return env;
}
}  // namespace

Job::Job(Napi::Env env, const Napi::Value& progress, CancelFlag cancel)
    : Napi::AsyncProgressWorker<double>(checkedProgress(env, progress), "dw2:job"),
      deferred_(Napi::Promise::Deferred::New(env)),
      cancel_(std::move(cancel)) {
  if (progress.IsFunction()) progressFn_ = Napi::Persistent(progress.As<Napi::Function>());
}

void Job::keep(const Napi::Value& v) { kept_.emplace_back(Napi::Persistent(v)); }

Napi::Promise Job::start() {
  Napi::Promise p = deferred_.Promise();
  Queue();
  return p;
}

namespace {
// Bridges the kernel-side Progress interface to the worker's progress channel,
// at most ~20 reports per second.
class JobProgress : public Progress {
 public:
  JobProgress(const Napi::AsyncProgressWorker<double>::ExecutionProgress& ep, const CancelFlag& flag, bool wanted)
      : ep_(ep), flag_(flag), wanted_(wanted) {}
  bool cancelled() const override { return flag_->load(std::memory_order_relaxed); }
  void report(double fraction) override {
    if (!wanted_) return;
    auto now = std::chrono::steady_clock::now();
    if (fraction < 1.0 && now - last_ < std::chrono::milliseconds(50)) return;
    last_ = now;
    ep_.Send(&fraction, 1);
  }

 private:
  const Napi::AsyncProgressWorker<double>::ExecutionProgress& ep_;
  const CancelFlag& flag_;
  bool wanted_;
  std::chrono::steady_clock::time_point last_{};
};
}  // namespace

void Job::Execute(const ExecutionProgress& ep) {
  JobProgress progress(ep, cancel_, !progressFn_.IsEmpty());
  try {
    if (progress.cancelled()) fail(ErrorCode::Aborted, "the operation was aborted");
    run(progress);
  } catch (const Error& e) {
    errorCode_ = e.code;
    SetError(e.what());
  } catch (const std::bad_alloc&) {
    errorCode_ = ErrorCode::TooLarge;
    SetError("out of memory while allocating native buffers");
  } catch (const std::exception& e) {
    errorCode_ = ErrorCode::Internal;
    SetError(e.what());
  } catch (...) {
    errorCode_ = ErrorCode::Internal;
    SetError("unknown native error");
  }
}

void Job::OnOK() {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  try {
    deferred_.Resolve(result(env));
  } catch (const Napi::Error& e) {
    deferred_.Reject(e.Value());
  } catch (const std::exception& e) {
    deferred_.Reject(toJsError(env, e).Value());
  }
  kept_.clear();
}

void Job::OnError(const Napi::Error& e) {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  deferred_.Reject(toJsError(env, errorCode_, e.Message()).Value());
  kept_.clear();
}

void Job::OnProgress(const double* data, size_t count) {
  if (progressFn_.IsEmpty() || count == 0) return;
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  try {
    progressFn_.Call({Napi::Number::New(env, data[count - 1])});
  } catch (const Napi::Error&) {
    // A throwing progress callback must not take the job down; it is ignored.
  }
}

DW2_REGISTER([](Napi::Env env, Napi::Object exports) { exports.Set("CancelToken", CancelToken::define(env)); });

}  // namespace dw2
