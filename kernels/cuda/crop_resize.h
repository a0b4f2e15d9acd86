// CUDA twin of kernels/crop_resize.h: one thread per output sample; backward scatters with atomicAdd
// (so, unlike the CPU twin, its summation order is not fixed).
#pragma once
#include "kernels/crop_resize.h"

namespace ldd::kernels::cuda {

// boxes: host memory (copied to the device per call).
void crop_resize_forward(const CropGeometry& g, const float* volume, const OrientedBox* boxes, float* out);
void crop_resize_backward(const CropGeometry& g, const float* dout, const OrientedBox* boxes, float* dvolume);

}  // namespace ldd::kernels::cuda
