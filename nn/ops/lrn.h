// Local response normalisation across channels (axis 1) of an (N, C, ...) tensor; parameters and
// conventions as in kernels/lrn.h (Caffe / cuDNN: alpha is divided by size).
#pragma once
#include "kernels/lrn.h"
#include "nn/tensor.h"

namespace ldd {

using LrnOptions = kernels::LrnParams;

Tensor local_response_norm(const Tensor& x, const LrnOptions& options);

}  // namespace ldd
