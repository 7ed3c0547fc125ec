// samplerRunSync(options) and samplerRun(options, onProgress?, token?) -> Promise: converts and
// validates the options object, allocates every output as a JS typed array, and hands raw
// buffers to the sampler kernel (sampler/run_sampler.h).
#include <chrono>
#include <cstring>
#include <memory>
#include "binding/async_job.h"
#include "binding/convert.h"
#include "binding/object_fields.h"
#include "binding/js_batch_score.h"
#include "binding/process_arg.h"
#include "binding/sampler_params_arg.h"
#include "binding/registry.h"
#include "binding/target_arg.h"
#include "cuda/device.h"
#include "cuda/sampler.h"
#include "random/tree_pieces.h"
#include "sampler/path_noise.h"
#include "sampler/run_sampler.h"

namespace dw2 {

namespace {

Napi::Value field(const Napi::Object& o, const char* key) { return o.Get(key); }

std::vector<double> float64Field(const Napi::Object& o, const char* key, size_t expected) {
  Napi::Value v = o.Get(key);
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    fail(ErrorCode::InvalidArgument, std::string(key) + " must be a Float64Array");
  auto a = v.As<Napi::Float64Array>();
  if (a.ElementLength() != expected)
    fail(ErrorCode::ShapeMismatch, std::string(key) + " has " + std::to_string(a.ElementLength()) + " entries, expected " + std::to_string(expected));
  requireFinite(a.Data(), a.ElementLength(), key);
  return std::vector<double>(a.Data(), a.Data() + a.ElementLength());
}

// A fitted semi-discrete OT prior, { points (m × d), weights (m), sourceScale, tau } (lib/ot-prior.ts
// otPriorNative): evaluated natively, particle by particle, as the sampler draws its start.
std::unique_ptr<Prior> transportMapPrior(const Napi::Value& v, size_t d) {
  if (!v.IsObject()) fail(ErrorCode::InvalidArgument, "otPrior must be an object { points, weights, sourceScale, tau }");
  const Napi::Object p = v.As<Napi::Object>();
  Napi::Float64Array w = float64ArrayField(p, "weights");
  std::vector<double> weights(w.Data(), w.Data() + w.ElementLength());
  std::vector<double> points = float64Field(p, "points", weights.size() * d);
  return std::make_unique<TransportMapPrior>(std::move(points), weights, d, numberField(p, "sourceScale", 1.0), numberField(p, "tau", 0.0));
}

// Everything parsed from the options object, plus the JS arrays the run writes.
struct SamplerCall {
  SamplerSetup setup;
  bool float32 = false;
  std::shared_ptr<const Target> target;
  std::unique_ptr<Prior> prior;
  Napi::Value samples;                         // n × d typed array (X)
  std::vector<Napi::Value> trajectory;         // per requested index
  Napi::Value buffers[kBatchBufferCount];      // callback path
  Napi::Value times;
  Napi::Value score, hvp;
  Napi::Value gridArray;
  // samplerRunCuda*: the scores are computed on the GPU from this description.
  bool cuda = false;
  std::shared_ptr<const cuda::DeviceGaussianTarget> deviceTarget;
};

template <class T>
Napi::Value newArray(Napi::Env env, size_t length) {
  return Napi::TypedArrayOf<T>::New(env, length);
}

SamplerCall parseCall(Napi::Env env, const Napi::Value& arg) {
  if (!arg.IsObject()) fail(ErrorCode::InvalidArgument, "sampler options must be an object");
  Napi::Object o = arg.As<Napi::Object>();
  SamplerCall c;
  SamplerSetup& s = c.setup;
  s.scheme = parseScheme(stringField(o, "sampler", "euler-maruyama"));
  if (!field(o, "process").IsObject()) fail(ErrorCode::InvalidArgument, "process must be an object { name, … }");
  s.process = processFromObject(field(o, "process").As<Napi::Object>());
  if (!has(o, "grid")) fail(ErrorCode::InvalidArgument, "grid is required");
  s.grid = gridFromValue(s.process, field(o, "grid"));
  if (field(o, "grid").IsObject() && !field(o, "grid").IsTypedArray()) {  // { kind, steps, tEnd?, rho? }, checked by gridFromValue
    Napi::Object g = field(o, "grid").As<Napi::Object>();
    s.gridKind = static_cast<int>(parseGridKind(g.Get("kind").As<Napi::String>().Utf8Value()));
    if (g.Get("rho").IsNumber()) s.gridRho = g.Get("rho").As<Napi::Number>().DoubleValue();
    // The path's tree: laid out for pathSteps (default: this grid's steps); see sampler/path_noise.h.
    const uint64_t pathSteps = static_cast<uint64_t>(integerField(o, "pathSteps", static_cast<int64_t>(s.grid.size() - 1), 1, int64_t(1) << 30));
    s.pathPieces = oddPart(pathSteps) <= (uint64_t(1) << 12) ? oddPart(pathSteps) : 1;
  }
  s.eta = numberField(o, "eta", 0.0);
  s.params = samplerParamsField(o);
  s.seed = seedField(o, "seed");
  const std::string noise = stringField(o, "noise", "step");
  if (noise != "step" && noise != "path") fail(ErrorCode::InvalidArgument, "noise must be 'step' or 'path', got '" + noise + "'");
  s.pathNoise = noise == "path";
  s.n = static_cast<size_t>(integerField(o, "n", -1, 0, 0xffffffffLL));
  s.d = static_cast<size_t>(integerField(o, "d", -1, 1, int64_t(1) << 31));
  s.firstParticle = static_cast<uint64_t>(integerField(o, "firstParticle", 0, 0, 0xffffffffLL));
  const std::string dtype = stringField(o, "dtype", "float64");
  if (dtype != "float64" && dtype != "float32") fail(ErrorCode::InvalidArgument, "dtype must be 'float64' or 'float32', got '" + dtype + "'");
  c.float32 = dtype == "float32";
  const std::string hessian = stringField(o, "hessian", "auto");
  if (hessian == "auto") s.hessian = HessianRoute::Auto;
  else if (hessian == "dense") s.hessian = HessianRoute::Dense;
  else if (hessian == "krylov") s.hessian = HessianRoute::Krylov;
  else fail(ErrorCode::InvalidArgument, "hessian must be 'auto', 'dense' or 'krylov', got '" + hessian + "'");
  s.krylovDim = static_cast<int>(integerField(o, "krylovDim", 30, 1, 10000));
  s.krylovTolerance = numberField(o, "krylovTolerance", 1e-10);
  if (!(s.krylovTolerance > 0 && s.krylovTolerance < 1)) fail(ErrorCode::InvalidArgument, "krylovTolerance must be in (0, 1)");
  if (has(o, "linearizationCap")) {
    s.linearizationCap = numberField(o, "linearizationCap", HUGE_VAL);
    if (!(s.linearizationCap >= 0)) fail(ErrorCode::InvalidArgument, "stabilize (the cap κ on hμ) must be >= 0");
  }
  if (s.n * s.d > (size_t(1) << 31)) fail(ErrorCode::TooLarge, "n × d must stay below 2^31 elements");

  const bool haveTarget = has(o, "target"), haveScore = has(o, "score");
  if (haveTarget == haveScore) fail(ErrorCode::InvalidArgument, "give exactly one of target and score");
  if (haveTarget) {
    c.target = targetFromValue(field(o, "target"));
    s.scoreDefinedAtZero = c.target->scoreDefinedAtZero();
    if (c.target->dim() != s.d) fail(ErrorCode::ShapeMismatch, "the target has dimension " + std::to_string(c.target->dim()) + ", but d = " + std::to_string(s.d));
  } else {
    if (!field(o, "score").IsFunction()) fail(ErrorCode::InvalidArgument, "score must be a function (t, x, n, d, out) => void");
    c.score = field(o, "score");
    c.hvp = has(o, "hvp") ? field(o, "hvp") : env.Undefined();
    if (has(o, "hvp") && !c.hvp.IsFunction()) fail(ErrorCode::InvalidArgument, "hvp must be a function (t, x, v, n, d, out) => void");
    s.scoreDefinedAtZero = has(o, "scoreDefinedAtZero") ? field(o, "scoreDefinedAtZero").ToBoolean().Value() : false;
  }
  if (has(o, "trajectory")) {
    Napi::Value tv = field(o, "trajectory");
    if (!tv.IsArray()) fail(ErrorCode::InvalidArgument, "trajectory must be an array of step indices");
    Napi::Array a = tv.As<Napi::Array>();
    for (uint32_t i = 0; i < a.Length(); ++i) {
      Napi::Value e = a.Get(i);
      double k = e.IsNumber() ? e.As<Napi::Number>().DoubleValue() : -1.0;
      if (!(std::floor(k) == k && k >= 0 && k <= double(s.grid.size() - 1)))
        fail(ErrorCode::InvalidArgument, "trajectory indices must be integers in [0, steps = " + std::to_string(s.grid.size() - 1) + "]");
      s.trajectorySteps.push_back(static_cast<int>(k));
    }
  }
  validateSampler(s);
  if (s.pathNoise && drawsNoise(s.scheme, s.eta)) s.pathWalker = makePathWalker(s);

  // Start: an initial array, or a prior.
  const size_t m = s.n * s.d;
  c.samples = c.float32 ? newArray<float>(env, m) : newArray<double>(env, m);
  if (has(o, "x0")) {
    Napi::Value xv = field(o, "x0");
    if (!xv.IsTypedArray()) fail(ErrorCode::InvalidArgument, "x0 must be a Float64Array or Float32Array");
    auto ta = xv.As<Napi::TypedArray>();
    if (ta.ElementLength() != m) fail(ErrorCode::ShapeMismatch, "x0 has " + std::to_string(ta.ElementLength()) + " entries, expected n × d = " + std::to_string(m));
    for (size_t q = 0; q < m; ++q) {
      double v = ta.TypedArrayType() == napi_float64_array ? xv.As<Napi::Float64Array>()[q]
                 : ta.TypedArrayType() == napi_float32_array ? double(xv.As<Napi::Float32Array>()[q])
                 : NAN;
      if (!std::isfinite(v)) fail(ErrorCode::NonFinite, "x0 contains a non-finite value at index " + std::to_string(q));
      if (c.float32) c.samples.As<Napi::Float32Array>()[q] = float(v);
      else c.samples.As<Napi::Float64Array>()[q] = v;
    }
  } else if (has(o, "otPrior")) {
    c.prior = transportMapPrior(field(o, "otPrior"), s.d);
  } else {
    const std::string priorName = stringField(o, "prior", "normal");
    std::vector<double> mean, cov;
    if (has(o, "priorMean") || has(o, "priorCov")) {
      mean = float64Field(o, "priorMean", s.d);
      cov = float64Field(o, "priorCov", s.d * s.d);
    }
    c.prior = makePrior(priorName, s.process, s.grid.front(), s.d, c.target, mean.empty() ? nullptr : mean.data(), cov.empty() ? nullptr : cov.data());
  }
  for (size_t i = 0; i < s.trajectorySteps.size(); ++i) c.trajectory.push_back(c.float32 ? newArray<float>(env, m) : newArray<double>(env, m));
  Napi::Float64Array g = Napi::Float64Array::New(env, s.grid.size());
  std::copy(s.grid.begin(), s.grid.end(), g.Data());
  c.gridArray = g;

  for (auto& b : c.buffers) b = env.Undefined();
  c.times = env.Undefined();
  if (!c.target) {
    const SchemeInfo& info = schemeInfo(s.scheme);
    unsigned mask = batchBuffersNeeded(info.nfePerStep, info.usesHessian);
    c.buffers[0] = c.samples;
    for (int i = 1; i < kBatchBufferCount; ++i)
      if (mask & (1u << i)) c.buffers[i] = c.float32 ? newArray<float>(env, m) : newArray<double>(env, m);
    if (info.randomized) c.times = Napi::Float64Array::New(env, s.n);
  }
  return c;
}

template <class T>
T* dataOf(const Napi::Value& v) { return v.As<Napi::TypedArrayOf<T>>().Data(); }

// The run itself, on whatever thread: touches only raw buffers (and JS through `caller`).
class SamplerRun {
 public:
  // Holds persistent references to the output arrays: the Napi::Values in `call` are only
  // valid in the scope of the call that parsed them.
  SamplerRun(Napi::Env env, SamplerCall& call, JsCaller* caller)
      : call_(call), samples_(Napi::Persistent(call.samples)), grid_(Napi::Persistent(call.gridArray)) {
    for (auto& v : call.trajectory) trajectory_.push_back(Napi::Persistent(v));
    if (!call.target) {
      if (call.float32) batch32_ = std::make_unique<JsBatchScore<float>>(env, *caller, call.score.As<Napi::Function>(), call.hvp, call.buffers, call.times, call.setup.n, call.setup.d);
      else batch64_ = std::make_unique<JsBatchScore<double>>(env, *caller, call.score.As<Napi::Function>(), call.hvp, call.buffers, call.times, call.setup.n, call.setup.d);
    }
    if (call.float32) prepareIo(io32_);
    else prepareIo(io64_);
  }

  void run(Progress& progress) {
    auto start = std::chrono::steady_clock::now();
    if (call_.cuda && call_.float32) cuda::runSampler<float>(call_.setup, *call_.deviceTarget, io32_, progress, stats_);
    else if (call_.cuda) cuda::runSampler<double>(call_.setup, *call_.deviceTarget, io64_, progress, stats_);
    else if (call_.float32) runSampler<float>(call_.setup, call_.target.get(), batch32_.get(), io32_, progress, stats_);
    else runSampler<double>(call_.setup, call_.target.get(), batch64_.get(), io64_, progress, stats_);
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  Napi::Value result(Napi::Env env) {
    Napi::Object r = Napi::Object::New(env);
    r.Set("samples", samples_.Value());
    if (call_.setup.scheme->adaptive) {  // the grid the controller accepted
      Napi::Float64Array g = Napi::Float64Array::New(env, stats_.acceptedGrid.size());
      std::copy(stats_.acceptedGrid.begin(), stats_.acceptedGrid.end(), g.Data());
      r.Set("grid", g);
      r.Set("accepted", Napi::Number::New(env, double(stats_.accepted)));
      r.Set("rejected", Napi::Number::New(env, double(stats_.rejected)));
    } else {
      r.Set("grid", grid_.Value());
    }
    r.Set("nfe", Napi::Number::New(env, double(stats_.nfe)));
    r.Set("hvps", Napi::Number::New(env, double(stats_.hvps)));
    r.Set("jacobians", Napi::Number::New(env, double(stats_.jacobians)));
    r.Set("krylovUnconverged", Napi::Number::New(env, double(stats_.krylovUnconverged)));
    r.Set("fallbackSteps", Napi::Number::New(env, stats_.fallbackSteps));
    r.Set("hessianRoute", schemeInfo(call_.setup.scheme).usesHessian ? Napi::Value(Napi::String::New(env, stats_.dense ? "dense" : "krylov")) : env.Null());
    if (stats_.divergedParticles) {
      Napi::Object dv = Napi::Object::New(env);
      dv.Set("particles", Napi::Number::New(env, double(stats_.divergedParticles)));
      dv.Set("firstStep", Napi::Number::New(env, stats_.firstDivergedStep));
      r.Set("diverged", dv);
    } else {
      r.Set("diverged", env.Null());
    }
    Napi::Array traj = Napi::Array::New(env, trajectory_.size());
    for (uint32_t i = 0; i < trajectory_.size(); ++i) traj.Set(i, trajectory_[i].Value());
    r.Set("trajectory", traj);
    r.Set("seconds", Napi::Number::New(env, seconds_));
    return r;
  }

 private:
  template <class T>
  void prepareIo(SamplerIo<T>& io) {
    io.x = dataOf<T>(call_.samples);
    io.prior = call_.prior.get();
    for (size_t i = 0; i < call_.trajectory.size(); ++i) io.trajectory.emplace_back(call_.setup.trajectorySteps[i], dataOf<T>(call_.trajectory[i]));
  }
  SamplerCall& call_;
  Napi::Reference<Napi::Value> samples_, grid_;
  std::vector<Napi::Reference<Napi::Value>> trajectory_;
  std::unique_ptr<JsBatchScore<double>> batch64_;
  std::unique_ptr<JsBatchScore<float>> batch32_;
  SamplerIo<double> io64_;
  SamplerIo<float> io32_;
  SamplerStats stats_;
  double seconds_ = 0;
};

Napi::Value samplerRunSync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    Napi::Env env = info.Env();
    SamplerCall call = parseCall(env, info.Length() > 0 ? info[0] : env.Undefined());
    DirectJsCaller caller(env);
    SamplerRun run(env, call, &caller);
    run.run(noProgress());
    return run.result(env);
  });
}

class SamplerJob : public Job {
 public:
  SamplerJob(Napi::Env env, SamplerCall call, const Napi::Value& progress, CancelFlag cancel)
      : Job(env, progress, std::move(cancel)), call_(std::move(call)) {
    keep(call_.samples);
    keep(call_.gridArray);
    for (auto& v : call_.trajectory) keep(v);
    for (auto& v : call_.buffers)
      if (!v.IsUndefined()) keep(v);
    if (!call_.times.IsUndefined()) keep(call_.times);
    if (!call_.target) caller_ = std::make_unique<ThreadSafeJsCaller>(env, call_.score.As<Napi::Function>());
    run_ = std::make_unique<SamplerRun>(env, call_, caller_.get());
  }

 protected:
  void run(Progress& progress) override {
    struct ReleaseOnExit {
      JsCaller* c;
      ~ReleaseOnExit() {
        if (c) c->release();
      }
    } release{caller_.get()};
    run_->run(progress);
  }
  Napi::Value result(Napi::Env env) override { return run_->result(env); }

 private:
  SamplerCall call_;
  std::unique_ptr<JsCaller> caller_;
  std::unique_ptr<SamplerRun> run_;
};

// (options, onProgress?, cancelToken?) -> Promise<result>
Napi::Value samplerRunAsync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    Napi::Env env = info.Env();
    SamplerCall call = parseCall(env, info.Length() > 0 ? info[0] : env.Undefined());
    auto* job = new SamplerJob(env, std::move(call), info.Length() > 1 ? info[1] : env.Undefined(), CancelToken::fromArg(info, 2));
    return job->start();
  });
}

// The same options for the GPU: analytic gaussian/gmm targets and linear-stage schemes only
// (UNSUPPORTED naming the option otherwise, or giving why no GPU is usable).
SamplerCall parseCudaCall(Napi::Env env, const Napi::Value& arg) {
  if (arg.IsObject()) {
    Napi::Object o = arg.As<Napi::Object>();
    if (has(o, "score")) fail(ErrorCode::Unsupported, "score callbacks cannot run on device 'cuda' (only analytic gaussian and gmm targets); use device 'cpu'");
    if (const char* why = cuda::unsupportedScheme(parseScheme(stringField(o, "sampler", "euler-maruyama")))) fail(ErrorCode::Unsupported, why);
    if (stringField(o, "noise", "step") == "path") fail(ErrorCode::Unsupported, "noise 'path' has no CUDA kernel yet; use device 'cpu'");
    if (has(o, "target") && field(o, "target").IsObject()) {
      Napi::Value type = field(o, "target").As<Napi::Object>().Get("type");
      if (type.IsString() && type.As<Napi::String>().Utf8Value() == "empirical")
        fail(ErrorCode::Unsupported, "target.type 'empirical' has no CUDA score kernel (gaussian and gmm targets do); use device 'cpu'");
    }
  }
  SamplerCall call = parseCall(env, arg);
  cuda::requireDevice();
  call.cuda = true;
  call.deviceTarget = deviceTargetFromValue(field(arg.As<Napi::Object>(), "target"));
  return call;
}

Napi::Value samplerRunCudaSync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    Napi::Env env = info.Env();
    SamplerCall call = parseCudaCall(env, info.Length() > 0 ? info[0] : env.Undefined());
    SamplerRun run(env, call, nullptr);
    run.run(noProgress());
    return run.result(env);
  });
}

// (options, onProgress?, cancelToken?) -> Promise<result>, on the thread pool (it drives the GPU).
Napi::Value samplerRunCudaAsync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    Napi::Env env = info.Env();
    SamplerCall call = parseCudaCall(env, info.Length() > 0 ? info[0] : env.Undefined());
    auto* job = new SamplerJob(env, std::move(call), info.Length() > 1 ? info[1] : env.Undefined(), CancelToken::fromArg(info, 2));
    return job->start();
  });
}

}  // namespace

DW2_REGISTER([](Napi::Env env, Napi::Object exports) {
  exports.Set("samplerRunSync", Napi::Function::New(env, samplerRunSync, "samplerRunSync"));
  exports.Set("samplerRun", Napi::Function::New(env, samplerRunAsync, "samplerRun"));
  exports.Set("samplerRunCudaSync", Napi::Function::New(env, samplerRunCudaSync, "samplerRunCudaSync"));
  exports.Set("samplerRunCuda", Napi::Function::New(env, samplerRunCudaAsync, "samplerRunCuda"));
});

}  // namespace dw2
