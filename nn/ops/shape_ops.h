// Ops that change only the shape. Tensors are always contiguous, so the result shares storage with x.
#pragma once
#include "nn/tensor.h"

namespace ldd {

// Same elements in the same order; `shape` may hold one -1, inferred from the element count.
Tensor reshape(const Tensor& x, std::initializer_list<std::int64_t> shape);
Tensor reshape(const Tensor& x, const Shape& shape);
// Collapses axes start_axis.. into one: (N, C, H, W) -> (N, C*H*W) by default.
Tensor flatten(const Tensor& x, int start_axis = 1);

}  // namespace ldd
