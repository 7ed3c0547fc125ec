// Maps a sub-task's progress in [0, 1] onto [begin, end] of its parent's, so a table of
// many recursions reports one monotone fraction and honours one cancellation flag.
#pragma once
#include "core/progress.h"

namespace dw2::analysis {

class ProgressRange : public Progress {
 public:
  ProgressRange(Progress& parent, double begin, double end) : parent_(parent), begin_(begin), end_(end) {}
  bool cancelled() const override { return parent_.cancelled(); }
  void report(double fraction) override { parent_.report(begin_ + (end_ - begin_) * fraction); }

 private:
  Progress& parent_;
  double begin_, end_;
};

}  // namespace dw2::analysis
