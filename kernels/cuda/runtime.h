// Host-side entry points of the CUDA backend's runtime (compiled into ldd_kernels_cuda). Only
// kernels/device.cpp calls these; everything else goes through kernels/device.h.
#pragma once
#include <cstddef>
#include <string>

#include "kernels/device.h"

namespace ldd::kernels::cuda {

// Number of usable devices; 0 with the reason filled in when the runtime reports any error.
int device_count(std::string& reason);

// The caching allocator (kernels/cuda/allocator.cpp).
void* allocate(std::size_t bytes);
void release(void* pointer) noexcept;
DeviceMemoryStats memory_stats();
void reset_peak_memory();
void release_cached_memory();

enum class CopyKind { HostToDevice, DeviceToHost, DeviceToDevice };
void copy(void* dst, const void* src, std::size_t bytes, CopyKind kind);
void synchronize();

// CUDA events recorded on the backend's stream, for timing.
void* event_create();
void event_destroy(void* event) noexcept;
void event_record(void* event);
float event_elapsed_ms(void* start, void* stop);  // waits for `stop`

void set_allow_tf32(bool allowed);
bool allow_tf32();

}  // namespace ldd::kernels::cuda
