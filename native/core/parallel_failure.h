// An exception cannot leave an OpenMP parallel region: one thrown inside calls std::terminate and
// takes the whole process down (the native layer must never crash). Region bodies that can throw
// (allocation, the Brownian walker's or a target's checks) run through guard(), which keeps the
// first exception and skips the remaining iterations' work; after the region, rethrow() raises it
// on the calling thread, where the binding turns it into a typed error.
#pragma once
#include <atomic>
#include <exception>
#include <mutex>

namespace dw2 {

class ParallelFailure {
 public:
  template <class F>
  void guard(F&& body) noexcept {
    if (failed_.load(std::memory_order_relaxed)) return;
    try {
      body();
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!first_) first_ = std::current_exception();
      failed_.store(true, std::memory_order_relaxed);
    }
  }
  // Call after the region (on the thread that started it).
  void rethrow() const {
    if (first_) std::rethrow_exception(first_);
  }

 private:
  std::atomic<bool> failed_{false};
  std::mutex mutex_;
  std::exception_ptr first_;
};

}  // namespace dw2
