// CPU twin of kernels/crop_resize.h. Forward: OpenMP over (box, output slice). Backward: serial, so the
// scatter into overlapping boxes is deterministic (it is not a training hot path).
#pragma once
#include "kernels/crop_resize.h"

namespace ldd::kernels::cpu {

void crop_resize_forward(const CropGeometry& g, const float* volume, const OrientedBox* boxes, float* out);
void crop_resize_backward(const CropGeometry& g, const float* dout, const OrientedBox* boxes, float* dvolume);

}  // namespace ldd::kernels::cpu
