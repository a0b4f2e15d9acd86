// CPU twin of kernels/conv2d.h: im2col + GEMM, OpenMP over the batch.
#pragma once
#include "kernels/conv2d.h"

namespace ldd::kernels::cpu {

void conv2d_forward(const Conv2dGeometry& g, const float* x, const float* weight, const float* bias, float* y);
void conv2d_backward_data(const Conv2dGeometry& g, const float* dy, const float* weight, float* dx);
void conv2d_backward_weight(const Conv2dGeometry& g, const float* x, const float* dy, float* dweight,
                            float* dbias);

// Unfolds one image (C, H, W) into columns (C*KH*KW, OH*OW); padding reads as zero.
void im2col(const Conv2dGeometry& g, const float* image, float* columns);
// Folds columns back, accumulating (+=) into image: the adjoint of im2col.
void col2im(const Conv2dGeometry& g, const float* columns, float* image);

}  // namespace ldd::kernels::cpu
