#include "kernels/cpu/host_cache.h"

#include <cstdlib>
#include <map>
#include <mutex>

#include "base/check.h"

namespace ldd::kernels::cpu {
namespace {

constexpr std::size_t kAlignment = 64;
constexpr std::size_t kPage = 4096;
// Small blocks are left to malloc, which already recycles them well.
constexpr std::size_t kSmallestCached = 64 * 1024;
// Past this the cache frees instead of keeping: bounds what shape changes can leave behind.
constexpr std::size_t kMaxCachedBytes = std::size_t{4} << 30;

std::size_t rounded(std::size_t bytes) {
  const std::size_t unit = bytes >= kSmallestCached ? kPage : kAlignment;
  return bytes == 0 ? kAlignment : (bytes + unit - 1) / unit * unit;
}

// The allocator's state is part of the device context, the one kind of global state the framework keeps.
struct Cache {
  std::mutex mutex;
  std::multimap<std::size_t, void*> free_blocks;  // rounded size -> block
  std::size_t cached_bytes = 0;
};

Cache& cache() {
  static Cache* instance = new Cache;  // never destroyed: tensors may be freed during static destruction
  return *instance;
}

}  // namespace

void* host_allocate(std::size_t bytes) {
  const std::size_t size = rounded(bytes);
  if (size >= kSmallestCached) {
    Cache& c = cache();
    std::lock_guard lock(c.mutex);
    if (auto it = c.free_blocks.find(size); it != c.free_blocks.end()) {
      void* p = it->second;
      c.free_blocks.erase(it);
      c.cached_bytes -= size;
      return p;
    }
  }
  void* p = std::aligned_alloc(kAlignment, size);
  LDD_CHECK(p != nullptr, "out of host memory allocating " << bytes << " bytes");
  return p;
}

void host_release(void* pointer, std::size_t bytes) noexcept {
  if (pointer == nullptr) return;
  const std::size_t size = rounded(bytes);
  if (size >= kSmallestCached) {
    Cache& c = cache();
    std::lock_guard lock(c.mutex);
    if (c.cached_bytes + size <= kMaxCachedBytes) {
      c.free_blocks.emplace(size, pointer);
      c.cached_bytes += size;
      return;
    }
  }
  std::free(pointer);
}

void host_empty_cache() noexcept {
  Cache& c = cache();
  std::lock_guard lock(c.mutex);
  for (auto& [size, p] : c.free_blocks) std::free(p);
  c.free_blocks.clear();
  c.cached_bytes = 0;
}

std::size_t host_cached_bytes() noexcept {
  Cache& c = cache();
  std::lock_guard lock(c.mutex);
  return c.cached_bytes;
}

}  // namespace ldd::kernels::cpu
