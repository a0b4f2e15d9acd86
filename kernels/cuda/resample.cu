#include "kernels/cuda/launch.cuh"
#include "kernels/cuda/resample.h"

namespace ldd::kernels::cuda {
namespace {

__global__ void upsample_kernel(long long h, long long w, int f, long long n, const float* x, float* y) {
  const long long oh = h * f, ow = w * f;
  LDD_GRID_STRIDE_LOOP(i, n) {
    const long long c = i % ow, r = (i / ow) % oh, p = i / (ow * oh);
    y[i] = x[(p * h + r / f) * w + c / f];
  }
}

// One thread per input cell, adding its f x f block row by row as the CPU twin's loop order does.
__global__ void upsample_backward_kernel(long long h, long long w, int f, long long n, const float* dy, float* dx) {
  const long long oh = h * f, ow = w * f;
  LDD_GRID_STRIDE_LOOP(i, n) {
    const long long c = i % w, r = (i / w) % h, p = i / (w * h);
    float sum = dx[i];
    for (int a = 0; a < f; ++a)
      for (int b = 0; b < f; ++b) sum += dy[(p * oh + r * f + a) * ow + c * f + b];
    dx[i] = sum;
  }
}

// x is (outer, channels, inner); y is (outer, total, inner) with x's channels at `offset`.
__global__ void copy_channels_kernel(long long channels, long long inner, long long total, long long offset, long long n,
                                     const float* x, float* y) {
  const long long block = channels * inner;
  LDD_GRID_STRIDE_LOOP(i, n) y[((i / block) * total + offset) * inner + i % block] = x[i];
}

__global__ void copy_channels_backward_kernel(long long channels, long long inner, long long total, long long offset,
                                              long long n, const float* dy, float* dx) {
  const long long block = channels * inner;
  LDD_GRID_STRIDE_LOOP(i, n) dx[i] += dy[((i / block) * total + offset) * inner + i % block];
}

}  // namespace

void upsample_nearest_forward(std::int64_t planes, std::int64_t h, std::int64_t w, int factor, const float* x, float* y) {
  const long long n = planes * h * w * factor * factor;
  upsample_kernel<<<grid_for(n), kBlockSize, 0, stream()>>>(h, w, factor, n, x, y);
  CUDA_CHECK_LAUNCH();
}

void upsample_nearest_backward(std::int64_t planes, std::int64_t h, std::int64_t w, int factor, const float* dy, float* dx) {
  const long long n = planes * h * w;
  upsample_backward_kernel<<<grid_for(n), kBlockSize, 0, stream()>>>(h, w, factor, n, dy, dx);
  CUDA_CHECK_LAUNCH();
}

void copy_channels(std::int64_t outer, std::int64_t channels, std::int64_t inner, const float* x, std::int64_t total,
                   std::int64_t offset, float* y) {
  const long long n = outer * channels * inner;
  copy_channels_kernel<<<grid_for(n), kBlockSize, 0, stream()>>>(channels, inner, total, offset, n, x, y);
  CUDA_CHECK_LAUNCH();
}

void copy_channels_backward(std::int64_t outer, std::int64_t channels, std::int64_t inner, const float* dy, std::int64_t total,
                            std::int64_t offset, float* dx) {
  const long long n = outer * channels * inner;
  copy_channels_backward_kernel<<<grid_for(n), kBlockSize, 0, stream()>>>(channels, inner, total, offset, n, dy, dx);
  CUDA_CHECK_LAUNCH();
}

}  // namespace ldd::kernels::cuda
