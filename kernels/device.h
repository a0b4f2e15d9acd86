// Where tensor storage lives, and the only place that moves bytes between devices.
#pragma once
#include <cstddef>
#include <string>

namespace ldd {

enum class Device { CPU, CUDA };

const char* to_string(Device device);

}  // namespace ldd

namespace ldd::kernels {

// True when the CUDA backend is built and a GPU answers. Without a driver cudaGetDeviceCount returns an
// error rather than zero devices; any such error means "no device".
bool cuda_available();
// Why cuda_available() is false, in words; empty when it is true.
std::string cuda_unavailable_reason();

// Raw storage. allocate() throws ldd::Error when the device is missing or out of memory; release() never
// throws (it is called from destructors) and takes the size given to allocate(). Host blocks are 64-byte
// aligned and large ones are cached for reuse (kernels/cpu/host_cache.h).
void* allocate(Device device, std::size_t bytes);
void release(Device device, void* pointer, std::size_t bytes) noexcept;
void copy(Device dst_device, void* dst, Device src_device, const void* src, std::size_t bytes);
// Blocks until all work queued on the device has finished (a no-op on the CPU).
void synchronize(Device device);

// GPU memory held by tensors and scratch buffers (in_use), its high-water mark, and freed blocks the
// caching allocator keeps for reuse (cached). Bytes, rounded as allocated. All zero on the CPU.
struct DeviceMemoryStats {
  std::size_t in_use = 0, peak = 0, cached = 0;
};
DeviceMemoryStats memory_stats(Device device);
void reset_peak_memory(Device device);
// Returns the cached blocks to the driver (the allocator does this by itself before reporting out of memory).
void release_cached_memory(Device device);

// Whether cuDNN convolutions and cuBLAS GEMMs may use TF32 tensor cores (10-bit mantissa products, as
// PyTorch allows for convolutions by default). Off by default: results then match the CPU to FP32
// rounding. Takes effect for shapes first seen after the change.
void set_allow_tf32(bool allowed);
bool allow_tf32();

// Wall time of the work queued on `device` between start() and stop_ms(): CUDA events on the GPU (no
// host synchronisation inside the timed region), a steady clock on the CPU.
class DeviceTimer {
 public:
  explicit DeviceTimer(Device device);
  ~DeviceTimer();
  DeviceTimer(const DeviceTimer&) = delete;
  DeviceTimer& operator=(const DeviceTimer&) = delete;
  void start();
  double stop_ms();

 private:
  Device device_;
  void* events_[2] = {nullptr, nullptr};
  double host_start_ = 0.0;
};

}  // namespace ldd::kernels
