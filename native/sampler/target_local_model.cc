#include "sampler/target_local_model.h"
#include <omp.h>
#include <algorithm>
#include "core/parallel_failure.h"

namespace dw2 {

TargetLocalModel::TargetLocalModel(const Target& target, const Process& p, size_t d, int threads)
    : target_(target), p_(p), d_(d), threads_(threads), stride_(wholeLanes(std::max(target.scratchSize() + d + 8, target.laneScratchSize()))),
      scratch_(static_cast<size_t>(threads) * stride_) {}

template <class Body>
void TargetLocalModel::forEachRow(size_t count, Body body) {
  ParallelFailure failure;
#pragma omp parallel num_threads(threads_)
  {
    double* w = scratch(omp_get_thread_num());
#pragma omp for schedule(static)
    for (long long i = 0; i < static_cast<long long>(count); ++i) failure.guard([&] { body(static_cast<size_t>(i), w); });
  }
  failure.rethrow();
}

void TargetLocalModel::local(double t, size_t count, const double* x, double* s, double* dsdt, double* laplacian, double* jacobian) {
  const size_t d = d_;
  forEachRow(count, [&](size_t i, double* w) {
    const size_t o = i * d;
    target_.localDerivatives(p_, t, x + o, s + o, dsdt + o, laplacian + o, jacobian ? jacobian + o * d : nullptr, w);
  });
}

void TargetLocalModel::derivatives(double t, size_t, size_t count, const double* x, double* s, double* dsdt, double* laplacian) {
  local(t, count, x, s, dsdt, laplacian, nullptr);
  nfe += 1;
}

void TargetLocalModel::derivativesAndJacobians(double t, size_t, size_t count, const double* x, double* s, double* dsdt,
                                               double* laplacian, double* jacobian) {
  local(t, count, x, s, dsdt, laplacian, jacobian);
  nfe += 1;
  jacobianCount += 1;
}

void TargetLocalModel::derivativesAndCache(double t, size_t, size_t count, const double* x, double* s, double* dsdt,
                                           double* laplacian, double* cache) {
  const size_t d = d_, c = target_.hessianCacheSize();
  forEachRow(count, [&](size_t i, double* w) {
    const size_t o = i * d;
    target_.localDerivativesCached(p_, t, x + o, s + o, dsdt + o, laplacian + o, cache + i * c, w);
  });
  nfe += 1;
}

void TargetLocalModel::jacobians(double t, size_t, size_t count, const double* x, double* jacobian) {
  const size_t d = d_;
  forEachRow(count, [&](size_t i, double* w) {
    target_.scoreJacobian(p_, t, x + i * d, w + target_.scratchSize(), jacobian + i * d * d, w);
  });
  jacobianCount += 1;
}

void TargetLocalModel::hvps(double t, size_t, size_t count, const double* x, const double* v, double* out) {
  const size_t d = d_;
  forEachRow(count, [&](size_t i, double* w) {
    const size_t o = i * d;
    target_.hessianVectorProduct(p_, t, x + o, v + o, out + o, w);
  });
  hvpCount += 1;
}

}  // namespace dw2
