// CUDA twin of kernels/conv2d.h: cuDNN convolutions (forward, backward-data, backward-filter), the
// algorithm of each pass chosen once per shape by cuDNN's search (cudnnFind*, falling back to its
// heuristics) and cached; backward passes prefer deterministic algorithms. Workspace comes from the
// caching allocator; the bias and its gradient are our channel-bias kernels.
#pragma once
#include "kernels/conv2d.h"

namespace ldd::kernels::cuda {

void conv2d_forward(const Conv2dGeometry& g, const float* x, const float* weight, const float* bias, float* y);
void conv2d_backward_data(const Conv2dGeometry& g, const float* dy, const float* weight, float* dx);
void conv2d_backward_weight(const Conv2dGeometry& g, const float* x, const float* dy, float* dweight, float* dbias);

}  // namespace ldd::kernels::cuda
