#include "binding/js_batch_score.h"
#include "binding/errors.h"

namespace dw2 {

namespace {
[[noreturn]] void callbackFailed(const std::string& message) {
  fail(ErrorCode::CallbackFailed, "a score callback threw: " + message);
}
}  // namespace

void DirectJsCaller::call(const JsBody& body) {
  Napi::HandleScope scope(env_);
  Napi::Value result;
  try {
    result = body(env_);
  } catch (const Napi::Error& e) {
    callbackFailed(e.Message());
  }
  // The sync form runs on the JavaScript thread: a Promise could only settle after this call
  // returns, so the buffer it promises to fill would be read unfilled.
  if (result.IsPromise())
    fail(ErrorCode::InvalidArgument,
         "the score callback returned a Promise (an async function?); sync forms cannot await it: use the async form (sample)");
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
  const JsBody* body;
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  bool failed = false;
  std::string message;

  void finish(bool isFailure, std::string why) {
    std::lock_guard<std::mutex> lock(m);
    failed = isFailure;
    message = std::move(why);
    done = true;
    cv.notify_one();
  }
};

std::string reasonOf(const Napi::Value& reason) {
  if (reason.IsObject()) {
    Napi::Value m = reason.As<Napi::Object>().Get("message");
    if (m.IsString()) return m.As<Napi::String>().Utf8Value();
  }
  Napi::Value s = reason.ToString();
  return s.IsString() ? s.As<Napi::String>().Utf8Value() : std::string("a rejected Promise");
}

// Settles the request when the callback's Promise settles; the worker stays blocked until then,
// so the request (on its stack) and the buffers the callback writes stay alive.
void awaitPromise(Napi::Env env, Napi::Object promise, Request* req) {
  auto onFulfilled = Napi::Function::New(env, [req](const Napi::CallbackInfo&) { req->finish(false, {}); });
  auto onRejected = Napi::Function::New(env, [req](const Napi::CallbackInfo& info) { req->finish(true, reasonOf(info[0])); });
  promise.Get("then").As<Napi::Function>().Call(promise, {onFulfilled, onRejected});
}
}  // namespace

void ThreadSafeJsCaller::call(const JsBody& body) {
  Request r;
  r.body = &body;
  napi_status st = tsfn_.BlockingCall(&r, [](Napi::Env env, Napi::Function, Request* req) {
    Napi::HandleScope scope(env);
    try {
      Napi::Value result = (*req->body)(env);
      if (result.IsPromise()) return awaitPromise(env, result.As<Napi::Object>(), req);
      req->finish(false, {});
    } catch (const Napi::Error& e) {
      req->finish(true, e.Message());
    } catch (const std::exception& e) {
      req->finish(true, e.what());
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
Napi::Value JsBatchScore<T>::view(Napi::Env env, BatchBuffer b, size_t first, size_t count) {
  Napi::Value whole = buffers_[static_cast<int>(b)].Value();
  if (first == 0 && count == n_) return whole;
  auto a = whole.As<Napi::TypedArrayOf<T>>();
  return Napi::TypedArrayOf<T>::New(env, count * d_, a.ArrayBuffer(), a.ByteOffset() + first * d_ * sizeof(T));
}

template <class T>
void JsBatchScore<T>::score(double t, bool perParticleTime, BatchBuffer x, BatchBuffer out, size_t first, size_t count) {
  buffer(x);
  buffer(out);
  JsBody body = [&](Napi::Env env) {
    Napi::Value time;
    if (perParticleTime) {
      auto all = timesRef_.Value().As<Napi::Float64Array>();
      time = (first == 0 && count == n_) ? Napi::Value(all) : Napi::Value(Napi::Float64Array::New(env, count, all.ArrayBuffer(), all.ByteOffset() + first * sizeof(double)));
    } else {
      time = Napi::Number::New(env, t);
    }
    return score_.Call({time, view(env, x, first, count), Napi::Number::New(env, double(count)), Napi::Number::New(env, double(d_)), view(env, out, first, count)});
  };
  caller_.call(body);
}

template <class T>
void JsBatchScore<T>::hvp(double t, BatchBuffer x, BatchBuffer v, BatchBuffer out, size_t first, size_t count) {
  if (!hasHvp_) fail(ErrorCode::Internal, "no hvp callback");
  buffer(x);
  buffer(v);
  buffer(out);
  JsBody body = [&](Napi::Env env) {
    return hvp_.Call({Napi::Number::New(env, t), view(env, x, first, count), view(env, v, first, count), Napi::Number::New(env, double(count)),
               Napi::Number::New(env, double(d_)), view(env, out, first, count)});
  };
  caller_.call(body);
}

template class JsBatchScore<double>;
template class JsBatchScore<float>;

}  // namespace dw2
