// An exception thrown inside an OpenMP region must reach the caller as an exception, not call
// std::terminate: ParallelFailure directly, and through the sampler's prior draw (drawPrior) with a
// prior that throws on some rows. Prints one line per check; exit 0 when all pass.
#include <omp.h>
#include <cstdio>
#include <stdexcept>
#include <vector>
#include "core/parallel_failure.h"
#include "sampler/priors.h"

namespace {

class ThrowingPrior : public dw2::Prior {
 public:
  void draw(uint64_t, uint64_t particle, double* x, double*) const override {
    if (particle % 97 == 41) throw std::runtime_error("row " + std::to_string(particle) + " refused");
    x[0] = static_cast<double>(particle);
  }
};

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
  return all ? 0 : 1;
}
