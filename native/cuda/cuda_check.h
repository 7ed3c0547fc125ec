// CUDA runtime errors become typed dw2 errors; device buffers are RAII-owned.
#pragma once
#include <cuda_runtime.h>
#include <string>
#include "core/errors.h"

namespace dw2::cuda {

inline void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) fail(ErrorCode::Unsupported, std::string("CUDA error in ") + what + ": " + cudaGetErrorString(e));
}

template <class T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t count) : count_(count) {
    if (count > 0) {
      cudaError_t e = cudaMalloc(&ptr_, count * sizeof(T));
      if (e == cudaErrorMemoryAllocation)
        fail(ErrorCode::TooLarge, "GPU out of memory allocating " + std::to_string(count * sizeof(T)) + " bytes");
      check(e, "cudaMalloc");
    }
  }
  ~DeviceBuffer() { if (ptr_) cudaFree(ptr_); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  T* get() const { return ptr_; }
  size_t size() const { return count_; }

 private:
  T* ptr_ = nullptr;
  size_t count_;
};

}  // namespace dw2::cuda
