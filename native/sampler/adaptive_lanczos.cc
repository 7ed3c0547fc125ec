#include "sampler/adaptive_lanczos.h"
#include <algorithm>

namespace dw2 {

AdaptiveLanczos::AdaptiveLanczos(size_t d, int maxDim)
    : d_(d), maxDim_(std::max(1, maxDim)),
      basis_(static_cast<size_t>(maxDim_) * d), alpha_(maxDim_), beta_(maxDim_), diag_(maxDim_), off_(maxDim_),
      y_(maxDim_), theta_(maxDim_), w_(maxDim_), work_(d) {
  rotations_.reserve(static_cast<size_t>(4 * maxDim_ * maxDim_ + 16));
  // Built in place: Eigen allocates on first use (assigning a fresh solver reads its uninitialised status).
  eigenDiag_.resize(maxDim_);
  eigenSub_.resize(maxDim_ - 1);
}

}  // namespace dw2
