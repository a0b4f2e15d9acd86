// Encoder-decoder ops: nearest-neighbour upsampling of (N, C, H, W) by an integer factor, and
// concatenation of two (N, C_i, H, W) tensors along channels (a U-Net's skip connection).
#pragma once
#include "nn/tensor.h"

namespace ldd {

Tensor upsample_nearest(const Tensor& x, int factor);
Tensor concat_channels(const Tensor& a, const Tensor& b);

}  // namespace ldd
