// 2-D convolution (cross-correlation, as in every deep-learning library), NCHW, weights (OC, C, KH, KW).
// Forward overwrites y; both backward kernels accumulate (+=) into dx, dweight and dbias.
#pragma once
#include <cstdint>

#include "kernels/device.h"

namespace ldd::kernels {

struct Conv2dGeometry {
  std::int64_t batch = 1, in_channels = 1, in_h = 1, in_w = 1;
  std::int64_t out_channels = 1, kernel_h = 1, kernel_w = 1;
  std::int64_t stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0;

  std::int64_t out_h() const { return (in_h + 2 * pad_h - kernel_h) / stride_h + 1; }
  std::int64_t out_w() const { return (in_w + 2 * pad_w - kernel_w) / stride_w + 1; }
  // Multiply-adds x 2 of one forward pass; backward data and backward weight cost the same each.
  double forward_flops() const {
    return 2.0 * batch * out_channels * out_h() * out_w() * in_channels * kernel_h * kernel_w;
  }
};

// Throws ldd::Error when a size is not positive or the kernel does not fit the padded input.
void validate(const Conv2dGeometry& g);

// bias may be null.
void conv2d_forward(Device device, const Conv2dGeometry& g, const float* x, const float* weight,
                    const float* bias, float* y);
void conv2d_backward_data(Device device, const Conv2dGeometry& g, const float* dy, const float* weight,
                          float* dx);
// dbias may be null.
void conv2d_backward_weight(Device device, const Conv2dGeometry& g, const float* x, const float* dy,
                            float* dweight, float* dbias);

}  // namespace ldd::kernels
