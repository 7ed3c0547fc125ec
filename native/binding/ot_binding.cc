// Bindings for exact and approximate W2 between point clouds (native/ot). This
// layer only converts and validates arguments; every computation is in native/ot.
// Every entry takes one options object, read once here; each solver has a sync form (xxxSync)
// and an async form (xxx, with onProgress and a CancelToken after the options) returning a
// Promise that runs on the thread pool.
#include <functional>
#include <memory>
#include <string>
#include "binding/async_job.h"
#include "binding/convert.h"
#include "binding/object_fields.h"
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

Written runWork(const std::shared_ptr<Task>& t, Progress& p) {
  t->work(p);
  return {};
}

Napi::Value buildResult(Napi::Env env, const std::shared_ptr<Task>& t, const Written&) { return t->build(env); }

// Runs a task now (sync) or queues it (async: the progress function and the token follow the
// options object, which stays alive, with the arrays the kernel reads, until the job settles).
Napi::Value runTask(const Napi::CallbackInfo& info, std::shared_ptr<Task> task, bool async) {
  if (!async) {
    task->work(noProgress());
    return task->build(info.Env());
  }
  return startKernelJob<std::shared_ptr<Task>, Written>(info, 1, std::move(task), runWork, buildResult, {info[0]});
}

// The cloud of `rows` points of dimension d in o[key] (rows in o[countKey]).
Cloud cloudField(const Napi::Object& o, const char* key, const char* countKey, size_t d) {
  Napi::Float64Array arr = float64ArrayField(o, key);
  const size_t n = size_t(requiredInteger(o, countKey, 0, INT32_MAX));
  requireLength(arr.ElementLength(), n, d, key);
  requireFinite(arr.Data(), arr.ElementLength(), key);
  return Cloud{arr.Data(), n, d};
}

// Optional weights: absent, or a Float64Array with one entry per point.
const double* weightsField(const Napi::Object& o, const char* key, size_t n) {
  if (!has(o, key)) return nullptr;
  Napi::Float64Array w = float64ArrayField(o, key);
  if (w.ElementLength() != n)
    fail(ErrorCode::ShapeMismatch, std::string(key) + " has " + std::to_string(w.ElementLength()) +
                                       " entries for a cloud of " + std::to_string(n) + " points");
  return w.Data();
}

// { a, n, b, m, weightsA?, weightsB? } of dimension d (the arrays are read in place).
struct Clouds {
  Cloud a, b;
  const double* wa;
  const double* wb;
};

Clouds cloudsField(const Napi::Object& o, size_t d) {
  Clouds c{cloudField(o, "a", "n", d), cloudField(o, "b", "m", d), nullptr, nullptr};
  c.wa = weightsField(o, "weightsA", c.a.n);
  c.wb = weightsField(o, "weightsB", c.b.n);
  return c;
}

size_t dimensionField(const Napi::Object& o) { return size_t(requiredInteger(o, "d", 1, INT32_MAX)); }

void requireNonEmpty(const Clouds& c) {
  if (c.a.n == 0 || c.b.n == 0)
    fail(ErrorCode::InvalidArgument, "empty cloud: a has " + std::to_string(c.a.n) + " points, b has " + std::to_string(c.b.n));
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

// The exact solver's options, fields of the call's options object.
ExactOptions exactOptionsField(const Napi::Object& obj) {
  ExactOptions o;
  if (has(obj, "solver")) {
    const std::string name = stringField(obj, "solver", "auto");
    if (name == "auto") o.solver = ExactSolver::Auto;
    else if (name == "auction") o.solver = ExactSolver::Auction;
    else if (name == "shortest-path") o.solver = ExactSolver::ShortestPath;
    else if (name == "network-simplex") o.solver = ExactSolver::NetworkSimplex;
    else if (name == "sparse") o.solver = ExactSolver::Sparse;
    else fail(ErrorCode::InvalidArgument, "unknown solver '" + name + "'");
  }
  o.memoryBudgetBytes = numberField(obj, "memoryBudgetBytes", o.memoryBudgetBytes);
  if (!(o.memoryBudgetBytes > 0)) fail(ErrorCode::InvalidArgument, "memoryBudgetBytes must be > 0");
  o.tolerance = numberField(obj, "tolerance", o.tolerance);
  if (!(o.tolerance >= 0)) fail(ErrorCode::InvalidArgument, "tolerance must be >= 0");
  const double ls = numberField(obj, "listSize", 0.0);
  if (!(ls == 0 || (ls >= 2 && ls <= 4096))) fail(ErrorCode::InvalidArgument, "listSize must be in [2, 4096]");
  o.listSize = size_t(ls);
  const double mi = numberField(obj, "maxIterations", 0.0);
  if (!(mi >= 0)) fail(ErrorCode::InvalidArgument, "maxIterations must be >= 0");
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

// ({ a, n, b, m, d, weightsA?, weightsB?, solver?, tolerance?, memoryBudgetBytes?, listSize?,
//    maxIterations? }) [, onProgress, token]
Napi::Value w2Exact(const Napi::CallbackInfo& info, bool async) {
  const Napi::Object o = optionsArg(info, 0);
  const Clouds c = cloudsField(o, dimensionField(o));
  const ExactOptions opts = exactOptionsField(o);
  auto result = std::make_shared<ExactResult>();
  auto task = std::make_shared<Task>();
  task->work = [=](Progress& p) { *result = solveExact(c.a, c.wa, c.b, c.wb, opts, p); };
  task->build = [result](Napi::Env env) -> Napi::Value { return exactResultObject(env, *result); };
  return runTask(info, task, async);
}

// ({ costs, n, m, weightsA?, weightsB?, ...exact options }) [, onProgress, token]: a caller's cost matrix.
Napi::Value w2ExactMatrix(const Napi::CallbackInfo& info, bool async) {
  const Napi::Object o = optionsArg(info, 0);
  const size_t n = size_t(requiredInteger(o, "n", 1, INT32_MAX));
  const size_t m = size_t(requiredInteger(o, "m", 1, INT32_MAX));
  Napi::Float64Array M = float64ArrayField(o, "costs");
  requireLength(M.ElementLength(), n, m, "costs");
  requireFinite(M.Data(), M.ElementLength(), "costs");
  const double* wa = weightsField(o, "weightsA", n);
  const double* wb = weightsField(o, "weightsB", m);
  const ExactOptions opts = exactOptionsField(o);
  const double* costs = M.Data();
  auto result = std::make_shared<ExactResult>();
  auto task = std::make_shared<Task>();
  task->work = [=](Progress& p) { *result = solveExactMatrix(costs, n, m, wa, wb, opts, p); };
  task->build = [result](Napi::Env env) -> Napi::Value { return exactResultObject(env, *result); };
  return runTask(info, task, async);
}

// w2Exact's options for the GPU auction (uniform weights, n = m): UNSUPPORTED naming the
// option otherwise, or with the reason when no GPU is usable.
Napi::Value w2AuctionCuda(const Napi::CallbackInfo& info, bool async) {
  const Napi::Object o = optionsArg(info, 0);
  const Clouds c = cloudsField(o, dimensionField(o));
  for (const char* key : {"weightsA", "weightsB"})
    if (has(o, key))
      fail(ErrorCode::Unsupported, std::string(key) + ": weighted W2 has no CUDA implementation (device 'cuda' solves uniform assignment problems); use device 'cpu'");
  const ExactOptions opts = exactOptionsField(o);
  auto result = std::make_shared<ExactResult>();
  auto task = std::make_shared<Task>();
  task->work = [=](Progress& p) { *result = cuda::solveExactCuda(c.a, c.b, opts, p); };
  task->build = [result](Napi::Env env) -> Napi::Value {
    Napi::Object r = exactResultObject(env, *result).As<Napi::Object>();
    Napi::Object st = r.Get("stats").As<Napi::Object>();
    st.Set("rounds", double(result->auction.rebuilds));
    st.Set("listRebuilds", 0.0);
    st.Set("gpu", true);
    return r;
  };
  return runTask(info, task, async);
}

// The normalised weights of both clouds (uniform when absent), checked to have equal totals.
struct Masses {
  std::shared_ptr<std::vector<double>> a, b;
};

Masses massesOf(const Clouds& c) {
  Masses w{std::make_shared<std::vector<double>>(normalisedWeights(c.wa, c.a.n, "weightsA")),
           std::make_shared<std::vector<double>>(normalisedWeights(c.wb, c.b.n, "weightsB"))};
  requireEqualTotals(c.wa, c.a.n, c.wb, c.b.n);
  return w;
}

// ({ a, n, b, m, weightsA?, weightsB? }) [, onProgress, token]: points on the line.
Napi::Value w2OneDim(const Napi::CallbackInfo& info, bool async) {
  const Napi::Object o = optionsArg(info, 0);
  const Clouds c = cloudsField(o, 1);
  requireNonEmpty(c);
  const Masses w = massesOf(c);
  auto result = std::make_shared<OneDimResult>();
  auto task = std::make_shared<Task>();
  task->work = [=](Progress& p) { *result = oneDimensional(c.a.x, w.a->data(), c.a.n, c.b.x, w.b->data(), c.b.n, p); };
  task->build = [result](Napi::Env env) -> Napi::Value {
    Napi::Object r = Napi::Object::New(env);
    r.Set("w2sq", result->w2sq);
    setPlan(env, r, result->plan);
    r.Set("u", toF64(env, result->u));
    r.Set("v", toF64(env, result->v));
    r.Set("certificate", certificateObject(env, result->cert));
    return r;
  };
  return runTask(info, task, async);
}

// ({ a, n, b, m, d, weightsA?, weightsB?, projections, seed }) [, onProgress, token]
Napi::Value w2Sliced(const Napi::CallbackInfo& info, bool async) {
  const Napi::Object o = optionsArg(info, 0);
  const Clouds c = cloudsField(o, dimensionField(o));
  requireNonEmpty(c);
  const size_t projections = size_t(requiredInteger(o, "projections", 1, 1 << 24));
  const uint64_t seed = seedField(o, "seed");
  const Masses w = massesOf(c);
  auto result = std::make_shared<SlicedResult>();
  auto task = std::make_shared<Task>();
  task->work = [=](Progress& p) { *result = slicedW2(c.a, w.a->data(), c.b, w.b->data(), projections, seed, p); };
  task->build = [result](Napi::Env env) -> Napi::Value {
    Napi::Object r = Napi::Object::New(env);
    r.Set("w2sq", result->sw2sq);
    r.Set("stdError", result->stdError);
    return r;
  };
  return runTask(info, task, async);
}

// A caller's plan { rows, cols, mass } between clouds of n and m points, checked.
std::shared_ptr<SparsePlan> planField(const Napi::Object& o, size_t n, size_t m) {
  Napi::Int32Array rows = int32ArrayField(o, "rows"), cols = int32ArrayField(o, "cols");
  Napi::Float64Array mass = float64ArrayField(o, "mass");
  if (rows.ElementLength() != cols.ElementLength() || rows.ElementLength() != mass.ElementLength())
    fail(ErrorCode::ShapeMismatch, "plan rows, cols and mass must have the same length");
  requireFinite(mass.Data(), mass.ElementLength(), "mass");
  auto plan = std::make_shared<SparsePlan>();
  for (size_t t = 0; t < rows.ElementLength(); ++t) {
    const int32_t i = rows[t], j = cols[t];
    if (i < 0 || size_t(i) >= n || j < 0 || size_t(j) >= m)
      fail(ErrorCode::InvalidArgument, "plan entry " + std::to_string(t) + " = (" + std::to_string(i) + ", " +
                                           std::to_string(j) + ") is out of range");
    plan->add(i, j, mass[t]);
  }
  return plan;
}

// ({ a, n, b, m, d, weightsA?, weightsB?, u, v, rows, cols, mass }) [, onProgress, token]
Napi::Value certifyPlan(const Napi::CallbackInfo& info, bool async) {
  const Napi::Object o = optionsArg(info, 0);
  const Clouds c = cloudsField(o, dimensionField(o));
  Napi::Float64Array u = float64ArrayField(o, "u"), v = float64ArrayField(o, "v");
  if (u.ElementLength() != c.a.n || v.ElementLength() != c.b.n)
    fail(ErrorCode::ShapeMismatch, "potentials have " + std::to_string(u.ElementLength()) + " and " +
                                       std::to_string(v.ElementLength()) + " entries for clouds of " +
                                       std::to_string(c.a.n) + " and " + std::to_string(c.b.n) + " points");
  requireFinite(u.Data(), u.ElementLength(), "u");
  requireFinite(v.Data(), v.ElementLength(), "v");
  std::shared_ptr<SparsePlan> plan = planField(o, c.a.n, c.b.n);
  auto pa = std::make_shared<std::vector<double>>(normalisedWeights(c.wa, c.a.n, "weightsA"));
  auto pb = std::make_shared<std::vector<double>>(normalisedWeights(c.wb, c.b.n, "weightsB"));
  auto pu = std::make_shared<std::vector<double>>(u.Data(), u.Data() + c.a.n);
  auto pv = std::make_shared<std::vector<double>>(v.Data(), v.Data() + c.b.n);
  auto result = std::make_shared<Certificate>();
  auto task = std::make_shared<Task>();
  task->work = [=](Progress& p) { *result = certifyClouds(c.a, pa->data(), c.b, pb->data(), *plan, *pu, *pv, p); };
  task->build = [result](Napi::Env env) -> Napi::Value { return certificateObject(env, *result); };
  return runTask(info, task, async);
}

// ({ mean1, cov1, mean2, cov2, d }) -> { w2sq, meanTerm, buresTerm }
Napi::Value gaussianW2Binding(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    const Napi::Object o = optionsArg(info, 0);
    const size_t d = size_t(requiredInteger(o, "d", 0, 1 << 16));
    const char* names[4] = {"mean1", "cov1", "mean2", "cov2"};
    const double* p[4];
    for (int k = 0; k < 4; ++k) {
      Napi::Float64Array arr = float64ArrayField(o, names[k]);
      requireLength(arr.ElementLength(), d, (k & 1) ? d : 1, names[k]);
      requireFinite(arr.Data(), arr.ElementLength(), names[k]);
      p[k] = arr.Data();
    }
    const GaussianW2 r = gaussianW2(p[0], p[1], p[2], p[3], d);
    Napi::Object out = Napi::Object::New(info.Env());
    out.Set("w2sq", r.w2sq);
    out.Set("meanTerm", r.meanTerm);
    out.Set("buresTerm", r.buresTerm);
    return out;
  });
}

// ({ x, n, d, weights? }) -> { mean, cov }
Napi::Value momentsBinding(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    const Napi::Object o = optionsArg(info, 0);
    const size_t d = dimensionField(o);
    const Cloud c = cloudField(o, "x", "n", d);
    if (c.n == 0) fail(ErrorCode::InvalidArgument, "empty cloud");
    const double* w = weightsField(o, "weights", c.n);
    std::vector<double> pw = normalisedWeights(w, c.n, "weights");
    std::vector<double> mean, cov;
    empiricalMoments(c.x, c.n, d, pw.data(), mean, cov);
    for (double x : cov)
      if (!std::isfinite(x))
        fail(ErrorCode::NonFinite, "the covariance of the points exceeds the float64 range (about 1.8e308); rescale the data");
    Napi::Object out = Napi::Object::New(info.Env());
    out.Set("mean", toF64(info.Env(), mean));
    out.Set("cov", toF64(info.Env(), cov));
    return out;
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
