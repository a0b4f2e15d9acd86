// CUDA twin of kernels/pool2d.h. Forward: one thread per output; backward: one thread per input cell, gathering
// the windows whose maximum it is in the CPU's order (deterministic, no atomics).
#pragma once
#include "kernels/pool2d.h"

namespace ldd::kernels::cuda {

void max_pool2d_forward(const Pool2dGeometry& g, const float* x, float* y);
void max_pool2d_backward(const Pool2dGeometry& g, const float* x, const float* dy, float* dx);

}  // namespace ldd::kernels::cuda
