#include "kernels/cpu/resample.h"

#include <algorithm>

namespace ldd::kernels::cpu {

void upsample_nearest_forward(std::int64_t planes, std::int64_t h, std::int64_t w, int f, const float* x, float* y) {
  const std::int64_t oh = h * f, ow = w * f;
#pragma omp parallel for schedule(static)
  for (std::int64_t p = 0; p < planes; ++p)
    for (std::int64_t r = 0; r < oh; ++r)
      for (std::int64_t c = 0; c < ow; ++c) y[(p * oh + r) * ow + c] = x[(p * h + r / f) * w + c / f];
}

void upsample_nearest_backward(std::int64_t planes, std::int64_t h, std::int64_t w, int f, const float* dy, float* dx) {
  const std::int64_t oh = h * f, ow = w * f;
#pragma omp parallel for schedule(static)
  for (std::int64_t p = 0; p < planes; ++p)
    for (std::int64_t r = 0; r < oh; ++r)
      for (std::int64_t c = 0; c < ow; ++c) dx[(p * h + r / f) * w + c / f] += dy[(p * oh + r) * ow + c];
}

void copy_channels(std::int64_t outer, std::int64_t channels, std::int64_t inner, const float* x, std::int64_t total,
                   std::int64_t offset, float* y) {
#pragma omp parallel for schedule(static)
  for (std::int64_t o = 0; o < outer; ++o)
    std::copy_n(x + o * channels * inner, channels * inner, y + (o * total + offset) * inner);
}

void copy_channels_backward(std::int64_t outer, std::int64_t channels, std::int64_t inner, const float* dy, std::int64_t total,
                            std::int64_t offset, float* dx) {
#pragma omp parallel for schedule(static)
  for (std::int64_t o = 0; o < outer; ++o) {
    const float* src = dy + (o * total + offset) * inner;
    float* dst = dx + o * channels * inner;
    for (std::int64_t i = 0; i < channels * inner; ++i) dst[i] += src[i];
  }
}

}  // namespace ldd::kernels::cpu
