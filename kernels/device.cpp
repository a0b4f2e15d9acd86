#include "kernels/device.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>

#include "base/check.h"
#include "kernels/cpu/host_cache.h"
#if LDD_HAS_CUDA
#include "kernels/cuda/runtime.h"
#endif

namespace ldd {

const char* to_string(Device device) { return device == Device::CPU ? "cpu" : "cuda"; }

}  // namespace ldd

namespace ldd::kernels {
namespace {

struct CudaProbe {
  bool available = false;
  std::string reason;
};

// Probed once: asking the driver is slow, and its answer does not change while the process runs.
const CudaProbe& cuda_probe() {
  static const CudaProbe probe = [] {
    CudaProbe p;
#if LDD_HAS_CUDA
    p.available = cuda::device_count(p.reason) > 0;
#else
    p.reason = "ldd was built without the CUDA backend (no nvcc at configure time, or -DLDD_CUDA=OFF)";
#endif
    return p;
  }();
  return probe;
}

void require_cuda() {
  LDD_CHECK(cuda_available(), "a CUDA tensor was requested but no CUDA device can be used: " << cuda_unavailable_reason());
}

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

bool cuda_available() { return cuda_probe().available; }
std::string cuda_unavailable_reason() { return cuda_probe().reason; }

void* allocate(Device device, std::size_t bytes) {
  if (device == Device::CPU) return cpu::host_allocate(bytes);
  require_cuda();
#if LDD_HAS_CUDA
  return cuda::allocate(bytes);
#else
  return nullptr;
#endif
}

void release(Device device, void* pointer, std::size_t bytes) noexcept {
  if (pointer == nullptr) return;
  if (device == Device::CPU) return cpu::host_release(pointer, bytes);
#if LDD_HAS_CUDA
  cuda::release(pointer);
#endif
}

void copy(Device dst_device, void* dst, Device src_device, const void* src, std::size_t bytes) {
  if (bytes == 0) return;
  if (dst_device == Device::CPU && src_device == Device::CPU) {
    std::memcpy(dst, src, bytes);
    return;
  }
  require_cuda();
#if LDD_HAS_CUDA
  const auto kind = src_device == Device::CPU   ? cuda::CopyKind::HostToDevice
                    : dst_device == Device::CPU ? cuda::CopyKind::DeviceToHost
                                                : cuda::CopyKind::DeviceToDevice;
  cuda::copy(dst, src, bytes, kind);
#endif
}

void synchronize(Device device) {
  if (device == Device::CPU) return;
  require_cuda();
#if LDD_HAS_CUDA
  cuda::synchronize();
#endif
}

DeviceMemoryStats memory_stats(Device device) {
  if (device == Device::CPU || !cuda_available()) return {};
#if LDD_HAS_CUDA
  return cuda::memory_stats();
#else
  return {};
#endif
}

void reset_peak_memory(Device device) {
#if LDD_HAS_CUDA
  if (device == Device::CUDA && cuda_available()) cuda::reset_peak_memory();
#else
  (void)device;
#endif
}

void release_cached_memory(Device device) {
#if LDD_HAS_CUDA
  if (device == Device::CUDA && cuda_available()) cuda::release_cached_memory();
#else
  (void)device;
#endif
}

void set_allow_tf32(bool allowed) {
#if LDD_HAS_CUDA
  cuda::set_allow_tf32(allowed);
#else
  (void)allowed;
#endif
}

bool allow_tf32() {
#if LDD_HAS_CUDA
  return cuda::allow_tf32();
#else
  return false;
#endif
}

DeviceTimer::DeviceTimer(Device device) : device_(device) {
  if (device_ == Device::CPU) return;
  require_cuda();
#if LDD_HAS_CUDA
  events_[0] = cuda::event_create();
  events_[1] = cuda::event_create();
#endif
}

DeviceTimer::~DeviceTimer() {
#if LDD_HAS_CUDA
  for (void* e : events_)
    if (e) cuda::event_destroy(e);
#endif
}

void DeviceTimer::start() {
  host_start_ = now_ms();
#if LDD_HAS_CUDA
  if (device_ == Device::CUDA) cuda::event_record(events_[0]);
#endif
}

double DeviceTimer::stop_ms() {
#if LDD_HAS_CUDA
  if (device_ == Device::CUDA) {
    cuda::event_record(events_[1]);
    return cuda::event_elapsed_ms(events_[0], events_[1]);
  }
#endif
  return now_ms() - host_start_;
}

}  // namespace ldd::kernels
