// Sums and means, over every element (a rank-0 result) or over chosen axes.
#pragma once
#include <initializer_list>

#include "nn/tensor.h"

namespace ldd {

Tensor sum(const Tensor& x);
Tensor mean(const Tensor& x);
// Reduces the listed axes (negative axes count from the end); keepdim leaves them as extent 1.
Tensor sum(const Tensor& x, std::initializer_list<int> axes, bool keepdim = false);
Tensor mean(const Tensor& x, std::initializer_list<int> axes, bool keepdim = false);

}  // namespace ldd
