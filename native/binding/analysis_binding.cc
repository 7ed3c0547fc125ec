// Bindings of the exact Gaussian analysis (spec §7): convert and validate, then call the
// kernels in native/analysis. Heavy work (eigendecompositions included) runs inside the
// kernels, on the thread pool for the Promise forms.
#include <algorithm>
#include <cmath>
#include <optional>
#include "analysis/continuous_flow.h"
#include "analysis/error_table.h"
#include "analysis/gauss_legendre.h"
#include "analysis/gaussian_recursion.h"
#include "core/progress.h"
#include "analysis/randomized_moments.h"
#include "analysis/score_error.h"
#include "analysis/steps_to_accuracy.h"
#include "binding/async_job.h"
#include "binding/convert.h"
#include "binding/object_fields.h"
#include "binding/process_arg.h"
#include "binding/sampler_params_arg.h"
#include "binding/registry.h"
#include "linalg/bures.h"

namespace dw2 {

using namespace analysis;

namespace {

Napi::Object requireObject(const Napi::Value& v, const char* name) {
  if (!v.IsObject()) fail(ErrorCode::InvalidArgument, std::string(name) + " must be an object");
  return v.As<Napi::Object>();
}

// An optional Float64Array property, copied (the kernels may run after the call returns).
std::optional<std::vector<double>> optionalArray(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return std::nullopt;
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    fail(ErrorCode::InvalidArgument, std::string(key) + " must be a Float64Array");
  auto a = v.As<Napi::Float64Array>();
  return std::vector<double>(a.Data(), a.Data() + a.ElementLength());
}

std::vector<double> requiredArray(const Napi::Object& o, const char* key) {
  auto a = optionalArray(o, key);
  if (!a) fail(ErrorCode::InvalidArgument, std::string(key) + " is required");
  return *a;
}

std::string stringProperty(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsString()) fail(ErrorCode::InvalidArgument, std::string(key) + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

std::vector<std::string> stringList(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsArray()) fail(ErrorCode::InvalidArgument, std::string(key) + " must be an array of strings");
  auto a = v.As<Napi::Array>();
  std::vector<std::string> out;
  for (uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Value s = a.Get(i);
    if (!s.IsString()) fail(ErrorCode::InvalidArgument, std::string(key) + "[" + std::to_string(i) + "] must be a string");
    out.push_back(s.As<Napi::String>().Utf8Value());
  }
  return out;
}

// The ddim η of a sampler entry or of the options object, checked.
double ddimEta(const Napi::Object& o, double fallback) {
  const double eta = numberField(o, "eta", fallback);
  if (!(eta >= 0.0 && eta <= 1.0)) fail(ErrorCode::InvalidArgument, "eta must be in [0, 1], got " + std::to_string(eta));
  return eta;
}

// `samplers`: names (with the options' ddim η) or { name, eta?, params?, linearizationCap? }
// entries, each with its own options (the same scheme may appear more than once).
std::vector<SchemeChoice> schemeChoices(const Napi::Object& o) {
  Napi::Value v = o.Get("samplers");
  if (!v.IsArray()) fail(ErrorCode::InvalidArgument, "samplers must be an array of names or { name, eta?, params?, linearizationCap? }");
  const double eta = ddimEta(o, 0.0);
  auto a = v.As<Napi::Array>();
  std::vector<SchemeChoice> out;
  for (uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Value e = a.Get(i);
    SchemeChoice c;
    c.options.eta = eta;
    if (e.IsString()) {
      c.scheme = parseScheme(e.As<Napi::String>().Utf8Value());
    } else if (e.IsObject()) {
      Napi::Object entry = e.As<Napi::Object>();
      c.scheme = parseScheme(stringProperty(entry, "name"));
      c.options.eta = ddimEta(entry, eta);
      c.options.params = samplerParamsField(entry);
      c.linearizationCap = numberField(entry, "linearizationCap", HUGE_VAL);
    } else {
      fail(ErrorCode::InvalidArgument, "samplers[" + std::to_string(i) + "] must be a name or an object");
    }
    out.push_back(c);
  }
  return out;
}

std::vector<double> numberList(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return {};
  if (!v.IsArray()) fail(ErrorCode::InvalidArgument, std::string(key) + " must be an array of numbers");
  auto a = v.As<Napi::Array>();
  std::vector<double> out;
  for (uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Value x = a.Get(i);
    if (!x.IsNumber()) fail(ErrorCode::InvalidArgument, std::string(key) + "[" + std::to_string(i) + "] must be a number");
    out.push_back(x.As<Napi::Number>().DoubleValue());
  }
  return out;
}

// Every array handed back here is a computed answer: it is returned only when finite.
Napi::Float64Array toArray(Napi::Env env, const std::vector<double>& v) {
  for (double x : v)
    if (!std::isfinite(x)) fail(ErrorCode::NonFinite, "a computed moment overflows double precision for this input (rescale the data or shorten the horizon)");
  auto a = Napi::Float64Array::New(env, v.size());
  std::copy(v.begin(), v.end(), a.Data());
  return a;
}

// The data distribution as given: eigenvalues (+ eigenvectors) or a covariance, and a mean.
struct DataInput {
  size_t d = 0;
  std::optional<std::vector<double>> eigenvalues, covariance, eigenvectors, mean;

  static DataInput parse(const Napi::Object& o) {
    DataInput in;
    in.eigenvalues = optionalArray(o, "eigenvalues");
    in.covariance = optionalArray(o, "covariance");
    in.eigenvectors = optionalArray(o, "eigenvectors");
    in.mean = optionalArray(o, "mean");
    if (in.eigenvalues.has_value() == in.covariance.has_value())
      fail(ErrorCode::InvalidArgument, "give exactly one of eigenvalues and covariance");
    if (in.eigenvalues) {
      in.d = in.eigenvalues->size();
      if (in.eigenvectors) requireLength(in.eigenvectors->size(), in.d, in.d, "eigenvectors");
    } else {
      if (in.eigenvectors) fail(ErrorCode::InvalidArgument, "eigenvectors go with eigenvalues, not with a covariance");
      const double root = std::round(std::sqrt(double(in.covariance->size())));
      in.d = size_t(root);
      requireLength(in.covariance->size(), in.d, in.d, "covariance");
    }
    if (in.d == 0) fail(ErrorCode::InvalidArgument, "the data dimension must be >= 1");
    if (in.mean) requireLength(in.mean->size(), in.d, 1, "mean");
    return in;
  }
  // needBasis: whether anything beyond the spectrum and mean uses Σ's eigenvectors.
  GaussianData build(bool needBasis = true) const {
    const double* m = mean ? mean->data() : nullptr;
    if (eigenvalues) return gaussianFromSpectrum(eigenvalues->data(), d, m, eigenvectors ? eigenvectors->data() : nullptr);
    return gaussianFromCovariance(covariance->data(), d, m, needBasis);
  }
};

// approxScore: { mean?, covariance } or { fromSamples, seed }.
struct ApproxInput {
  std::optional<std::vector<double>> mean, covariance;
  size_t samples = 0;
  uint64_t seed = 0;

  static std::optional<ApproxInput> parse(const Napi::Object& o, size_t d) {
    Napi::Value v = o.Get("approxScore");
    if (v.IsUndefined() || v.IsNull()) return std::nullopt;
    Napi::Object a = requireObject(v, "approxScore");
    ApproxInput in;
    Napi::Value fromSamples = a.Get("fromSamples");
    if (!fromSamples.IsUndefined()) {
      in.samples = size_t(integerField(a, "fromSamples", 0, 2, 100000000));
      Napi::Value seed = a.Get("seed");
      if (seed.IsBigInt()) {
        bool lossless = false;
        in.seed = seed.As<Napi::BigInt>().Uint64Value(&lossless);
      } else {
        const double s = numberField(a, "seed", 0);
        if (s < 0 || std::floor(s) != s || s > 9007199254740991.0) fail(ErrorCode::InvalidArgument, "approxScore.seed must be a non-negative integer");
        in.seed = uint64_t(s);
      }
      return in;
    }
    in.covariance = optionalArray(a, "covariance");
    if (!in.covariance) fail(ErrorCode::InvalidArgument, "approxScore needs a covariance (or fromSamples)");
    requireLength(in.covariance->size(), d, d, "approxScore.covariance");
    in.mean = optionalArray(a, "mean");
    if (in.mean) requireLength(in.mean->size(), d, 1, "approxScore.mean");
    return in;
  }
};

struct TableJobInput {
  DataInput data;
  TableConfig config;
  std::optional<ApproxInput> approx;
};

TableJobInput parseTable(const Napi::CallbackInfo& info) {
  if (info.Length() < 1) fail(ErrorCode::InvalidArgument, "options are required");
  Napi::Object o = requireObject(info[0], "options");
  TableJobInput in;
  in.data = DataInput::parse(o);
  TableConfig& c = in.config;
  c.process = processFromObject(requireObject(o.Get("process"), "process"));
  c.schemes = schemeChoices(o);
  for (const auto& p : stringList(o, "priors")) c.priors.push_back(parsePrior(p));
  for (double n : numberList(o, "steps")) {
    if (!(std::floor(n) == n && n >= 1 && n <= 1e8)) fail(ErrorCode::InvalidArgument, "steps must be integers in [1, 1e8], got " + std::to_string(n));
    c.steps.push_back(int(n));
  }
  c.tEnds = numberList(o, "tEnds");
  Napi::Value grid = o.Get("grid");
  if (grid.IsTypedArray()) {
    c.explicitGrid = *optionalArray(o, "grid");
    if (c.explicitGrid.front() > c.process.tMax()) fail(ErrorCode::InvalidArgument, "grid starts beyond the process's range");
  } else {
    c.gridKind = parseGridKind(grid.IsUndefined() ? std::string("uniform") : stringProperty(o, "grid"));
  }
  c.rho = numberField(o, "rho", 7.0);
  c.quadratureNodes = integerField(o, "quadratureNodes", 8, 1, 512);
  in.approx = ApproxInput::parse(o, in.data.d);
  return in;
}

struct TableOutput {
  TableResult table;
  size_t d = 0;
  std::vector<double> approxMean, approxCovariance;  // set when estimated from samples
};

// With an approximate score the dense set-up dominates at large d, so progress is split by
// estimated cost, in units of one row's dense Bures solve (~d³, as errorTable counts it):
// drawing m samples and forming Σ̂ (m d²/4), then Σ̂'s eigendecomposition with eigenvectors and
// the basis changes (~2 d³). Calibrated on CIFAR-10 (d = 3072, m = 1000): 4 s, 76 s and 45 s per
// row. Those set-up steps are single Eigen calls, so progress moves (and cancellation is
// honoured) between them.
struct SetupShares {
  double estimateEnd, setupEnd;
};

SetupShares approxSetupShares(const TableJobInput& in, size_t d) {
  const double dd = double(d), cube = dd * dd * dd;
  const double estimate = 0.25 * double(in.approx->samples) * dd * dd;
  const double setup = 2.0 * cube;
  const double steps = in.config.explicitGrid.empty() ? double(in.config.steps.size()) : 1.0;
  const double tEnds = std::max<double>(1.0, double(in.config.tEnds.size()));
  const double rows = double(in.config.schemes.size()) * tEnds * double(in.config.priors.size()) * steps;
  const double total = estimate + setup + rows * cube;
  return SetupShares{estimate / total, (estimate + setup) / total};
}

// No row is returned with NaN or ±Inf in it: the error of a scheme that diverges (or whose
// coefficients overflow) is reported as a typed error naming the row.
void requireFiniteTable(const analysis::TableResult& table, bool withScore) {
  for (const TableRow& t : table.rows) {
    if (!t.invalid.empty()) continue;  // explained rows carry NaN by design
    const double values[] = {t.truncation, t.continuous, t.discrete, t.total, t.discretization, withScore ? t.score : 0.0};
    for (double v : values)
      if (!std::isfinite(v))
        fail(ErrorCode::NonFinite, std::string("the W2 error of ") + schemeInfo(t.scheme).name + " with " + std::to_string(t.steps) +
                                       " steps overflows double precision (the scheme diverges for these settings, or its coefficients overflow); use more steps or a shorter horizon T");
  }
}

TableOutput runTable(const TableJobInput& in, Progress& progress) {
  TableOutput out;
  const GaussianData data = in.data.build(in.approx.has_value());
  out.d = data.d;
  std::optional<ApproxScore> approx;
  SetupShares shares{0.0, 0.0};
  if (in.approx) {
    shares = approxSetupShares(in, data.d);
    progress.checkpoint(0.0);
    if (in.approx->samples > 0) {
      out.approxMean.resize(data.d);
      out.approxCovariance.resize(data.d * data.d);
      estimateFromSamples(data, in.approx->samples, in.approx->seed, out.approxMean.data(), out.approxCovariance.data());
      progress.checkpoint(shares.estimateEnd);
    }
    ProgressRange setupPart(progress, shares.estimateEnd, shares.setupEnd);
    const bool estimated = in.approx->samples > 0;
    approx = makeApproxScore(data, estimated ? out.approxMean.data() : in.approx->mean ? in.approx->mean->data() : nullptr,
                             estimated ? out.approxCovariance.data() : in.approx->covariance->data(), setupPart);
    progress.checkpoint(shares.setupEnd);
  }
  ProgressRange tablePart(progress, shares.setupEnd, 1.0);
  out.table = errorTable(data, in.config, approx ? &*approx : nullptr, tablePart);
  requireFiniteTable(out.table, in.approx.has_value());
  return out;
}

Napi::Value tableToJs(Napi::Env env, const TableOutput& out, bool withScore) {
  Napi::Object r = Napi::Object::New(env);
  Napi::Array rows = Napi::Array::New(env, out.table.rows.size());
  for (size_t k = 0; k < out.table.rows.size(); ++k) {
    const TableRow& t = out.table.rows[k];
    Napi::Object o = Napi::Object::New(env);
    o.Set("sampler", schemeInfo(t.scheme).name);
    o.Set("steps", t.steps);
    o.Set("nfe", double(t.nfe));
    o.Set("tEnd", t.tEnd);
    o.Set("prior", priorName(t.prior));
    o.Set("truncation", t.truncation);
    o.Set("continuous", t.continuous);
    o.Set("discrete", t.discrete);
    o.Set("total", t.total);
    o.Set("discretization", t.discretization);
    if (withScore) o.Set("score", t.score);
    o.Set("momentMatched", t.momentMatched);
    o.Set("fellBack", t.fellBack);
    if (!t.invalid.empty()) o.Set("invalid", t.invalid);
    rows.Set(uint32_t(k), o);
  }
  r.Set("rows", rows);
  Napi::Array warnings = Napi::Array::New(env, out.table.warnings.size());
  for (size_t k = 0; k < out.table.warnings.size(); ++k) warnings.Set(uint32_t(k), out.table.warnings[k]);
  r.Set("warnings", warnings);
  r.Set("dim", double(out.d));
  if (!out.approxMean.empty()) {
    Napi::Object a = Napi::Object::New(env);
    a.Set("mean", toArray(env, out.approxMean));
    a.Set("covariance", toArray(env, out.approxCovariance));
    r.Set("approxScore", a);
  }
  return r;
}

Napi::Value gaussianAnalysisSync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    TableJobInput in = parseTable(info);
    return tableToJs(info.Env(), runTable(in, noProgress()), in.approx.has_value());
  });
}

// (options, onProgress?, cancelToken?) -> Promise
Napi::Value gaussianAnalysisAsync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    return startKernelJob<TableJobInput, TableOutput>(info, 1, parseTable(info), runTable, [](Napi::Env env, const TableJobInput& in, const TableOutput& out) {
      return tableToJs(env, out, in.approx.has_value());
    });
  });
}

// The steps-to-accuracy search: the table's data and process options plus
// { tolerances, component, maxNfe, checkPoints?, tEnd?, prior }.
struct AccuracyJobInput {
  DataInput data;
  AccuracyConfig config;
};

AccuracyJobInput parseAccuracy(const Napi::CallbackInfo& info) {
  if (info.Length() < 1) fail(ErrorCode::InvalidArgument, "options are required");
  Napi::Object o = requireObject(info[0], "options");
  AccuracyJobInput in;
  in.data = DataInput::parse(o);
  AccuracyConfig& c = in.config;
  c.process = processFromObject(requireObject(o.Get("process"), "process"));
  c.schemes = schemeChoices(o);
  c.prior = parsePrior(stringProperty(o, "prior"));
  c.gridKind = parseGridKind(stringProperty(o, "grid"));
  c.rho = numberField(o, "rho", 7.0);
  c.tEnd = numberField(o, "tEnd", -1.0);
  c.quadratureNodes = integerField(o, "quadratureNodes", 8, 1, 512);
  c.tolerances = numberList(o, "tolerances");
  c.component = parseAccuracyComponent(stringProperty(o, "component"));
  const double maxNfe = numberField(o, "maxNfe", 2048);
  if (!(std::floor(maxNfe) == maxNfe && maxNfe >= 1 && maxNfe <= 1e8)) fail(ErrorCode::InvalidArgument, "maxNfe must be an integer in [1, 1e8]");
  c.maxNfe = (long long)maxNfe;
  c.checkPoints = integerField(o, "checkPoints", 8, 0, 1000);
  return in;
}

AccuracyResult runAccuracy(const AccuracyJobInput& in, Progress& progress) {
  const GaussianData data = in.data.build(false);
  return stepsToAccuracy(data, in.config, progress);
}

Napi::Value accuracyToJs(Napi::Env env, const AccuracyResult& out) {
  Napi::Object r = Napi::Object::New(env);
  Napi::Array rows = Napi::Array::New(env, out.rows.size());
  for (size_t k = 0; k < out.rows.size(); ++k) {
    const AccuracyRow& a = out.rows[k];
    Napi::Object o = Napi::Object::New(env);
    o.Set("sampler", schemeInfo(a.scheme).name);
    o.Set("tolerance", a.tolerance);
    o.Set("reached", a.reached);
    o.Set("steps", a.steps);
    o.Set("nfe", double(a.nfe));
    o.Set("error", a.error);
    o.Set("check", accuracyCheckName(a.check));
    o.Set("stable", a.stable);
    o.Set("evaluations", a.evaluations);
    o.Set("seconds", a.seconds);
    o.Set("momentMatched", schemeInfo(a.scheme).randomized);
    if (!a.invalid.empty()) o.Set("invalid", a.invalid);
    rows.Set(uint32_t(k), o);
  }
  r.Set("rows", rows);
  Napi::Array warnings = Napi::Array::New(env, out.warnings.size());
  for (size_t k = 0; k < out.warnings.size(); ++k) warnings.Set(uint32_t(k), out.warnings[k]);
  r.Set("warnings", warnings);
  r.Set("tEnd", out.tEnd);
  return r;
}

Napi::Value gaussianStepsToAccuracySync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    AccuracyJobInput in = parseAccuracy(info);
    return accuracyToJs(info.Env(), runAccuracy(in, noProgress()));
  });
}

// (options, onProgress?, cancelToken?) -> Promise
Napi::Value gaussianStepsToAccuracyAsync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    return startKernelJob<AccuracyJobInput, AccuracyResult>(info, 1, parseAccuracy(info), runAccuracy,
                                                            [](Napi::Env env, const AccuracyJobInput&, const AccuracyResult& out) { return accuracyToJs(env, out); });
  });
}

// Per-direction inputs of the recursion exports: eigenvalues and the mean in the eigenbasis.
struct Directions {
  GaussianData data;
  std::vector<double> scoreLambda, scoreCentre;  // the score's spectrum (default: the data's)
  ScoreSpectrum spectrum() const {
    bool positive = true;
    for (double l : scoreLambda) positive = positive && l > 0.0;
    return ScoreSpectrum{scoreLambda.data(), scoreCentre.data(), data.d, positive};
  }
};

Directions parseDirections(const Napi::Object& o) {
  Directions dir;
  const std::vector<double> lambda = requiredArray(o, "eigenvalues");
  auto mean = optionalArray(o, "mean");
  if (mean) requireLength(mean->size(), lambda.size(), 1, "mean");
  dir.data = gaussianFromSpectrum(lambda.data(), lambda.size(), mean ? mean->data() : nullptr, nullptr);
  dir.scoreLambda = dir.data.lambda;
  dir.scoreCentre = dir.data.mean;
  Napi::Value score = o.Get("score");
  if (!score.IsUndefined()) {
    Napi::Object s = requireObject(score, "score");
    dir.scoreLambda = requiredArray(s, "eigenvalues");
    requireLength(dir.scoreLambda.size(), dir.data.d, 1, "score.eigenvalues");
    std::vector<std::string> ignored;
    clampSpectrum(dir.scoreLambda, 1e-12, "score.eigenvalues", ignored);
    auto c = optionalArray(s, "mean");
    dir.scoreCentre = c ? *c : std::vector<double>(dir.data.d, 0.0);
    requireLength(dir.scoreCentre.size(), dir.data.d, 1, "score.mean");
    requireFinite(dir.scoreCentre.data(), dir.scoreCentre.size(), "score.mean");
  }
  return dir;
}

// start: a prior name, or { mean, variance } per direction.
DiagonalGaussian parseStart(const Napi::Object& o, const Process& p, double T, const GaussianData& data) {
  Napi::Value v = o.Get("start");
  if (v.IsUndefined() || v.IsString()) return priorMoments(parsePrior(v.IsString() ? v.As<Napi::String>().Utf8Value() : "exact"), p, T, data);
  Napi::Object s = requireObject(v, "start");
  DiagonalGaussian g{requiredArray(s, "mean"), requiredArray(s, "variance")};
  requireLength(g.mean.size(), data.d, 1, "start.mean");
  requireLength(g.variance.size(), data.d, 1, "start.variance");
  requireFinite(g.mean.data(), data.d, "start.mean");
  requireFinite(g.variance.data(), data.d, "start.variance");
  for (double x : g.variance)
    if (x < 0) fail(ErrorCode::InvalidArgument, "start.variance must be >= 0");
  return g;
}

Napi::Object mapsToJs(Napi::Env env, const DirectionMaps& maps, const DiagonalGaussian& start) {
  const size_t d = maps.gain.size();
  std::vector<double> m(d), v(d);
  maps.apply(start.mean.data(), start.variance.data(), m.data(), v.data());
  Napi::Object r = Napi::Object::New(env);
  r.Set("mean", toArray(env, m));
  r.Set("variance", toArray(env, v));
  r.Set("gain", toArray(env, maps.gain));
  r.Set("offset", toArray(env, maps.offset));
  r.Set("noiseVariance", toArray(env, maps.noiseVariance));
  r.Set("nfe", double(maps.nfe));
  r.Set("fellBack", maps.fellBack);
  return r;
}

// ({ eigenvalues, mean?, score?, process, sampler, grid, eta?, start? }) -> per-direction output moments
Napi::Value gaussianRecursionSync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    Napi::Object o = requireObject(info[0], "options");
    const Directions dir = parseDirections(o);
    const Process p = processFromObject(requireObject(o.Get("process"), "process"));
    const std::vector<double> grid = gridFromValue(p, o.Get("grid"));
    const Scheme scheme = parseScheme(stringProperty(o, "sampler"));
    PlanOptions options;
    options.eta = numberField(o, "eta", 0.0);
    options.params = samplerParamsField(o);
    const DiagonalGaussian start = parseStart(o, p, grid.front(), dir.data);
    const Napi::Value cap = o.Get("linearizationCap");
    if (!cap.IsUndefined() && schemeInfo(scheme).usesHessian) {  // the stabilized local linearization
      const double kappa = cap.ToNumber().DoubleValue();
      if (!(kappa >= 0)) fail(ErrorCode::InvalidArgument, "stabilize (the cap κ on hμ) must be >= 0");
      return mapsToJs(info.Env(), localLinearizationMaps(scheme->ode, p, grid, dir.spectrum(), noProgress(), kappa), start);
    }
    return mapsToJs(info.Env(), schemeMaps(scheme, p, grid, options, dir.spectrum()), start);
  });
}

// ({ eigenvalues, mean?, process, T?, tEnd, ode | eta, start? }) -> exact flow's output moments
Napi::Value gaussianFlowSync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    Napi::Object o = requireObject(info[0], "options");
    const Directions dir = parseDirections(o);
    const Process p = processFromObject(requireObject(o.Get("process"), "process"));
    const double T = numberField(o, "T", p.T), tEnd = numberField(o, "tEnd", defaultTEnd(p));
    Napi::Value ode = o.Get("ode");
    double eta;
    if (!o.Get("eta").IsUndefined()) {
      if (!ode.IsUndefined()) fail(ErrorCode::InvalidArgument, "give ode or eta, not both");
      eta = numberField(o, "eta", 0.0);
    } else {
      if (!ode.IsBoolean()) fail(ErrorCode::InvalidArgument, "ode must be a boolean (or give eta)");
      eta = ode.As<Napi::Boolean>().Value() ? 0.0 : 1.0;
    }
    const DiagonalGaussian start = parseStart(o, p, T, dir.data);
    return mapsToJs(info.Env(), continuousFlowMaps(eta, p, T, tEnd, dir.spectrum()), start);
  });
}

// ({ eigenvalues, mean?, score?, process, sampler, grid, quadratureNodes?, start?: prior | { mean, variance } | { mean, covariance } })
//   -> { mean, variance, covariance?, nfe, diagonal }
Napi::Value randomizedMomentsSync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    Napi::Object o = requireObject(info[0], "options");
    const Directions dir = parseDirections(o);
    const size_t d = dir.data.d;
    const Process p = processFromObject(requireObject(o.Get("process"), "process"));
    const std::vector<double> grid = gridFromValue(p, o.Get("grid"));
    const Scheme scheme = parseScheme(stringProperty(o, "sampler"));
    const Quadrature q = gaussLegendreUnit(integerField(o, "quadratureNodes", 8, 1, 512));
    std::vector<double> mean, cov;
    Napi::Value start = o.Get("start");
    if (start.IsObject() && !start.As<Napi::Object>().Get("covariance").IsUndefined()) {
      Napi::Object s = start.As<Napi::Object>();
      mean = requiredArray(s, "mean");
      cov = requiredArray(s, "covariance");
      requireLength(mean.size(), d, 1, "start.mean");
      requireLength(cov.size(), d, d, "start.covariance");
      requireFinite(mean.data(), d, "start.mean");
      requireFinite(cov.data(), d * d, "start.covariance");
    } else {
      const DiagonalGaussian g = parseStart(o, p, grid.front(), dir.data);
      mean = g.mean;
      cov.assign(d * d, 0.0);
      for (size_t i = 0; i < d; ++i) cov[i * d + i] = g.variance[i];
    }
    const bool full = o.Get("full").IsBoolean() && o.Get("full").As<Napi::Boolean>().Value();
    long long nfe = 0;
    const bool diagonal = randomizedMoments(scheme, p, grid, q, dir.spectrum(), mean.data(), cov.data(), full, nfe);
    Napi::Env env = info.Env();
    Napi::Object r = Napi::Object::New(env);
    std::vector<double> variance(d);
    for (size_t i = 0; i < d; ++i) variance[i] = cov[i * d + i];
    r.Set("nfe", double(nfe));
    r.Set("diagonal", diagonal);
    if (!diagonal) r.Set("covariance", toArray(env, cov));
    r.Set("mean", toArray(env, mean));
    r.Set("variance", toArray(env, variance));
    return r;
  });
}

// ({ eigenvalues | covariance, eigenvectors?, mean? }, m, seed) -> { mean, covariance } of m samples
Napi::Value sampleGaussianMomentsSync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    const DataInput in = DataInput::parse(requireObject(info[0], "options"));
    const size_t m = size_t(argInteger(info, 1, "samples", 2, 100000000));
    const uint64_t seed = argSeed(info, 2, "seed");
    const GaussianData data = in.build();
    std::vector<double> mean(data.d), cov(data.d * data.d);
    estimateFromSamples(data, m, seed, mean.data(), cov.data());
    Napi::Object r = Napi::Object::New(info.Env());
    r.Set("mean", toArray(info.Env(), mean));
    r.Set("covariance", toArray(info.Env(), cov));
    return r;
  });
}

// (n) -> { nodes, weights } of Gauss–Legendre on [0, 1]
Napi::Value gaussLegendreSync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    const Quadrature q = gaussLegendreUnit(int(argInteger(info, 0, "n", 1, 512)));
    Napi::Object r = Napi::Object::New(info.Env());
    r.Set("nodes", toArray(info.Env(), q.nodes));
    r.Set("weights", toArray(info.Env(), q.weights));
    return r;
  });
}

}  // namespace

DW2_REGISTER([](Napi::Env env, Napi::Object exports) {
  exports.Set("gaussianAnalysisSync", Napi::Function::New(env, gaussianAnalysisSync, "gaussianAnalysisSync"));
  exports.Set("gaussianAnalysis", Napi::Function::New(env, gaussianAnalysisAsync, "gaussianAnalysis"));
  exports.Set("gaussianStepsToAccuracySync", Napi::Function::New(env, gaussianStepsToAccuracySync, "gaussianStepsToAccuracySync"));
  exports.Set("gaussianStepsToAccuracy", Napi::Function::New(env, gaussianStepsToAccuracyAsync, "gaussianStepsToAccuracy"));
  exports.Set("gaussianRecursionSync", Napi::Function::New(env, gaussianRecursionSync, "gaussianRecursionSync"));
  exports.Set("gaussianFlowSync", Napi::Function::New(env, gaussianFlowSync, "gaussianFlowSync"));
  exports.Set("randomizedMomentsSync", Napi::Function::New(env, randomizedMomentsSync, "randomizedMomentsSync"));
  exports.Set("sampleGaussianMomentsSync", Napi::Function::New(env, sampleGaussianMomentsSync, "sampleGaussianMomentsSync"));
  exports.Set("gaussLegendreSync", Napi::Function::New(env, gaussLegendreSync, "gaussLegendreSync"));
});

}  // namespace dw2
