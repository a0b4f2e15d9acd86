// Deterministic sums in double: each block reduces its threads' values with a fixed tree and writes one
// partial; the host adds the partials in block order. The grid depends only on n, so the same input
// gives the same bits every run.
#pragma once
#include <vector>

#include "kernels/cuda/buffer.h"
#include "kernels/cuda/launch.cuh"

namespace ldd::kernels::cuda {

inline constexpr int kMaxReduceBlocks = 1024;

inline int reduce_grid(long long n) {
  const int blocks = grid_for(n);
  return blocks < kMaxReduceBlocks ? blocks : kMaxReduceBlocks;
}

// Call from every thread of a kBlockSize block.
__device__ inline void block_sum_to(double value, double* partials) {
  __shared__ double shared[kBlockSize];
  shared[threadIdx.x] = value;
  __syncthreads();
  for (int stride = kBlockSize / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride) shared[threadIdx.x] += shared[threadIdx.x + stride];
    __syncthreads();
  }
  if (threadIdx.x == 0) partials[blockIdx.x] = shared[0];
}

inline double sum_partials(const DeviceBuffer<double>& partials) {
  double sum = 0.0;
  for (const double p : partials.to_host()) sum += p;
  return sum;
}

}  // namespace ldd::kernels::cuda
