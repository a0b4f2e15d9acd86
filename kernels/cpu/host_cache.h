// Host memory for tensors, with freed blocks kept for reuse. Training allocates the same activation and
// gradient sizes every step; glibc serves blocks above 32 MiB with fresh mmap()s, so without reuse every
// step pays page faults and the kernel's zeroing of every large buffer again (measured: ReLU on conv1's
// output spent most of its time there).
#pragma once
#include <cstddef>

namespace ldd::kernels::cpu {

// 64-byte aligned (a cache line, an AVX-512 vector). Throws ldd::Error when out of memory.
void* host_allocate(std::size_t bytes);
void host_release(void* pointer, std::size_t bytes) noexcept;
// Returns every cached block to the system.
void host_empty_cache() noexcept;
// Bytes held in the cache right now.
std::size_t host_cached_bytes() noexcept;

}  // namespace ldd::kernels::cpu

namespace ldd::kernels::cpu {

// A scratch array of floats from the host cache, for kernels' temporary buffers.
class HostBuffer {
 public:
  explicit HostBuffer(std::size_t count)
      : data_(static_cast<float*>(host_allocate(count * sizeof(float)))), count_(count) {}
  ~HostBuffer() { host_release(data_, count_ * sizeof(float)); }
  HostBuffer(const HostBuffer&) = delete;
  HostBuffer& operator=(const HostBuffer&) = delete;
  float* data() { return data_; }
  std::size_t size() const { return count_; }

 private:
  float* data_;
  std::size_t count_;
};

}  // namespace ldd::kernels::cpu
