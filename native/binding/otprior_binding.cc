// Bindings for the OT prior (native/otprior/): conversion and validation only.
#include <cmath>
#include <memory>
#include <vector>
#include "binding/async_job.h"
#include "binding/convert.h"
#include "binding/object_fields.h"
#include "binding/registry.h"
#include "otprior/cell_masses.h"
#include "otprior/gaussian_map.h"
#include "otprior/laguerre_argmax.h"
#include "otprior/noise_streams.h"
#include "otprior/semidiscrete.h"
#include "otprior/transport_map.h"

namespace dw2 {

namespace {

constexpr int64_t kMaxRows = int64_t(1) << 40;

bool isAbsent(const Napi::CallbackInfo& info, size_t i) { return i >= info.Length() || info[i].IsUndefined() || info[i].IsNull(); }

// A Float64Array holding rows × cols finite numbers.
const double* matrixArg(const Napi::CallbackInfo& info, size_t i, const char* name, uint64_t rows, uint64_t cols) {
  Napi::Float64Array a = argFloat64Array(info, i, name);
  requireLength(a.ElementLength(), rows, cols, name);
  requireFinite(a.Data(), a.ElementLength(), name);
  return a.Data();
}

Napi::Float64Array toArray(Napi::Env env, const std::vector<double>& v) {
  Napi::Float64Array a = Napi::Float64Array::New(env, v.size());
  std::copy(v.begin(), v.end(), a.Data());
  return a;
}

// The cells (y, h, m, d, scale) at arguments i … i + 4, copied so async jobs own them.
struct CellsArg {
  std::vector<double> y, h;
  size_t m = 0, d = 0;
  double scale = 1;
};
CellsArg cellsArg(const Napi::CallbackInfo& info, size_t i) {
  CellsArg c;
  c.m = static_cast<size_t>(argInteger(info, i + 2, "m", 1, int64_t(1) << 31));
  c.d = static_cast<size_t>(argInteger(info, i + 3, "d", 1, int64_t(1) << 24));
  const double* y = matrixArg(info, i, "points", c.m, c.d);
  const double* h = matrixArg(info, i + 1, "weights", c.m, 1);
  c.y.assign(y, y + c.m * c.d);
  c.h.assign(h, h + c.m);
  c.scale = argFiniteNumber(info, i + 4, "scale");
  if (!(c.scale > 0)) fail(ErrorCode::InvalidArgument, "scale must be > 0");
  return c;
}

// (alpha, sigma, d, mean | null, covariance | null, data | null, n) -> { shift, matrix, mean, covariance }
Napi::Value gaussianMapSync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    const double alpha = argFiniteNumber(info, 0, "alpha"), sigma = argFiniteNumber(info, 1, "sigma");
    const size_t d = static_cast<size_t>(argInteger(info, 2, "d", 1, 1 << 14));
    std::vector<double> mean(d), cov(d * d), shift(d), matrix(d * d);
    if (!isAbsent(info, 5)) {
      const size_t n = static_cast<size_t>(argInteger(info, 6, "n", 0, kMaxRows));
      sampleMeanCovariance(matrixArg(info, 5, "data", n, d), n, d, mean.data(), cov.data());
    } else {
      const double* mu = matrixArg(info, 3, "mean", d, 1);
      const double* sg = matrixArg(info, 4, "covariance", d, d);
      mean.assign(mu, mu + d);
      cov.assign(sg, sg + d * d);
    }
    gaussianOtMap(alpha, sigma, mean.data(), cov.data(), d, shift.data(), matrix.data());
    Napi::Env env = info.Env();
    Napi::Object out = Napi::Object::New(env);
    out.Set("shift", toArray(env, shift));
    out.Set("matrix", toArray(env, matrix));
    out.Set("mean", toArray(env, mean));
    out.Set("covariance", toArray(env, cov));
    return out;
  });
}

// (shift, matrix, d, z, n) -> Float64Array n × d
Napi::Value affineMapSync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    const size_t d = static_cast<size_t>(argInteger(info, 2, "d", 1, 1 << 14));
    const size_t n = static_cast<size_t>(argInteger(info, 4, "n", 0, kMaxRows));
    const double* shift = matrixArg(info, 0, "shift", d, 1);
    const double* matrix = matrixArg(info, 1, "matrix", d, d);
    const double* z = matrixArg(info, 3, "z", n, d);
    Napi::Float64Array out = Napi::Float64Array::New(info.Env(), n * d);
    applyAffineMap(shift, matrix, d, z, n, out.Data());
    return out;
  });
}

// (points, weights, m, d, scale, z, n) -> { index: Int32Array, second: Int32Array, gap: Float64Array }
Napi::Value laguerreArgmaxSync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    CellsArg c = cellsArg(info, 0);
    const size_t n = static_cast<size_t>(argInteger(info, 6, "n", 0, kMaxRows));
    const double* z = matrixArg(info, 5, "z", n, c.d);
    PackedCells cells = packCells(c.y.data(), c.h.data(), c.m, c.d, c.scale);
    Napi::Env env = info.Env();
    Napi::Int32Array index = Napi::Int32Array::New(env, n), second = Napi::Int32Array::New(env, n);
    Napi::Float64Array gap = Napi::Float64Array::New(env, n);
    laguerreArgmax(cells, z, n, index.Data(), gap.Data(), second.Data());
    Napi::Object out = Napi::Object::New(env);
    out.Set("index", index);
    out.Set("second", second);
    out.Set("gap", gap);
    return out;
  });
}

struct MapArgs {
  CellsArg cells;
  double tau = 0;
  const double* z = nullptr;
  size_t n = 0;
};
MapArgs mapArgs(const Napi::CallbackInfo& info) {
  MapArgs a;
  a.cells = cellsArg(info, 0);
  a.tau = argFiniteNumber(info, 5, "tau");
  if (a.tau < 0) fail(ErrorCode::InvalidArgument, "tau must be >= 0 (0: the hard map)");
  a.n = static_cast<size_t>(argInteger(info, 7, "n", 0, kMaxRows));
  a.z = matrixArg(info, 6, "z", a.n, a.cells.d);
  return a;
}

// (points, weights, m, d, scale, tau, z, n) -> Float64Array n × d
Napi::Value mapSync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    MapArgs a = mapArgs(info);
    Napi::Float64Array out = Napi::Float64Array::New(info.Env(), a.n * a.cells.d);
    applyTransportMap(a.cells.y.data(), a.cells.h.data(), a.cells.m, a.cells.d, a.cells.scale, a.tau, a.z, a.n, out.Data(), nullptr);
    return out;
  });
}

class MapJob : public Job {
 public:
  MapJob(Napi::Env env, MapArgs a, double* out, const Napi::Value& progress, CancelFlag cancel)
      : Job(env, progress, std::move(cancel)), a_(std::move(a)), out_(out) {}
  Napi::Reference<Napi::Float64Array> output;

 protected:
  void run(Progress& p) override {
    applyTransportMap(a_.cells.y.data(), a_.cells.h.data(), a_.cells.m, a_.cells.d, a_.cells.scale, a_.tau, a_.z, a_.n, out_, nullptr, p);
  }
  Napi::Value result(Napi::Env env) override { return output.Value(); }

 private:
  MapArgs a_;
  double* out_;
};

// (points, weights, m, d, scale, tau, z, n, onProgress?, token?) -> Promise<Float64Array>
Napi::Value mapAsync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    MapArgs a = mapArgs(info);
    Napi::Float64Array out = Napi::Float64Array::New(info.Env(), a.n * a.cells.d);
    auto* job = new MapJob(info.Env(), std::move(a), out.Data(), info.Length() > 8 ? info[8] : info.Env().Undefined(),
                           CancelToken::fromArg(info, 9));
    job->keep(info[6]);
    job->output = Napi::Persistent(out);
    return job->start();
  });
}

// (points, m, x, n, d) -> { index: Int32Array, distance: Float64Array }
Napi::Value nearestPointsSync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    const size_t m = static_cast<size_t>(argInteger(info, 1, "m", 1, int64_t(1) << 31));
    const size_t n = static_cast<size_t>(argInteger(info, 3, "n", 0, kMaxRows));
    const size_t d = static_cast<size_t>(argInteger(info, 4, "d", 1, int64_t(1) << 24));
    const double* y = matrixArg(info, 0, "points", m, d);
    const double* x = matrixArg(info, 2, "queries", n, d);
    Napi::Env env = info.Env();
    Napi::Int32Array index = Napi::Int32Array::New(env, n);
    Napi::Float64Array distance = Napi::Float64Array::New(env, n);
    nearestPoints(y, m, x, n, d, index.Data(), distance.Data());
    Napi::Object out = Napi::Object::New(env);
    out.Set("index", index);
    out.Set("distance", distance);
    return out;
  });
}

double optionalPositive(const Napi::Object& o, const char* key, double fallback) {
  const double x = numberField(o, key, fallback);
  if (!(x > 0)) fail(ErrorCode::InvalidArgument, std::string(key) + " must be finite and > 0");
  return x;
}

uint64_t optionalCount(const Napi::Object& o, const char* key, uint64_t fallback, uint64_t lo, uint64_t hi) {
  return static_cast<uint64_t>(integerField(o, key, int64_t(fallback), int64_t(lo), int64_t(hi)));
}

struct FitArgs {
  CellsArg cells;  // h holds the starting weights when hasInitial
  bool hasInitial = false;
  SemidiscreteOptions options;
};
// (points, weights | null, m, d, options { method, scale, tolerance, maxIterations, batchSize, maxCheckDraws, seed, stepSize })
FitArgs fitArgs(const Napi::CallbackInfo& info) {
  FitArgs a;
  a.cells.m = static_cast<size_t>(argInteger(info, 2, "m", 1, int64_t(1) << 31));
  a.cells.d = static_cast<size_t>(argInteger(info, 3, "d", 1, int64_t(1) << 24));
  const double* y = matrixArg(info, 0, "points", a.cells.m, a.cells.d);
  a.cells.y.assign(y, y + a.cells.m * a.cells.d);
  if (!isAbsent(info, 1)) {
    const double* h = matrixArg(info, 1, "weights", a.cells.m, 1);
    a.cells.h.assign(h, h + a.cells.m);
    a.hasInitial = true;
  }
  if (info.Length() <= 4 || !info[4].IsObject()) fail(ErrorCode::InvalidArgument, "options must be an object");
  Napi::Object o = info[4].As<Napi::Object>();
  SemidiscreteOptions& s = a.options;
  Napi::Value method = o.Get("method");
  if (method.IsString()) {
    const std::string m = method.As<Napi::String>().Utf8Value();
    if (m == "sgd") s.method = SemidiscreteMethod::Sgd;
    else if (m == "newton") s.method = SemidiscreteMethod::Newton;
    else fail(ErrorCode::InvalidArgument, "method must be 'sgd' or 'newton', got '" + m + "'");
  } else if (!method.IsUndefined()) fail(ErrorCode::InvalidArgument, "method must be a string");
  s.scale = optionalPositive(o, "scale", 1.0);
  s.tolerance = optionalPositive(o, "tolerance", 0.01);
  s.stepSize = optionalPositive(o, "stepSize", 1.0);
  s.maxIterations = optionalCount(o, "maxIterations", 5000, 1, 0xffffffffULL - 1);
  s.batchSize = optionalCount(o, "batchSize", 0, 0, uint64_t(1) << 32);
  s.maxCheckDraws = optionalCount(o, "maxCheckDraws", uint64_t(1) << 24, 1, uint64_t(1) << 32);
  s.seed = optionalCount(o, "seed", 0, 0, (uint64_t(1) << 53) - 1);
  return a;
}

Napi::Object fitResult(Napi::Env env, const SemidiscreteResult& r) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("weights", toArray(env, r.h));
  out.Set("mass", toArray(env, r.mass));
  out.Set("converged", Napi::Boolean::New(env, r.converged));
  out.Set("exact", Napi::Boolean::New(env, r.exact));
  out.Set("maxCellMassError", Napi::Number::New(env, r.maxError));
  out.Set("meanCellMassError", Napi::Number::New(env, r.meanError));
  out.Set("cellMassErrorBound", Napi::Number::New(env, r.errorBound));
  out.Set("iterations", Napi::Number::New(env, double(r.iterations)));
  out.Set("checks", Napi::Number::New(env, double(r.checks)));
  out.Set("checkDraws", Napi::Number::New(env, double(r.checkDraws)));
  out.Set("totalDraws", Napi::Number::New(env, double(r.totalDraws)));
  return out;
}

SemidiscreteResult runFit(const FitArgs& a, Progress& p) {
  return fitSemidiscrete(a.cells.y.data(), a.cells.m, a.cells.d, a.hasInitial ? a.cells.h.data() : nullptr, a.options, p);
}

Napi::Value fitSync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    return fitResult(info.Env(), runFit(fitArgs(info), noProgress()));
  });
}

// (points, weights | null, m, d, options, onProgress?, token?) -> Promise<result>
Napi::Value fitAsync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    return startKernelJob<FitArgs, SemidiscreteResult>(info, 5, fitArgs(info), runFit,
                                                       [](Napi::Env env, const FitArgs&, const SemidiscreteResult& r) -> Napi::Value { return fitResult(env, r); });
  });
}

// (points, weights, m, d, scale, seed, draws) -> Float64Array masses, Monte Carlo keyed (seed, 0, kCheck)
Napi::Value cellMassesSync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    CellsArg c = cellsArg(info, 0);
    const uint64_t seed = argSeed(info, 5, "seed");
    const uint64_t draws = static_cast<uint64_t>(argInteger(info, 6, "draws", 1, int64_t(1) << 32));
    PackedCells cells = packCells(c.y.data(), c.h.data(), c.m, c.d, c.scale);
    return toArray(info.Env(), monteCarloMasses(cells, {seed, 0, otstream::kCheck}, draws, false, noProgress()).mass);
  });
}

// (m, tolerance) -> draws the stopping rule uses
Napi::Value checkDrawsSync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    const size_t m = static_cast<size_t>(argInteger(info, 0, "m", 1, int64_t(1) << 31));
    const double tol = argFiniteNumber(info, 1, "tolerance");
    if (!(tol > 0)) fail(ErrorCode::InvalidArgument, "tolerance must be > 0");
    return Napi::Number::New(info.Env(), checkDrawsFor(m, tol));
  });
}

}  // namespace

DW2_REGISTER([](Napi::Env env, Napi::Object exports) {
  exports.Set("otGaussianMapSync", Napi::Function::New(env, gaussianMapSync, "otGaussianMapSync"));
  exports.Set("otAffineMapSync", Napi::Function::New(env, affineMapSync, "otAffineMapSync"));
  exports.Set("otLaguerreArgmaxSync", Napi::Function::New(env, laguerreArgmaxSync, "otLaguerreArgmaxSync"));
  exports.Set("otMapSync", Napi::Function::New(env, mapSync, "otMapSync"));
  exports.Set("otMap", Napi::Function::New(env, mapAsync, "otMap"));
  exports.Set("otNearestPointsSync", Napi::Function::New(env, nearestPointsSync, "otNearestPointsSync"));
  exports.Set("otFitSync", Napi::Function::New(env, fitSync, "otFitSync"));
  exports.Set("otFit", Napi::Function::New(env, fitAsync, "otFit"));
  exports.Set("otCellMassesSync", Napi::Function::New(env, cellMassesSync, "otCellMassesSync"));
  exports.Set("otCheckDraws", Napi::Function::New(env, checkDrawsSync, "otCheckDraws"));
});

}  // namespace dw2
