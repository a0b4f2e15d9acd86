// A device array from the caching allocator, for kernels' scratch space and small host arrays (boxes,
// targets, weights) that a kernel reads. Released when it goes out of scope: the block may go to the
// next op at once because all work is ordered on one stream (kernels/cuda/stream.h).
#pragma once
#include <cstddef>
#include <vector>

#include "kernels/cuda/runtime.h"

namespace ldd::kernels::cuda {

template <typename T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(std::size_t count) : data_(static_cast<T*>(allocate(count * sizeof(T)))), count_(count) {}
  // Uploads `count` values from host memory.
  DeviceBuffer(const T* host, std::size_t count) : DeviceBuffer(count) {
    copy(data_, host, count * sizeof(T), CopyKind::HostToDevice);
  }
  ~DeviceBuffer() { release(data_); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return count_; }
  std::vector<T> to_host() const {
    std::vector<T> host(count_);
    copy(host.data(), data_, count_ * sizeof(T), CopyKind::DeviceToHost);
    return host;
  }

 private:
  T* data_;
  std::size_t count_;
};

}  // namespace ldd::kernels::cuda
