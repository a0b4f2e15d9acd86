// The host allocator reuses released large blocks, keeps small ones out of its cache, and empties on request.
#include <doctest/doctest.h>

#include <cstdint>

#include "kernels/cpu/host_cache.h"

using namespace ldd::kernels::cpu;

TEST_CASE("released large host blocks are reused / small ones are not cached") {
  host_empty_cache();
  const std::size_t big = 3 * 1024 * 1024 + 5;
  void* a = host_allocate(big);
  CHECK(reinterpret_cast<std::uintptr_t>(a) % 64 == 0);
  host_release(a, big);
  CHECK(host_cached_bytes() >= big);
  void* b = host_allocate(big);
  CHECK(b == a);  // the same block comes back for the same size
  CHECK(host_cached_bytes() == 0);
  void* small = host_allocate(100);
  CHECK(reinterpret_cast<std::uintptr_t>(small) % 64 == 0);
  host_release(small, 100);
  CHECK(host_cached_bytes() == 0);
  host_release(b, big);
  host_empty_cache();
  CHECK(host_cached_bytes() == 0);
}
