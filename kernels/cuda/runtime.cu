#include "kernels/cuda/check.cuh"
#include "kernels/cuda/runtime.h"

namespace ldd::kernels::cuda {

int device_count(std::string& reason) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    reason = std::string("the CUDA runtime reports ") + cudaGetErrorName(status) + ": " + cudaGetErrorString(status);
    cudaGetLastError();  // clear the sticky error so later calls are not blamed for it
    return 0;
  }
  if (count == 0) reason = "the CUDA runtime sees no GPU";
  return count;
}

void* allocate(std::size_t bytes) {
  void* pointer = nullptr;
  CUDA_CHECK(cudaMalloc(&pointer, bytes == 0 ? 1 : bytes));
  return pointer;
}

void release(void* pointer) noexcept { cudaFree(pointer); }

void copy(void* dst, const void* src, std::size_t bytes, CopyKind kind) {
  const cudaMemcpyKind k = kind == CopyKind::HostToDevice   ? cudaMemcpyHostToDevice
                           : kind == CopyKind::DeviceToHost ? cudaMemcpyDeviceToHost
                                                            : cudaMemcpyDeviceToDevice;
  CUDA_CHECK(cudaMemcpy(dst, src, bytes, k));
}

void synchronize() { CUDA_CHECK(cudaDeviceSynchronize()); }

}  // namespace ldd::kernels::cuda
