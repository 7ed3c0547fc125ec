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

// A sub-task's view of its parent: its progress in [0, 1] lands on [begin, end] of the parent's,
// and it honours the parent's cancellation. Nest ranges to split a task into parts; pass a range
// where a kernel takes a Progress&, so the kernel reports 0 → 1 whatever part of the whole it is.
class ProgressRange : public Progress {
 public:
  ProgressRange(Progress& parent, double begin, double end) : parent_(parent), begin_(begin), end_(end) {}
  bool cancelled() const override { return parent_.cancelled(); }
  void report(double fraction) override { parent_.report(begin_ + (end_ - begin_) * fraction); }

 private:
  Progress& parent_;
  double begin_, end_;
};

// For synchronous calls: never cancelled, reports nothing.
inline Progress& noProgress() {
  static Progress p;
  return p;
}

}  // namespace dw2
