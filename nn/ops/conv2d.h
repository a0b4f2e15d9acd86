// 2-D convolution: x (N, C, H, W), weight (OC, C, KH, KW), bias (OC) or undefined -> (N, OC, OH, OW),
// OH = (H + 2 pad_h - KH) / stride_h + 1, likewise OW.
#pragma once
#include "nn/tensor.h"

namespace ldd {

struct Conv2dOptions {
  std::int64_t stride_h = 1, stride_w = 1;
  std::int64_t pad_h = 0, pad_w = 0;
};

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor(), const Conv2dOptions& options = {});

}  // namespace ldd
