// What a long-running kernel sees of its caller: a cancellation flag and a
// progress sink. Kernels call checkpoint() between chunks of work.
#pragma once
#include <atomic>
#include "core/errors.h"

namespace dw2 {

class Progress {
 public:
  virtual ~Progress() = default;
  virtual bool cancelled() const { return false; }
  // fraction in [0, 1]; implementations throttle and may drop reports.
  virtual void report(double fraction) {}

  // Reports progress and aborts the kernel (by exception) if cancellation was requested.
  void checkpoint(double fraction) {
    if (cancelled()) fail(ErrorCode::Aborted, "the operation was aborted");
    report(fraction);
  }
};

// For synchronous calls: never cancelled, reports nothing.
inline Progress& noProgress() {
  static Progress p;
  return p;
}

}  // namespace dw2
