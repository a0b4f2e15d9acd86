#include "kernels/cuda/dropout.h"
#include "kernels/cuda/launch.cuh"

namespace ldd::kernels::cuda {
namespace {

__global__ void forward_kernel(long long n, float p, unsigned long long seed, const float* x, float* y) {
  const float keep_scale = 1.0f / (1.0f - p);
  LDD_GRID_STRIDE_LOOP(i, n) y[i] = dropout_uniform(seed, static_cast<std::uint64_t>(i)) >= p ? x[i] * keep_scale : 0.0f;
}

__global__ void backward_kernel(long long n, float p, unsigned long long seed, const float* dy, float* dx) {
  const float keep_scale = 1.0f / (1.0f - p);
  LDD_GRID_STRIDE_LOOP(i, n) if (dropout_uniform(seed, static_cast<std::uint64_t>(i)) >= p) dx[i] += dy[i] * keep_scale;
}

}  // namespace

void dropout_forward(std::int64_t n, float p, std::uint64_t seed, const float* x, float* y) {
  forward_kernel<<<grid_for(n), kBlockSize, 0, stream()>>>(n, p, seed, x, y);
  CUDA_CHECK_LAUNCH();
}

void dropout_backward(std::int64_t n, float p, std::uint64_t seed, const float* dy, float* dx) {
  backward_kernel<<<grid_for(n), kBlockSize, 0, stream()>>>(n, p, seed, dy, dx);
  CUDA_CHECK_LAUNCH();
}

}  // namespace ldd::kernels::cuda
