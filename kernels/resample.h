// Nearest-neighbour 2-D upsampling by an integer factor and channel concatenation, the two ops an
// encoder-decoder needs beyond convolution and pooling. NCHW; forward overwrites, backward accumulates.
#pragma once
#include <cstdint>

#include "kernels/device.h"

namespace ldd::kernels {

// y (N, C, H*f, W*f)[n, c, h, w] = x[n, c, h / f, w / f]
void upsample_nearest_forward(Device device, std::int64_t planes, std::int64_t h, std::int64_t w, int factor, const float* x,
                              float* y);
// dx[n, c, i, j] += sum of the f x f block of dy it was copied to
void upsample_nearest_backward(Device device, std::int64_t planes, std::int64_t h, std::int64_t w, int factor, const float* dy,
                               float* dx);

// Copies a (outer, channels_a, inner) block into y (outer, channels_total, inner) at channel offset,
// and back (accumulating) for the gradient.
void copy_channels(Device device, std::int64_t outer, std::int64_t channels, std::int64_t inner, const float* x,
                   std::int64_t total_channels, std::int64_t offset, float* y);
void copy_channels_backward(Device device, std::int64_t outer, std::int64_t channels, std::int64_t inner, const float* dy,
                            std::int64_t total_channels, std::int64_t offset, float* dx);

}  // namespace ldd::kernels
