#include "kernels/cuda/launch.cuh"
#include "kernels/cuda/lrn.h"

namespace ldd::kernels::cuda {
namespace {

// scale^-beta, with the CPU twin's two-square-root form for VGG-M's beta = 0.75.
__device__ float inverse_power(float scale, float beta) {
  return beta == 0.75f ? 1.0f / sqrtf(scale * sqrtf(scale)) : powf(scale, -beta);
}

// window(c) = [c - before, c + after]; the CPU twin's split of size - 1.
__device__ long long before_of(long long size) { return (size - 1) / 2; }

__global__ void forward_kernel(LrnParams p, long long channels, long long inner, long long n, const float* x, float* y,
                               float* scale) {
  const long long before = before_of(p.size), after = p.size - 1 - before;
  const float alpha_over_size = p.alpha / static_cast<float>(p.size);
  LDD_GRID_STRIDE_LOOP(e, n) {
    const long long i = e % inner, c = (e / inner) % channels, base = e - (c * inner + i);
    const long long lo = c - before > 0 ? c - before : 0, hi = c + after < channels - 1 ? c + after : channels - 1;
    float sum = 0.0f;
    for (long long j = lo; j <= hi; ++j) {
      const float v = x[base + j * inner + i];
      sum += v * v;
    }
    const float s = p.k + alpha_over_size * sum;
    scale[e] = s;
    y[e] = x[e] * inverse_power(s, p.beta);
  }
}

// Channel c lies in window(j) for j in [c - after, c + before]: the transposed window.
__global__ void backward_kernel(LrnParams p, long long channels, long long inner, long long n, const float* x,
                                const float* y, const float* scale, const float* dy, float* dx) {
  const long long before = before_of(p.size), after = p.size - 1 - before;
  const float coefficient = 2.0f * p.alpha * p.beta / static_cast<float>(p.size);
  LDD_GRID_STRIDE_LOOP(e, n) {
    const long long i = e % inner, c = (e / inner) % channels, base = e - (c * inner + i);
    const long long lo = c - after > 0 ? c - after : 0, hi = c + before < channels - 1 ? c + before : channels - 1;
    float sum = 0.0f;
    for (long long j = lo; j <= hi; ++j) {
      const long long k = base + j * inner + i;
      sum += dy[k] * y[k] / scale[k];
    }
    dx[e] += dy[e] * inverse_power(scale[e], p.beta) - coefficient * x[e] * sum;
  }
}

}  // namespace

void lrn_forward(const LrnParams& p, std::int64_t outer, std::int64_t channels, std::int64_t inner, const float* x, float* y,
                 float* scale) {
  const long long n = outer * channels * inner;
  forward_kernel<<<grid_for(n), kBlockSize, 0, stream()>>>(p, channels, inner, n, x, y, scale);
  CUDA_CHECK_LAUNCH();
}

void lrn_backward(const LrnParams& p, std::int64_t outer, std::int64_t channels, std::int64_t inner, const float* x,
                  const float* y, const float* scale, const float* dy, float* dx) {
  const long long n = outer * channels * inner;
  backward_kernel<<<grid_for(n), kBlockSize, 0, stream()>>>(p, channels, inner, n, x, y, scale, dy, dx);
  CUDA_CHECK_LAUNCH();
}

}  // namespace ldd::kernels::cuda
