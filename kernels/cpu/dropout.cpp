#include "kernels/cpu/dropout.h"

namespace ldd::kernels::cpu {

void dropout_forward(std::int64_t n, float p, std::uint64_t seed, const float* x, float* y) {
  const float keep_scale = 1.0f / (1.0f - p);
#pragma omp parallel for simd
  for (std::int64_t i = 0; i < n; ++i)
    y[i] = dropout_uniform(seed, static_cast<std::uint64_t>(i)) >= p ? x[i] * keep_scale : 0.0f;
}

void dropout_backward(std::int64_t n, float p, std::uint64_t seed, const float* dy, float* dx) {
  const float keep_scale = 1.0f / (1.0f - p);
#pragma omp parallel for simd
  for (std::int64_t i = 0; i < n; ++i)
    if (dropout_uniform(seed, static_cast<std::uint64_t>(i)) >= p) dx[i] += dy[i] * keep_scale;
}

}  // namespace ldd::kernels::cpu
