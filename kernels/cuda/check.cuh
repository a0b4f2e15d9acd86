// CUDA_CHECK throws ldd::Error with the call, the CUDA error name and string, file and line.
#pragma once
#include <cuda_runtime.h>

#include "base/check.h"

#define CUDA_CHECK(call)                                                                      \
  do {                                                                                        \
    const cudaError_t ldd_cuda_status_ = (call);                                              \
    LDD_CHECK(ldd_cuda_status_ == cudaSuccess, "CUDA call " #call " failed: "                 \
                                                   << cudaGetErrorName(ldd_cuda_status_) << " (" \
                                                   << cudaGetErrorString(ldd_cuda_status_) << ")"); \
  } while (0)

// After a kernel launch: catches bad launch configurations at the launch site.
#define CUDA_CHECK_LAUNCH() CUDA_CHECK(cudaGetLastError())

namespace ldd::kernels::cuda {

inline constexpr int ceil_div(long long n, int d) { return static_cast<int>((n + d - 1) / d); }

}  // namespace ldd::kernels::cuda
