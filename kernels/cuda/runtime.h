// Host-side entry points of the CUDA backend's runtime (compiled by nvcc into ldd_cuda). Only
// kernels/device.cpp calls these; everything else goes through kernels/device.h.
#pragma once
#include <cstddef>
#include <string>

namespace ldd::kernels::cuda {

// Number of usable devices; 0 with the reason filled in when the runtime reports any error.
int device_count(std::string& reason);
void* allocate(std::size_t bytes);
void release(void* pointer) noexcept;
enum class CopyKind { HostToDevice, DeviceToHost, DeviceToDevice };
void copy(void* dst, const void* src, std::size_t bytes, CopyKind kind);
void synchronize();

}  // namespace ldd::kernels::cuda
