// Bindings for exact and approximate W2 between point clouds (native/ot). This
// layer only converts and validates arguments; every computation is in native/ot.
// Each solver has a sync form (xxxSync) and an async form (xxx) returning a Promise
// that runs on the thread pool with progress and cancellation.
#include <functional>
#include <memory>
#include <string>
#include "binding/async_job.h"
#include "binding/convert.h"
#include "binding/registry.h"
#include "cuda/auction.h"
#include "cuda/device.h"
#include "ot/certificate.h"
#include "ot/exact.h"
#include "ot/exact_matrix.h"
#include "ot/gaussian_bures.h"
#include "ot/one_dimensional.h"
#include "ot/sliced.h"

namespace dw2 {

namespace {

using namespace dw2::ot;

// A computation split into a pool-thread part and a main-thread result builder.
struct Task {
  std::function<void(Progress&)> work;
  std::function<Napi::Value(Napi::Env)> build;
};

class TaskJob : public Job {
 public:
  TaskJob(Napi::Env env, std::shared_ptr<Task> task, const Napi::Value& progress, CancelFlag cancel)
      : Job(env, progress, std::move(cancel)), task_(std::move(task)) {}

 protected:
  void run(Progress& p) override { task_->work(p); }
  Napi::Value result(Napi::Env env) override { return task_->build(env); }

 private:
  std::shared_ptr<Task> task_;
};

// Runs a task now (sync) or queues it (async: progress fn and token follow `argc` args).
Napi::Value runTask(const Napi::CallbackInfo& info, std::shared_ptr<Task> task, bool async, size_t argc,
                    std::initializer_list<size_t> keepArgs) {
  if (!async) {
    task->work(noProgress());
    return task->build(info.Env());
  }
  Napi::Value progress = info.Length() > argc ? info[argc] : info.Env().Undefined();
  auto* job = new TaskJob(info.Env(), task, progress, CancelToken::fromArg(info, argc + 1));
  for (size_t k : keepArgs)
    if (k < info.Length() && info[k].IsObject()) job->keep(info[k]);
  return job->start();
}

Cloud argCloud(const Napi::CallbackInfo& info, size_t iData, size_t iRows, size_t d, const char* name) {
  Napi::Float64Array arr = argFloat64Array(info, iData, name);
  const size_t n = size_t(argInteger(info, iRows, "n", 0, INT32_MAX));
  requireLength(arr.ElementLength(), n, d, name);
  requireFinite(arr.Data(), arr.ElementLength(), name);
  return Cloud{arr.Data(), n, d};
}

// Optional weights: undefined/null or a Float64Array of the given length.
const double* argWeights(const Napi::CallbackInfo& info, size_t i, size_t n, const char* name) {
  if (i >= info.Length() || info[i].IsUndefined() || info[i].IsNull()) return nullptr;
  Napi::Float64Array w = argFloat64Array(info, i, name);
  if (w.ElementLength() != n)
    fail(ErrorCode::ShapeMismatch, std::string(name) + " has " + std::to_string(w.ElementLength()) +
                                       " entries for a cloud of " + std::to_string(n) + " points");
  return w.Data();
}

Napi::Float64Array toF64(Napi::Env env, const std::vector<double>& x) {
  Napi::Float64Array out = Napi::Float64Array::New(env, x.size());
  std::copy(x.begin(), x.end(), out.Data());
  return out;
}

Napi::Int32Array toI32(Napi::Env env, const std::vector<int64_t>& x) {
  Napi::Int32Array out = Napi::Int32Array::New(env, x.size());
  for (size_t k = 0; k < x.size(); ++k) out[k] = int32_t(x[k]);
  return out;
}

Napi::Object certificateObject(Napi::Env env, const Certificate& c) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("primal", c.primal);
  o.Set("dual", c.dual);
  o.Set("primalDualGap", c.primalDualGap);
  o.Set("maxViolation", c.maxViolation);
  Napi::Array wp = Napi::Array::New(env, 2);
  wp.Set(uint32_t(0), double(c.worstRow));
  wp.Set(uint32_t(1), double(c.worstCol));
  o.Set("worstPair", wp);
  o.Set("marginalError", c.marginalError);
  o.Set("bound", c.bound);
  return o;
}

void setPlan(Napi::Env env, Napi::Object o, const SparsePlan& p) {
  Napi::Object plan = Napi::Object::New(env);
  plan.Set("rows", toI32(env, p.rows));
  plan.Set("cols", toI32(env, p.cols));
  plan.Set("mass", toF64(env, std::vector<double>(p.mass)));
  o.Set("plan", plan);
}

double optNumber(Napi::Object o, const char* key, double fallback) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return fallback;
  if (!v.IsNumber()) fail(ErrorCode::InvalidArgument, std::string(key) + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

ExactOptions parseExactOptions(const Napi::CallbackInfo& info, size_t i) {
  ExactOptions o;
  if (i >= info.Length() || info[i].IsUndefined()) return o;
  if (!info[i].IsObject()) fail(ErrorCode::InvalidArgument, "options must be an object");
  Napi::Object obj = info[i].As<Napi::Object>();
  Napi::Value s = obj.Get("solver");
  if (!s.IsUndefined()) {
    if (!s.IsString()) fail(ErrorCode::InvalidArgument, "solver must be a string");
    const std::string name = s.As<Napi::String>().Utf8Value();
    if (name == "auto") o.solver = ExactSolver::Auto;
    else if (name == "auction") o.solver = ExactSolver::Auction;
    else if (name == "shortest-path") o.solver = ExactSolver::ShortestPath;
    else if (name == "network-simplex") o.solver = ExactSolver::NetworkSimplex;
    else if (name == "sparse") o.solver = ExactSolver::Sparse;
    else fail(ErrorCode::InvalidArgument, "unknown solver '" + name + "'");
  }
  o.memoryBudgetBytes = optNumber(obj, "memoryBudgetBytes", o.memoryBudgetBytes);
  if (!(o.memoryBudgetBytes > 0)) fail(ErrorCode::InvalidArgument, "memoryBudgetBytes must be > 0");
  o.tolerance = optNumber(obj, "tolerance", o.tolerance);
  if (!(o.tolerance >= 0) || !std::isfinite(o.tolerance)) fail(ErrorCode::InvalidArgument, "tolerance must be >= 0");
  const double ls = optNumber(obj, "listSize", 0.0);
  if (!(ls == 0 || (ls >= 2 && ls <= 4096))) fail(ErrorCode::InvalidArgument, "listSize must be in [2, 4096]");
  o.listSize = size_t(ls);
  const double mi = optNumber(obj, "maxIterations", 0.0);
  if (!(mi >= 0) || !std::isfinite(mi)) fail(ErrorCode::InvalidArgument, "maxIterations must be >= 0");
  o.maxIterations = uint64_t(mi);
  return o;
}

// The JS object of an exact solve (CPU or GPU).
Napi::Value exactResultObject(Napi::Env env, const ExactResult& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("solver", r.solver);
  o.Set("assignment", r.assignment);
  o.Set("w2sq", r.w2sq);
  if (r.assignment) o.Set("permutation", toI32(env, r.permutation));
  setPlan(env, o, r.plan);
  o.Set("u", toF64(env, r.u));
  o.Set("v", toF64(env, r.v));
  o.Set("certificate", certificateObject(env, r.cert));
  o.Set("tolerance", r.tolerance);
  o.Set("certified", r.certified);
  o.Set("dense", r.dense);
  o.Set("workingBytes", r.workingBytes);
  Napi::Object st = Napi::Object::New(env);
  st.Set("bids", double(r.auction.bids));
  st.Set("listRebuilds", double(r.auction.rebuilds));
  st.Set("phases", r.auction.phases);
  st.Set("auctionExhausted", r.auction.exhausted);
  st.Set("augmentations", double(r.shortestPath.augmentations));
  st.Set("rowsScanned", double(r.shortestPath.rowsScanned));
  st.Set("repairedRows", double(r.repairedRows));
  st.Set("pivots", double(r.simplex.pivots));
  st.Set("degeneratePivots", double(r.simplex.degeneratePivots));
  st.Set("arcsPriced", double(r.simplex.arcsPriced));
  st.Set("costEstimates", r.costEstimates);
  st.Set("candidatePairs", double(r.sparse.candidates));
  st.Set("addedPairs", double(r.sparse.addedPairs));
  st.Set("neighbourDoublings", double(r.sparse.kDoublings));
  st.Set("pairsEvaluated", double(r.sparse.pairsEvaluated));
  st.Set("secondsCosts", r.secondsCosts);
  st.Set("secondsSolve", r.secondsSolve);
  st.Set("secondsCertify", r.secondsCertify);
  if (r.atomsA) {
    st.Set("atomsA", double(r.atomsA));
    st.Set("atomsB", double(r.atomsB));
  }
  if (r.costExponent) st.Set("costExponent", r.costExponent);
  o.Set("stats", st);
  return o;
}

// (a, n, b, m, d, weightsA?, weightsB?, options) [, onProgress, token]
Napi::Value w2Exact(const Napi::CallbackInfo& info, bool async) {
  const size_t d = size_t(argInteger(info, 4, "d", 1, INT32_MAX));
  const Cloud a = argCloud(info, 0, 1, d, "a");
  const Cloud b = argCloud(info, 2, 3, d, "b");
  const double* wa = argWeights(info, 5, a.n, "weightsA");
  const double* wb = argWeights(info, 6, b.n, "weightsB");
  const ExactOptions opts = parseExactOptions(info, 7);
  auto result = std::make_shared<ExactResult>();
  auto task = std::make_shared<Task>();
  task->work = [=](Progress& p) { *result = solveExact(a, wa, b, wb, opts, p); };
  task->build = [result](Napi::Env env) -> Napi::Value { return exactResultObject(env, *result); };
  return runTask(info, task, async, 8, {0, 2, 5, 6});
}

// (M, n, m, weightsA?, weightsB?, options) [, onProgress, token]: a caller's cost matrix.
Napi::Value w2ExactMatrix(const Napi::CallbackInfo& info, bool async) {
  const size_t n = size_t(argInteger(info, 1, "n", 1, INT32_MAX));
  const size_t m = size_t(argInteger(info, 2, "m", 1, INT32_MAX));
  Napi::Float64Array M = argFloat64Array(info, 0, "costs");
  requireLength(M.ElementLength(), n, m, "costs");
  requireFinite(M.Data(), M.ElementLength(), "costs");
  const double* wa = argWeights(info, 3, n, "weightsA");
  const double* wb = argWeights(info, 4, m, "weightsB");
  const ExactOptions opts = parseExactOptions(info, 5);
  const double* costs = M.Data();
  auto result = std::make_shared<ExactResult>();
  auto task = std::make_shared<Task>();
  task->work = [=](Progress& p) { *result = solveExactMatrix(costs, n, m, wa, wb, opts, p); };
  task->build = [result](Napi::Env env) -> Napi::Value { return exactResultObject(env, *result); };
  return runTask(info, task, async, 6, {0, 3, 4});
}

// The same arguments for the GPU auction (uniform weights, n = m): UNSUPPORTED naming the
// option otherwise, or with the reason when no GPU is usable.
Napi::Value w2AuctionCuda(const Napi::CallbackInfo& info, bool async) {
  const size_t d = size_t(argInteger(info, 4, "d", 1, INT32_MAX));
  const Cloud a = argCloud(info, 0, 1, d, "a");
  const Cloud b = argCloud(info, 2, 3, d, "b");
  if (argWeights(info, 5, a.n, "weightsA"))
    fail(ErrorCode::Unsupported, "weightsA: weighted W2 has no CUDA implementation (device 'cuda' solves uniform assignment problems); use device 'cpu'");
  if (argWeights(info, 6, b.n, "weightsB"))
    fail(ErrorCode::Unsupported, "weightsB: weighted W2 has no CUDA implementation (device 'cuda' solves uniform assignment problems); use device 'cpu'");
  const ExactOptions opts = parseExactOptions(info, 7);
  auto result = std::make_shared<ExactResult>();
  auto task = std::make_shared<Task>();
  task->work = [=](Progress& p) { *result = cuda::solveExactCuda(a, b, opts, p); };
  task->build = [result](Napi::Env env) -> Napi::Value {
    Napi::Object o = exactResultObject(env, *result).As<Napi::Object>();
    Napi::Object st = o.Get("stats").As<Napi::Object>();
    st.Set("rounds", double(result->auction.rebuilds));
    st.Set("listRebuilds", 0.0);
    st.Set("gpu", true);
    return o;
  };
  return runTask(info, task, async, 8, {0, 2, 5, 6});
}

// (x, n, y, m, weightsA?, weightsB?) [, onProgress, token]
Napi::Value w2OneDim(const Napi::CallbackInfo& info, bool async) {
  const Cloud a = argCloud(info, 0, 1, 1, "a");
  const Cloud b = argCloud(info, 2, 3, 1, "b");
  if (a.n == 0 || b.n == 0)
    fail(ErrorCode::InvalidArgument, "empty cloud: a has " + std::to_string(a.n) + " points, b has " + std::to_string(b.n));
  const double* wa = argWeights(info, 4, a.n, "weightsA");
  const double* wb = argWeights(info, 5, b.n, "weightsB");
  auto pa = std::make_shared<std::vector<double>>(normalisedWeights(wa, a.n, "weightsA"));
  auto pb = std::make_shared<std::vector<double>>(normalisedWeights(wb, b.n, "weightsB"));
  requireEqualTotals(wa, a.n, wb, b.n);
  auto result = std::make_shared<OneDimResult>();
  auto task = std::make_shared<Task>();
  task->work = [=](Progress& p) { *result = oneDimensional(a.x, pa->data(), a.n, b.x, pb->data(), b.n, p); };
  task->build = [result](Napi::Env env) -> Napi::Value {
    Napi::Object o = Napi::Object::New(env);
    o.Set("w2sq", result->w2sq);
    setPlan(env, o, result->plan);
    o.Set("u", toF64(env, result->u));
    o.Set("v", toF64(env, result->v));
    o.Set("certificate", certificateObject(env, result->cert));
    return o;
  };
  return runTask(info, task, async, 6, {0, 2, 4, 5});
}

// (a, n, b, m, d, weightsA?, weightsB?, projections, seed) [, onProgress, token]
Napi::Value w2Sliced(const Napi::CallbackInfo& info, bool async) {
  const size_t d = size_t(argInteger(info, 4, "d", 1, INT32_MAX));
  const Cloud a = argCloud(info, 0, 1, d, "a");
  const Cloud b = argCloud(info, 2, 3, d, "b");
  if (a.n == 0 || b.n == 0)
    fail(ErrorCode::InvalidArgument, "empty cloud: a has " + std::to_string(a.n) + " points, b has " + std::to_string(b.n));
  const double* wa = argWeights(info, 5, a.n, "weightsA");
  const double* wb = argWeights(info, 6, b.n, "weightsB");
  const size_t projections = size_t(argInteger(info, 7, "projections", 1, 1 << 24));
  const uint64_t seed = argSeed(info, 8, "seed");
  auto pa = std::make_shared<std::vector<double>>(normalisedWeights(wa, a.n, "weightsA"));
  auto pb = std::make_shared<std::vector<double>>(normalisedWeights(wb, b.n, "weightsB"));
  requireEqualTotals(wa, a.n, wb, b.n);
  auto result = std::make_shared<SlicedResult>();
  auto task = std::make_shared<Task>();
  task->work = [=](Progress& p) { *result = slicedW2(a, pa->data(), b, pb->data(), projections, seed, p); };
  task->build = [result](Napi::Env env) -> Napi::Value {
    Napi::Object o = Napi::Object::New(env);
    o.Set("w2sq", result->sw2sq);
    o.Set("stdError", result->stdError);
    return o;
  };
  return runTask(info, task, async, 9, {0, 2, 5, 6});
}

// (a, n, b, m, d, weightsA?, weightsB?, u, v, rows, cols, mass) [, onProgress, token]
Napi::Value certifyPlan(const Napi::CallbackInfo& info, bool async) {
  const size_t d = size_t(argInteger(info, 4, "d", 1, INT32_MAX));
  const Cloud a = argCloud(info, 0, 1, d, "a");
  const Cloud b = argCloud(info, 2, 3, d, "b");
  const double* wa = argWeights(info, 5, a.n, "weightsA");
  const double* wb = argWeights(info, 6, b.n, "weightsB");
  Napi::Float64Array u = argFloat64Array(info, 7, "u"), v = argFloat64Array(info, 8, "v");
  if (u.ElementLength() != a.n || v.ElementLength() != b.n)
    fail(ErrorCode::ShapeMismatch, "potentials have " + std::to_string(u.ElementLength()) + " and " +
                                       std::to_string(v.ElementLength()) + " entries for clouds of " +
                                       std::to_string(a.n) + " and " + std::to_string(b.n) + " points");
  requireFinite(u.Data(), u.ElementLength(), "u");
  requireFinite(v.Data(), v.ElementLength(), "v");
  if (!info[9].IsTypedArray() || info[9].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
      !info[10].IsTypedArray() || info[10].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    fail(ErrorCode::InvalidArgument, "plan rows and cols must be Int32Arrays");
  Napi::Int32Array rows = info[9].As<Napi::Int32Array>(), cols = info[10].As<Napi::Int32Array>();
  Napi::Float64Array mass = argFloat64Array(info, 11, "mass");
  if (rows.ElementLength() != cols.ElementLength() || rows.ElementLength() != mass.ElementLength())
    fail(ErrorCode::ShapeMismatch, "plan rows, cols and mass must have the same length");
  requireFinite(mass.Data(), mass.ElementLength(), "mass");
  auto plan = std::make_shared<SparsePlan>();
  for (size_t t = 0; t < rows.ElementLength(); ++t) {
    const int32_t i = rows[t], j = cols[t];
    if (i < 0 || size_t(i) >= a.n || j < 0 || size_t(j) >= b.n)
      fail(ErrorCode::InvalidArgument, "plan entry " + std::to_string(t) + " = (" + std::to_string(i) + ", " +
                                           std::to_string(j) + ") is out of range");
    plan->add(i, j, mass[t]);
  }
  auto pa = std::make_shared<std::vector<double>>(normalisedWeights(wa, a.n, "weightsA"));
  auto pb = std::make_shared<std::vector<double>>(normalisedWeights(wb, b.n, "weightsB"));
  auto pu = std::make_shared<std::vector<double>>(u.Data(), u.Data() + a.n);
  auto pv = std::make_shared<std::vector<double>>(v.Data(), v.Data() + b.n);
  auto result = std::make_shared<Certificate>();
  auto task = std::make_shared<Task>();
  task->work = [=](Progress& p) { *result = certifyClouds(a, pa->data(), b, pb->data(), *plan, *pu, *pv, p); };
  task->build = [result](Napi::Env env) -> Napi::Value { return certificateObject(env, *result); };
  return runTask(info, task, async, 12, {0, 2, 5, 6});
}

// (mean1, cov1, mean2, cov2, d) -> { w2sq, meanTerm, buresTerm }
Napi::Value gaussianW2Binding(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    const size_t d = size_t(argInteger(info, 4, "d", 0, 1 << 16));
    const char* names[4] = {"mean1", "cov1", "mean2", "cov2"};
    const double* p[4];
    for (int k = 0; k < 4; ++k) {
      Napi::Float64Array arr = argFloat64Array(info, size_t(k), names[k]);
      requireLength(arr.ElementLength(), d, (k & 1) ? d : 1, names[k]);
      requireFinite(arr.Data(), arr.ElementLength(), names[k]);
      p[k] = arr.Data();
    }
    const GaussianW2 r = gaussianW2(p[0], p[1], p[2], p[3], d);
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("w2sq", r.w2sq);
    o.Set("meanTerm", r.meanTerm);
    o.Set("buresTerm", r.buresTerm);
    return o;
  });
}

// (x, n, d, weights?) -> { mean, cov }
Napi::Value momentsBinding(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    const size_t d = size_t(argInteger(info, 2, "d", 1, INT32_MAX));
    const Cloud c = argCloud(info, 0, 1, d, "x");
    if (c.n == 0) fail(ErrorCode::InvalidArgument, "empty cloud");
    const double* w = argWeights(info, 3, c.n, "weights");
    std::vector<double> pw = normalisedWeights(w, c.n, "weights");
    std::vector<double> mean, cov;
    empiricalMoments(c.x, c.n, d, pw.data(), mean, cov);
    for (double x : cov)
      if (!std::isfinite(x))
        fail(ErrorCode::NonFinite, "the covariance of the points exceeds the float64 range (about 1.8e308); rescale the data");
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("mean", toF64(info.Env(), mean));
    o.Set("cov", toF64(info.Env(), cov));
    return o;
  });
}

template <Napi::Value (*F)(const Napi::CallbackInfo&, bool), bool Async>
Napi::Value wrap(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value { return F(info, Async); });
}

}  // namespace

DW2_REGISTER([](Napi::Env env, Napi::Object exports) {
  exports.Set("otExactSync", Napi::Function::New(env, wrap<w2Exact, false>, "otExactSync"));
  exports.Set("otExact", Napi::Function::New(env, wrap<w2Exact, true>, "otExact"));
  exports.Set("otExactMatrixSync", Napi::Function::New(env, wrap<w2ExactMatrix, false>, "otExactMatrixSync"));
  exports.Set("otExactMatrix", Napi::Function::New(env, wrap<w2ExactMatrix, true>, "otExactMatrix"));
  exports.Set("w2AuctionCudaSync", Napi::Function::New(env, wrap<w2AuctionCuda, false>, "w2AuctionCudaSync"));
  exports.Set("w2AuctionCuda", Napi::Function::New(env, wrap<w2AuctionCuda, true>, "w2AuctionCuda"));
  exports.Set("otOneDimSync", Napi::Function::New(env, wrap<w2OneDim, false>, "otOneDimSync"));
  exports.Set("otOneDim", Napi::Function::New(env, wrap<w2OneDim, true>, "otOneDim"));
  exports.Set("otSlicedSync", Napi::Function::New(env, wrap<w2Sliced, false>, "otSlicedSync"));
  exports.Set("otSliced", Napi::Function::New(env, wrap<w2Sliced, true>, "otSliced"));
  exports.Set("otCertifySync", Napi::Function::New(env, wrap<certifyPlan, false>, "otCertifySync"));
  exports.Set("otCertify", Napi::Function::New(env, wrap<certifyPlan, true>, "otCertify"));
  exports.Set("otGaussianW2", Napi::Function::New(env, gaussianW2Binding, "otGaussianW2"));
  exports.Set("otMoments", Napi::Function::New(env, momentsBinding, "otMoments"));
});

}  // namespace dw2
