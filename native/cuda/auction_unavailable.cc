// Without the CUDA build the GPU auction only says why it cannot run.
#ifndef DW2_WITH_CUDA
#include "cuda/auction.h"
#include "cuda/device.h"

namespace dw2::cuda {

void auctionAssign(const double*, const double*, size_t, size_t, double, const GpuAuctionOptions&, std::vector<int64_t>&,
                   std::vector<double>&, GpuAuctionStats&, Progress&) {
  requireDevice();
}

}  // namespace dw2::cuda
#endif
