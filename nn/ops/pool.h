// Max pooling over (N, C, H, W) with stride, padding (at most half the kernel) and ceil mode, as
// torch.nn.functional.max_pool2d. The gradient goes to each window's first maximum.
#pragma once
#include "nn/tensor.h"

namespace ldd {

struct MaxPool2dOptions {
  std::int64_t kernel_h = 2, kernel_w = 2;
  std::int64_t stride_h = 2, stride_w = 2;
  std::int64_t pad_h = 0, pad_w = 0;
  bool ceil_mode = false;
};

Tensor max_pool2d(const Tensor& x, const MaxPool2dOptions& options);

}  // namespace ldd
