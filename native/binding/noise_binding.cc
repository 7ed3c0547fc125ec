// Bindings for the reproducible noise generator (sync and async forms).
#include <cmath>
#include "binding/async_job.h"
#include "binding/convert.h"
#include "binding/process_arg.h"
#include "binding/registry.h"
#include "cuda/device.h"
#include "random/brownian_path.h"
#include "random/noise.h"
#include "random/philox_normal.h"
#include "random/tree_pieces.h"
#include "sampler/path_noise.h"

namespace dw2 {

namespace {

struct NoiseArgs {
  NoiseKey key;
  uint64_t first;
  size_t n, d;
  FloatBuffer out;
};

// (seed, step, stage, firstParticle, n, d, out)
NoiseArgs parseNoiseArgs(const Napi::CallbackInfo& info) {
  NoiseArgs a;
  a.key.seed = argSeed(info, 0, "seed");
  a.key.step = static_cast<uint32_t>(argInteger(info, 1, "step", 0, 0xffffffffLL));
  a.key.stage = static_cast<uint32_t>(argInteger(info, 2, "stage", 0, 0xffffffffLL));
  a.first = static_cast<uint64_t>(argInteger(info, 3, "firstParticle", 0, 0xffffffffLL));
  a.n = static_cast<size_t>(argInteger(info, 4, "n", 0, 0xffffffffLL));
  a.d = static_cast<size_t>(argInteger(info, 5, "d", 0, int64_t(1) << 40));
  if (a.n > 0 && a.first + a.n - 1 > 0xffffffffULL)
    fail(ErrorCode::InvalidArgument, "particle indices must stay below 2^32");
  a.out = argFloatArray(info, 6, "out");
  requireLength(a.out.length, a.n, a.d, "out");
  return a;
}

void runNoise(const NoiseArgs& a, Progress& p) {
  if (a.out.isFloat32) fillNormals(a.key, a.first, a.n, a.d, a.out.f32(), p);
  else fillNormals(a.key, a.first, a.n, a.d, a.out.f64(), p);
}

void runNoiseCuda(const NoiseArgs& a) {
  if (a.out.isFloat32) cuda::fillNormals(a.key, a.first, a.n, a.d, a.out.f32());
  else cuda::fillNormals(a.key, a.first, a.n, a.d, a.out.f64());
}

Napi::Value normalsCudaSync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    runNoiseCuda(parseNoiseArgs(info));
    return info.Env().Undefined();
  });
}

Napi::Value normalsSync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    runNoise(parseNoiseArgs(info), noProgress());
    return info.Env().Undefined();
  });
}

// (seed, step, stage, firstParticle, n, d, out, onProgress?, cancelToken?) -> Promise<void>
Napi::Value normalsAsync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    return startKernelJob<NoiseArgs, Written>(
        info, 7, parseNoiseArgs(info), [](const NoiseArgs& a, Progress& p) {
          runNoise(a, p);
          return Written{};
        },
        [](Napi::Env env, const NoiseArgs&, const Written&) { return undefinedResult(env); }, {info[6]});
  });
}

// Raw Philox4x32-10 block for known-answer tests: (c0, c1, c2, c3, k0, k1) -> [r0, r1, r2, r3].
Napi::Value philoxBlock(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    uint32_t w[6];
    const char* names[6] = {"c0", "c1", "c2", "c3", "k0", "k1"};
    for (int i = 0; i < 6; ++i) w[i] = static_cast<uint32_t>(argInteger(info, i, names[i], 0, 0xffffffffLL));
    r123::Philox4x32 rng;
    r123::Philox4x32::ctr_type ctr = {{w[0], w[1], w[2], w[3]}};
    r123::Philox4x32::key_type key = {{w[4], w[5]}};
    auto r = rng(ctr, key);
    Napi::Array out = Napi::Array::New(info.Env(), 4);
    for (uint32_t i = 0; i < 4; ++i) out.Set(i, Napi::Number::New(info.Env(), r.v[i]));
    return out;
  });
}

// (seed, span, firstParticle, n, d, a, b, wOut, hOut): the Brownian path's increment and
// space-time Lévy area over [a, b] for n particles × d coordinates (Float64Arrays).
Napi::Value brownianIncrementsSync(const Napi::CallbackInfo& info) {
  return guarded(info, [](const Napi::CallbackInfo& info) -> Napi::Value {
    BrownianPath path{argSeed(info, 0, "seed"), argFiniteNumber(info, 1, "span")};
    const uint64_t first = static_cast<uint64_t>(argInteger(info, 2, "firstParticle", 0, 0xffffffffLL));
    const size_t n = static_cast<size_t>(argInteger(info, 3, "n", 0, 0xffffffffLL));
    const size_t d = static_cast<size_t>(argInteger(info, 4, "d", 0, 0xffffffffLL));
    const double a = argFiniteNumber(info, 5, "a"), b = argFiniteNumber(info, 6, "b");
    if (!(path.span > 0)) fail(ErrorCode::InvalidArgument, "span must be positive");
    if (!(a >= 0 && a < b && b <= path.span)) fail(ErrorCode::InvalidArgument, "need 0 <= a < b <= span");
    if (n > 0 && first + n - 1 > 0xffffffffULL) fail(ErrorCode::InvalidArgument, "particle indices must stay below 2^32");
    FloatBuffer w = argFloatArray(info, 7, "wOut"), h = argFloatArray(info, 8, "hOut");
    if (w.isFloat32 || h.isFloat32) fail(ErrorCode::InvalidArgument, "wOut and hOut must be Float64Arrays");
    requireLength(w.length, n, d, "wOut");
    requireLength(h.length, n, d, "hOut");
    // Optional 10th argument { process, kind, tEnd, rho }: the tree on that grid kind's clock.
    if (info.Length() > 9 && info[9].IsObject()) {
      Napi::Object c = info[9].As<Napi::Object>();
      const Process p = processFromObject(c.Get("process").As<Napi::Object>());
      const double tEnd = c.Get("tEnd").IsNumber() ? c.Get("tEnd").As<Napi::Number>().DoubleValue() : defaultTEnd(p);
      const double rho = c.Get("rho").IsNumber() ? c.Get("rho").As<Napi::Number>().DoubleValue() : 7.0;
      const int kind = static_cast<int>(parseGridKind(c.Get("kind").As<Napi::String>().Utf8Value()));
      makeGrid(p, static_cast<GridKind>(kind), 1, p.T, tEnd, rho);  // checks tEnd and rho
      const double steps = c.Get("steps").IsNumber() ? c.Get("steps").As<Napi::Number>().DoubleValue() : 1.0;
      if (!(std::floor(steps) == steps && steps >= 1 && steps <= double(1 << 30))) fail(ErrorCode::InvalidArgument, "tree.steps must be an integer in [1, 2^30]");
      const uint64_t odd = oddPart(static_cast<uint64_t>(steps));
      const GridClock clock = gridKindClock(p, kind, p.T, tEnd, rho, odd <= (uint64_t(1) << 12) ? odd : 1);
      if (std::fabs(path.span - (p.T - tEnd)) > 1e-12 * p.T) fail(ErrorCode::InvalidArgument, "span must be T − tEnd of the clock's process");
      path.span = p.T - tEnd;
      brownianIncrementBlock(path, clock.t, clock.u, first, n, d, a, b, w.f64(), h.f64());
      return info.Env().Undefined();
    }
    brownianIncrementBlock(path, first, n, d, a, b, w.f64(), h.f64());
    return info.Env().Undefined();
  });
}

}  // namespace

DW2_REGISTER([](Napi::Env env, Napi::Object exports) {
  exports.Set("normalsSync", Napi::Function::New(env, normalsSync, "normalsSync"));
  exports.Set("normals", Napi::Function::New(env, normalsAsync, "normals"));
  exports.Set("normalsCudaSync", Napi::Function::New(env, normalsCudaSync, "normalsCudaSync"));
  exports.Set("brownianIncrementsSync", Napi::Function::New(env, brownianIncrementsSync, "brownianIncrementsSync"));
  exports.Set("philox4x32", Napi::Function::New(env, philoxBlock, "philox4x32"));
});

}  // namespace dw2
