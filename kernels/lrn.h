// Local response normalisation across channels, with Caffe's and cuDNN's conventions:
//   scale_c = k + (alpha / size) * sum_{c' in window(c)} x_c'^2,   y_c = x_c * scale_c^-beta,
//   window(c) = [c - floor((size-1)/2), c + ceil((size-1)/2)] clipped to the channels.
// (VGG-M's "alpha 1e-4 per element", as in MatConvNet, is alpha = 1e-4 * size here.)
#pragma once
#include <cstdint>

#include "kernels/device.h"

namespace ldd::kernels {

struct LrnParams {
  std::int64_t size = 5;
  float alpha = 1e-4f, beta = 0.75f, k = 2.0f;
};

// x, y, scale are (outer, channels, inner); forward writes y and the scale that backward needs.
void lrn_forward(Device device, const LrnParams& p, std::int64_t outer, std::int64_t channels,
                 std::int64_t inner, const float* x, float* y, float* scale);
// dx += d(y)/d(x)^T dy
void lrn_backward(Device device, const LrnParams& p, std::int64_t outer, std::int64_t channels,
                  std::int64_t inner, const float* x, const float* y, const float* scale, const float* dy,
                  float* dx);

}  // namespace ldd::kernels
