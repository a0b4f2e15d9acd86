// CPU twins of kernels/elementwise.h (same contracts, no device argument). OpenMP over elements.
#pragma once
#include "kernels/elementwise.h"

namespace ldd::kernels::cpu {

void binary(BinaryOp op, const Extents& out_extents, const float* a, const Extents& a_stride, const float* b,
            const Extents& b_stride, float* out);
void fill(std::int64_t n, float value, float* dst);
void axpy(std::int64_t n, float alpha, const float* x, float* y);
void sum_to(const Extents& in_extents, const float* in, const Extents& out_stride, float alpha, float* out);
void relu_forward(std::int64_t n, const float* x, float* y);
void relu_backward(std::int64_t n, const float* x, const float* dy, float* dx);
void channel_bias_forward(std::int64_t outer, std::int64_t channels, std::int64_t inner, const float* bias,
                          float* y);
void channel_bias_backward(std::int64_t outer, std::int64_t channels, std::int64_t inner, const float* dy,
                           float* dbias);

}  // namespace ldd::kernels::cpu
