// Matrix products.
#pragma once
#include "nn/tensor.h"

namespace ldd {

// (M, K) x (K, N) -> (M, N)
Tensor matmul(const Tensor& a, const Tensor& b);
// x (N, in), weight (out, in), bias (out) or undefined -> x weight^T + bias, (N, out): PyTorch's layout.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());

}  // namespace ldd
