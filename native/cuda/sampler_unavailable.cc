// Without the CUDA build the device sampler only says why it cannot run (the host driver,
// cuda/sampler_run.cc, calls requireDevice() before it gets here).
#ifndef DW2_WITH_CUDA
#include "cuda/device.h"
#include "cuda/sampler_kernels.h"

namespace dw2::cuda {

struct DeviceSampler::Impl {};

DeviceSampler::DeviceSampler(const DevTargetHost&, ProcessParams, size_t, size_t, bool, uint64_t, uint64_t) { requireDevice(); }
DeviceSampler::~DeviceSampler() = default;
void DeviceSampler::upload(const void*) { requireDevice(); }
void DeviceSampler::download(void*) { requireDevice(); }
void DeviceSampler::step(const DevStep&, const double*, size_t) { requireDevice(); }

}  // namespace dw2::cuda
#endif
