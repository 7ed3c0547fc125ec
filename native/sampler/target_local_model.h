// LocalModel of a native analytic target: per particle, in parallel, exact derivatives.
#pragma once
#include "process/process.h"
#include "runtime/lane_buffer.h"
#include "sampler/local_model.h"
#include "targets/target.h"

namespace dw2 {

class TargetLocalModel : public LocalModel {
 public:
  TargetLocalModel(const Target& target, const Process& p, size_t d, int threads);
  void derivatives(double t, size_t first, size_t count, const double* x, double* s, double* dsdt, double* laplacian) override;
  void jacobians(double t, size_t first, size_t count, const double* x, double* jacobian) override;
  void derivativesAndJacobians(double t, size_t first, size_t count, const double* x, double* s, double* dsdt, double* laplacian,
                               double* jacobian) override;
  void hvps(double t, size_t first, size_t count, const double* x, const double* v, double* out) override;
  size_t hessianCacheSize() const override { return target_.hessianCacheSize(); }
  size_t hessianSummaryRank() const override { return target_.hessianSummaryRank(); }
  void derivativesLanes(double t, const double* x, size_t rows, double* s, double* dsdt, double* laplacian, double* laneSummary,
                        int thread) override {
    target_.localDerivativesLanes(p_, t, x, rows, s, dsdt, laplacian, laneSummary, scratch(thread));
  }
  void derivativesAndCache(double t, size_t first, size_t count, const double* x, double* s, double* dsdt, double* laplacian,
                           double* cache) override;
  void cachedHvp(const double* cache, const double* v, double* out) const override { target_.cachedHessianProduct(cache, v, out); }

 private:
  // Target::localDerivatives per row (jacobian may be null).
  void local(double t, size_t count, const double* x, double* s, double* dsdt, double* laplacian, double* jacobian);
  double* scratch(int thread) { return scratch_.data() + static_cast<size_t>(thread) * stride_; }
  // body(i, w) for rows i < count in parallel, w the thread's scratch; an exception thrown by the
  // target is carried out of the region and rethrown here (a throw would otherwise end the process).
  template <class Body>
  void forEachRow(size_t count, Body body);
  const Target& target_;
  Process p_;
  size_t d_;
  int threads_;
  size_t stride_;
  LaneBuffer scratch_;  // threads_ × stride_ doubles, each thread's from a cache line
};

}  // namespace dw2
