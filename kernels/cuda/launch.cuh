// Launch conventions shared by our kernels: a named block size, grids from ceil_div capped for
// grid-stride loops, and the loop itself.
#pragma once
#include "kernels/cuda/check.cuh"
#include "kernels/cuda/stream.h"

namespace ldd::kernels::cuda {

inline constexpr int kBlockSize = 256;
inline constexpr int kMaxGrid = 65535 * 8;  // grid-stride loops cover the rest

// Blocks for n elements, one per kBlockSize, at least one (a grid of 0 blocks is a launch error).
inline int grid_for(long long n) {
  const int blocks = ceil_div(n, kBlockSize);
  return blocks < 1 ? 1 : (blocks > kMaxGrid ? kMaxGrid : blocks);
}

// Blocks for kernels with one thread per element and a bounds check (no grid-stride loop): uncapped, at
// least one so an empty input is a no-op rather than a launch error.
inline int blocks_for(long long n) {
  const int blocks = ceil_div(n, kBlockSize);
  return blocks < 1 ? 1 : blocks;
}

}  // namespace ldd::kernels::cuda

#define LDD_GRID_STRIDE_LOOP(i, n)                                                              \
  for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < (n); \
       i += static_cast<long long>(gridDim.x) * blockDim.x)
