// CPU twin of kernels/pool2d.h. OpenMP over (batch, channel) planes.
#pragma once
#include "kernels/pool2d.h"

namespace ldd::kernels::cpu {

void max_pool2d_forward(const Pool2dGeometry& g, const float* x, float* y);
void max_pool2d_backward(const Pool2dGeometry& g, const float* x, const float* dy, float* dx);

}  // namespace ldd::kernels::cpu
