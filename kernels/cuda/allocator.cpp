// The caching allocator: freed device blocks are kept by size and handed out again, because training
// asks for the same activation, gradient and workspace sizes every step and cudaMalloc/cudaFree cost
// tens of microseconds each and synchronise the device. Blocks are rounded (512 B below 1 MiB, 2 MiB
// above) so that nearby sizes share blocks; a cached block is reused for a request up to 1/4 smaller.
// When cudaMalloc fails, the cache is returned to the driver and the allocation tried once more.
#include <algorithm>
#include <map>
#include <mutex>
#include <unordered_map>

#include "kernels/cuda/check.cuh"
#include "kernels/cuda/runtime.h"

namespace ldd::kernels::cuda {
namespace {

constexpr std::size_t kMiB = std::size_t{1} << 20;

std::size_t rounded(std::size_t bytes) {
  const std::size_t unit = bytes < kMiB ? 512 : 2 * kMiB;
  return std::max<std::size_t>(unit, (bytes + unit - 1) / unit * unit);
}

class CachingAllocator {
 public:
  void* allocate(std::size_t bytes) {
    const std::size_t want = rounded(bytes);
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t size = want;
    void* block = take_cached(size);
    if (block == nullptr) block = fresh(size);
    live_[block] = size;
    stats_.in_use += size;
    stats_.peak = std::max(stats_.peak, stats_.in_use);
    return block;
  }

  void release(void* block) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = live_.find(block);
    if (it == live_.end()) return;  // not ours: never hand it out again
    free_.emplace(it->second, block);
    stats_.in_use -= it->second;
    stats_.cached += it->second;
    live_.erase(it);
  }

  DeviceMemoryStats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
  }

  void reset_peak() {
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.peak = stats_.in_use;
  }

  void empty_cache() {
    std::lock_guard<std::mutex> lock(mutex_);
    empty_cache_locked();
  }

 private:
  // A cached block of at least `size` bytes and at most 5/4 of it; `size` becomes the block's size.
  void* take_cached(std::size_t& size) {
    const auto it = free_.lower_bound(size);
    if (it == free_.end() || it->first > size + size / 4) return nullptr;
    size = it->first;
    void* block = it->second;
    free_.erase(it);
    stats_.cached -= size;
    return block;
  }

  void* fresh(std::size_t size) {
    void* block = nullptr;
    cudaError_t status = cudaMalloc(&block, size);
    if (status == cudaErrorMemoryAllocation && !free_.empty()) {
      cudaGetLastError();
      empty_cache_locked();
      status = cudaMalloc(&block, size);
    }
    if (status == cudaErrorMemoryAllocation) {
      cudaGetLastError();
      LDD_FAIL("CUDA out of memory: asked for " << size / kMiB << " MiB with " << stats_.in_use / kMiB
                                                << " MiB held by tensors (peak " << stats_.peak / kMiB
                                                << " MiB); use a smaller batch_size or crop size");
    }
    CUDA_CHECK(status);
    return block;
  }

  void empty_cache_locked() {
    for (const auto& [size, block] : free_) cudaFree(block);
    free_.clear();
    stats_.cached = 0;
  }

  std::mutex mutex_;
  std::multimap<std::size_t, void*> free_;
  std::unordered_map<void*, std::size_t> live_;
  DeviceMemoryStats stats_;
};

// Never destroyed: tensors released during static destruction still find it.
CachingAllocator& allocator() {
  static auto* instance = new CachingAllocator;
  return *instance;
}

}  // namespace

void* allocate(std::size_t bytes) { return allocator().allocate(bytes); }
void release(void* pointer) noexcept { allocator().release(pointer); }
DeviceMemoryStats memory_stats() { return allocator().stats(); }
void reset_peak_memory() { allocator().reset_peak(); }
void release_cached_memory() { allocator().empty_cache(); }

}  // namespace ldd::kernels::cuda
