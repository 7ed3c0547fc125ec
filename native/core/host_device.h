// Marks inline functions that both the CPU build and the CUDA kernels compile, so that the two
// run the same mathematics (process coefficients, randomized step plans).
#pragma once

#if defined(__CUDACC__)
#define DW2_HOST_DEVICE __host__ __device__
#else
#define DW2_HOST_DEVICE
#endif
