// Oriented crop + resize of a (D, H, W) volume into (boxes, S, R, C) (kernels/crop_resize.h for the box
// convention); differentiable with respect to the volume.
#pragma once
#include <vector>

#include "kernels/crop_resize.h"
#include "nn/tensor.h"

namespace ldd {

using OrientedBox = kernels::OrientedBox;

Tensor crop_resize(const Tensor& volume, const std::vector<OrientedBox>& boxes, std::int64_t slices, std::int64_t rows,
                   std::int64_t cols);

}  // namespace ldd
