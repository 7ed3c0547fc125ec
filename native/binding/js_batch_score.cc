#include "binding/js_batch_score.h"
#include "core/errors.h"

namespace dw2 {

namespace {
[[noreturn]] void callbackFailed(const std::string& message) {
  fail(ErrorCode::CallbackFailed, "a score callback threw: " + message);
}

bool isThenable(const Napi::Value& v) {
  if (v.IsPromise()) return true;
  if (!v.IsObject()) return false;
  return v.As<Napi::Object>().Get("then").IsFunction();
}
}  // namespace

void DirectJsCaller::call(const JsCall& body) {
  Napi::HandleScope scope(env_);
  try {
    Napi::Value r = body.invoke(env_);
    if (isThenable(r))
      fail(ErrorCode::CallbackFailed, "the score callback returned a Promise; the sync forms need a synchronous callback (use the async form, which awaits it)");
    body.finish(env_);
  } catch (const Napi::Error& e) {
    callbackFailed(e.Message());
  }
}

ThreadSafeJsCaller::ThreadSafeJsCaller(Napi::Env env, Napi::Function anchor)
    : tsfn_(Napi::ThreadSafeFunction::New(env, anchor, "dw2:sampler-callback", 0, 1)) {}

void ThreadSafeJsCaller::release() {
  std::lock_guard<std::mutex> lock(releaseMutex_);
  if (released_) return;
  released_ = true;
  tsfn_.Release();
}

namespace {
struct Request {
  const JsCall* body;
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  bool failed = false;
  std::string message;
  void settle(bool failedNow, const std::string& why) {
    std::lock_guard<std::mutex> lock(m);
    if (failedNow) {
      failed = true;
      message = why;
    }
    done = true;
    cv.notify_one();
  }
};

// Runs body.finish and settles the request (never throws: it runs from a JS callback too).
void finishRequest(Napi::Env env, Request* req) {
  try {
    req->body->finish(env);
    req->settle(false, "");
  } catch (const Napi::Error& e) {
    req->settle(true, e.Message());
  } catch (const std::exception& e) {
    req->settle(true, e.what());
  }
}

// Settles the request when the thenable does: finish on fulfilment, failure on rejection.
void awaitThenable(Napi::Env env, Napi::Value thenable, Request* req) {
  Napi::Function onOk = Napi::Function::New(env, [req](const Napi::CallbackInfo& info) { finishRequest(info.Env(), req); });
  Napi::Function onErr = Napi::Function::New(env, [req](const Napi::CallbackInfo& info) {
    Napi::Value why = info.Length() > 0 ? info[0] : info.Env().Undefined();
    std::string text = "the Promise it returned rejected";
    if (why.IsObject() && why.As<Napi::Object>().Get("message").IsString()) text = why.As<Napi::Object>().Get("message").As<Napi::String>().Utf8Value();
    req->settle(true, text);
  });
  thenable.As<Napi::Object>().Get("then").As<Napi::Function>().Call(thenable, {onOk, onErr});
}
}  // namespace

void ThreadSafeJsCaller::call(const JsCall& body) {
  Request r;
  r.body = &body;
  napi_status st = tsfn_.BlockingCall(&r, [](Napi::Env env, Napi::Function, Request* req) {
    Napi::HandleScope scope(env);
    try {
      Napi::Value result = req->body->invoke(env);
      if (isThenable(result)) awaitThenable(env, result, req);
      else finishRequest(env, req);
    } catch (const Napi::Error& e) {
      req->settle(true, e.Message());
    } catch (const std::exception& e) {
      req->settle(true, e.what());
    }
  });
  if (st != napi_ok) fail(ErrorCode::Aborted, "the JavaScript thread is shutting down; the sampler stopped");
  std::unique_lock<std::mutex> lock(r.m);
  r.cv.wait(lock, [&] { return r.done; });
  if (r.failed) callbackFailed(r.message);
}

template <class T>
JsBatchScore<T>::JsBatchScore(Napi::Env env, JsCaller& caller, Napi::Function score, Napi::Value hvp, const Napi::Value* buffers, Napi::Value times, size_t n,
                              size_t d)
    : caller_(caller), score_(Napi::Persistent(score)), hasHvp_(hvp.IsFunction()), n_(n), d_(d) {
  if (hasHvp_) hvp_ = Napi::Persistent(hvp.As<Napi::Function>());
  for (int i = 0; i < kBatchBufferCount; ++i) {
    if (buffers[i].IsUndefined()) continue;
    buffers_[i] = Napi::Persistent(buffers[i]);
    data_[i] = buffers[i].As<Napi::TypedArrayOf<T>>().Data();
  }
  if (times.IsTypedArray()) {
    timesRef_ = Napi::Persistent(times);
    times_ = times.As<Napi::Float64Array>().Data();
  }
}

template <class T>
T* JsBatchScore<T>::buffer(BatchBuffer b) {
  T* p = data_[static_cast<int>(b)];
  if (!p) fail(ErrorCode::Internal, "sampler buffer " + std::to_string(static_cast<int>(b)) + " was not allocated");
  return p;
}

template <class T>
Napi::TypedArrayOf<T> JsBatchScore<T>::stageView(Napi::Env env, Staging& s, size_t count) {
  bool usable = !s.array.IsEmpty() && !s.array.Value().template As<Napi::TypedArrayOf<T>>().ArrayBuffer().IsDetached();
  if (!usable) {
    s.length = n_ * d_;
    s.array = Napi::Persistent(Napi::Value(Napi::TypedArrayOf<T>::New(env, s.length)));
  }
  auto whole = s.array.Value().template As<Napi::TypedArrayOf<T>>();
  if (count * d_ == s.length) return whole;
  return Napi::TypedArrayOf<T>::New(env, count * d_, whole.ArrayBuffer(), whole.ByteOffset());
}

template <class T>
Napi::TypedArrayOf<T> JsBatchScore<T>::stageIn(Napi::Env env, Staging& s, BatchBuffer b, size_t first, size_t count) {
  Napi::TypedArrayOf<T> v = stageView(env, s, count);
  const T* from = buffer(b) + first * d_;
  std::copy(from, from + count * d_, v.Data());
  return v;
}

template <class T>
void JsBatchScore<T>::stageOut(BatchBuffer b, size_t first, size_t count) {
  auto from = stageOut_.array.Value().template As<Napi::TypedArrayOf<T>>();
  if (from.ArrayBuffer().IsDetached() || from.ElementLength() < count * d_)
    fail(ErrorCode::CallbackFailed, "a score callback detached or transferred its output array; write the result into `out` and keep it");
  std::copy(from.Data(), from.Data() + count * d_, buffer(b) + first * d_);
}

template <class T>
void JsBatchScore<T>::score(double t, bool perParticleTime, BatchBuffer x, BatchBuffer out, size_t first, size_t count) {
  buffer(x);
  buffer(out);
  JsCall call;
  call.invoke = [&](Napi::Env env) {
    Napi::Value time = Napi::Number::New(env, t);
    if (perParticleTime) {
      auto copy = Napi::Float64Array::New(env, count);
      std::copy(times_ + first, times_ + first + count, copy.Data());
      time = copy;
    }
    Napi::TypedArrayOf<T> xView = stageIn(env, stageX_, x, first, count);
    Napi::TypedArrayOf<T> outView = stageView(env, stageOut_, count);
    return score_.Call({time, xView, Napi::Number::New(env, double(count)), Napi::Number::New(env, double(d_)), outView});
  };
  call.finish = [&](Napi::Env) { stageOut(out, first, count); };
  caller_.call(call);
}

template <class T>
void JsBatchScore<T>::hvp(double t, BatchBuffer x, BatchBuffer v, BatchBuffer out, size_t first, size_t count) {
  if (!hasHvp_) fail(ErrorCode::Internal, "no hvp callback");
  buffer(x);
  buffer(v);
  buffer(out);
  JsCall call;
  call.invoke = [&](Napi::Env env) {
    Napi::TypedArrayOf<T> xView = stageIn(env, stageX_, x, first, count);
    Napi::TypedArrayOf<T> vView = stageIn(env, stageV_, v, first, count);
    Napi::TypedArrayOf<T> outView = stageView(env, stageOut_, count);
    return hvp_.Call({Napi::Number::New(env, t), xView, vView, Napi::Number::New(env, double(count)), Napi::Number::New(env, double(d_)), outView});
  };
  call.finish = [&](Napi::Env) { stageOut(out, first, count); };
  caller_.call(call);
}

template class JsBatchScore<double>;
template class JsBatchScore<float>;

}  // namespace dw2
