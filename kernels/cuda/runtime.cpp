// The CUDA context of the process: its stream, copies, events and the TF32 switch. Process-wide state is
// allowed here (and in the allocator and library handles) because it is the device context.
#include <atomic>

#include "kernels/cuda/check.cuh"
#include "kernels/cuda/runtime.h"
#include "kernels/cuda/stream.h"

namespace ldd::kernels::cuda {
namespace {

std::atomic<bool> tf32_allowed{false};

}  // namespace

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

cudaStream_t stream() {
  // Never destroyed: tensors freed during static destruction may still queue work on it.
  static const cudaStream_t s = [] {
    cudaStream_t created = nullptr;
    CUDA_CHECK(cudaStreamCreate(&created));
    return created;
  }();
  return s;
}

void copy(void* dst, const void* src, std::size_t bytes, CopyKind kind) {
  const cudaMemcpyKind k = kind == CopyKind::HostToDevice   ? cudaMemcpyHostToDevice
                           : kind == CopyKind::DeviceToHost ? cudaMemcpyDeviceToHost
                                                            : cudaMemcpyDeviceToDevice;
  CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, k, stream()));
  // Host memory here is pageable: the caller may free or read it as soon as we return.
  if (kind != CopyKind::DeviceToDevice) CUDA_CHECK(cudaStreamSynchronize(stream()));
}

void synchronize() { CUDA_CHECK(cudaStreamSynchronize(stream())); }

void* event_create() {
  cudaEvent_t event = nullptr;
  CUDA_CHECK(cudaEventCreate(&event));
  return event;
}

void event_destroy(void* event) noexcept { cudaEventDestroy(static_cast<cudaEvent_t>(event)); }

void event_record(void* event) { CUDA_CHECK(cudaEventRecord(static_cast<cudaEvent_t>(event), stream())); }

float event_elapsed_ms(void* start, void* stop) {
  CUDA_CHECK(cudaEventSynchronize(static_cast<cudaEvent_t>(stop)));
  float ms = 0.0f;
  CUDA_CHECK(cudaEventElapsedTime(&ms, static_cast<cudaEvent_t>(start), static_cast<cudaEvent_t>(stop)));
  return ms;
}

void set_allow_tf32(bool allowed) { tf32_allowed = allowed; }
bool allow_tf32() { return tf32_allowed; }

}  // namespace ldd::kernels::cuda
