// The CPU-only build's answer to every CUDA request: a typed UNSUPPORTED error.
#ifndef DW2_WITH_CUDA
#include "core/errors.h"
#include "cuda/device.h"

namespace dw2::cuda {

static const char* kReason = "diffusion-w2 was built without CUDA (rebuild with DW2_CUDA=1 and nvcc on PATH)";

Status status() { return Status{false, false, kReason, {}}; }
void requireDevice() { fail(ErrorCode::Unsupported, kReason); }
void fillNormals(NoiseKey, uint64_t, size_t, size_t, double*) { requireDevice(); }
void fillNormals(NoiseKey, uint64_t, size_t, size_t, float*) { requireDevice(); }

}  // namespace dw2::cuda
#endif
