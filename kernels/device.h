// Where tensor storage lives, and the only place that moves bytes between devices.
#pragma once
#include <cstddef>
#include <string>

namespace ldd {

enum class Device { CPU, CUDA };

const char* to_string(Device device);

}  // namespace ldd

namespace ldd::kernels {

// True when this build contains the CUDA backend (nvcc was found at configure time).
bool cuda_built();
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

}  // namespace ldd::kernels
