// An exception thrown inside an OpenMP region must reach the caller as an exception, not call
// std::terminate: ParallelFailure directly, through the sampler's prior draw (drawPrior) with a prior
// that throws on some rows, and through the batched target evaluation and marginal draws
// (evaluateTargetBatch, sampleTargetMarginal) with a target that does. Prints one line per check;
// exit 0 when all pass.
#include <omp.h>
#include <cstdio>
#include <stdexcept>
#include <vector>
#include "core/parallel_failure.h"
#include "process/process.h"
#include "sampler/priors.h"
#include "targets/target_batch.h"

namespace {

class ThrowingPrior : public dw2::Prior {
 public:
  void draw(uint64_t, uint64_t particle, double* x, double*) const override {
    if (particle % 97 == 41) throw std::runtime_error("row " + std::to_string(particle) + " refused");
    x[0] = static_cast<double>(particle);
  }
};

// A one-dimensional target whose score and draws refuse some rows.
class ThrowingTarget : public dw2::Target {
 public:
  size_t dim() const override { return 1; }
  bool scoreDefinedAtZero() const override { return true; }
  size_t scratchSize() const override { return 1; }
  void score(const dw2::Process&, double, const double* x, double* s, double*) const override {
    if (x[0] == 41.0) throw std::runtime_error("score refused");
    s[0] = -x[0];
  }
  void scoreJacobian(const dw2::Process& p, double t, const double* x, double* s, double* j, double* w) const override {
    score(p, t, x, s, w);
    j[0] = -1.0;
  }
  void hessianVectorProduct(const dw2::Process& p, double t, const double* x, const double*, double* out,
                            double* w) const override {
    score(p, t, x, out, w);
    out[0] = 0.0;
  }
  void scoreLaplacian(const dw2::Process& p, double t, const double* x, double* out, double* w) const override {
    score(p, t, x, out, w);
    out[0] = 0.0;
  }
  void scoreTimeDerivative(const dw2::Process& p, double t, const double* x, double* out, double* w) const override {
    score(p, t, x, out, w);
    out[0] = 0.0;
  }
  void sampleMarginal(const dw2::Process&, double, uint64_t, uint64_t particle, double* x, double*) const override {
    if (particle == 777) throw std::runtime_error("draw refused");
    x[0] = 0.0;
  }
  void moments(double* mean, double* covariance) const override { mean[0] = 0.0, covariance[0] = 1.0; }
};

template <class F>
bool throwsWith(F&& f, const char* text) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return std::string(e.what()).find(text) != std::string::npos;
  }
  return false;
}

bool check(bool ok, const char* what) {
  std::printf("%s: %s\n", ok ? "ok" : "FAIL", what);
  return ok;
}

}  // namespace

int main() {
  bool all = true;
  {
    dw2::ParallelFailure failure;
    int ran = 0;
#pragma omp parallel for num_threads(2) reduction(+ : ran)
    for (int i = 0; i < 1000; ++i) failure.guard([&] {
        ++ran;
        if (i == 500 || i == 10) throw std::runtime_error("iteration " + std::to_string(i));
      });
    bool caught = false;
    try {
      failure.rethrow();
    } catch (const std::runtime_error& e) {
      caught = std::string(e.what()).rfind("iteration ", 0) == 0;
    }
    all &= check(caught, "the first exception of a region is rethrown after it");
    all &= check(ran < 1000, "iterations after a failure skip their work");
  }
  {
    dw2::ParallelFailure failure;
#pragma omp parallel for num_threads(2)
    for (int i = 0; i < 100; ++i) failure.guard([] {});
    bool threw = false;
    try {
      failure.rethrow();
    } catch (...) {
      threw = true;
    }
    all &= check(!threw, "a region without failures rethrows nothing");
  }
  {
    ThrowingPrior prior;
    std::vector<double> x(5000);
    bool caught = false;
    try {
      dw2::drawPrior(prior, 1, 0, x.size(), 1, x.data());
    } catch (const std::runtime_error& e) {
      caught = std::string(e.what()).find("refused") != std::string::npos;
    }
    all &= check(caught, "drawPrior: a prior that throws inside the parallel draw surfaces as an exception");
  }
  {
    ThrowingTarget target;
    const dw2::Process p = dw2::makeProcess("vp", 0.1, 20.0, 1.0, 1.0);
    std::vector<double> x(5000), out(5000);
    for (size_t i = 0; i < x.size(); ++i) x[i] = double(i);
    all &= check(throwsWith([&] { dw2::evaluateTargetBatch(target, p, 0.5, dw2::TargetQuantity::Score, x.size(), x.data(), nullptr, out.data()); }, "score refused"),
                 "evaluateTargetBatch (batched scores): a throwing target surfaces as an exception");
    all &= check(throwsWith([&] { dw2::evaluateTargetBatch(target, p, 0.5, dw2::TargetQuantity::Laplacian, x.size(), x.data(), nullptr, out.data()); }, "score refused"),
                 "evaluateTargetBatch (per-row quantities): a throwing target surfaces as an exception");
    all &= check(throwsWith([&] { dw2::sampleTargetMarginal(target, p, 0.5, 1, 0, x.size(), out.data()); }, "draw refused"),
                 "sampleTargetMarginal: a throwing draw surfaces as an exception");
  }
  return all ? 0 : 1;
}
