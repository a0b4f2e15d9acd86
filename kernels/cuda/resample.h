// CUDA twins of kernels/resample.h: one thread per output element (forward) or per gradient element read.
#pragma once
#include "kernels/resample.h"

namespace ldd::kernels::cuda {

void upsample_nearest_forward(std::int64_t planes, std::int64_t h, std::int64_t w, int factor, const float* x, float* y);
void upsample_nearest_backward(std::int64_t planes, std::int64_t h, std::int64_t w, int factor, const float* dy, float* dx);
void copy_channels(std::int64_t outer, std::int64_t channels, std::int64_t inner, const float* x, std::int64_t total_channels,
                   std::int64_t offset, float* y);
void copy_channels_backward(std::int64_t outer, std::int64_t channels, std::int64_t inner, const float* dy,
                            std::int64_t total_channels, std::int64_t offset, float* dx);

}  // namespace ldd::kernels::cuda
