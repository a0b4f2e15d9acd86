// Elementwise kernels. Operands are described with 5 extents aligned to the right (leading extents 1) and
// element strides; a stride of 0 repeats that operand along the dimension (broadcasting).
// Forward kernels overwrite their output; backward kernels accumulate (+=) into the gradient they are given.
#pragma once
#include <array>
#include <cstdint>

#include "kernels/device.h"

namespace ldd::kernels {

inline constexpr int kMaxDims = 5;
using Extents = std::array<std::int64_t, kMaxDims>;

enum class BinaryOp { Add, Sub, Mul };

// out = a (op) b over out_extents. out may alias an operand whose strides are out's own (in-place update).
void binary(Device device, BinaryOp op, const Extents& out_extents, const float* a, const Extents& a_stride,
            const float* b, const Extents& b_stride, float* out);

void fill(Device device, std::int64_t n, float value, float* dst);
// y += alpha * x
void axpy(Device device, std::int64_t n, float alpha, const float* x, float* y);

// out += alpha * (in summed over every dimension where out_stride is 0). out_stride is out's contiguous
// stride on the kept dimensions. Sums are accumulated in double, so the result does not depend on threads.
void sum_to(Device device, const Extents& in_extents, const float* in, const Extents& out_stride, float alpha,
            float* out);

void relu_forward(Device device, std::int64_t n, const float* x, float* y);
// dx += dy where x > 0
void relu_backward(Device device, std::int64_t n, const float* x, const float* dy, float* dx);

// y[o, c, i] += bias[c] for a (outer, channels, inner) view: a conv bias is (N, C, H*W), a linear bias (N, C, 1).
void channel_bias_forward(Device device, std::int64_t outer, std::int64_t channels, std::int64_t inner,
                          const float* bias, float* y);
// dbias[c] += sum over o, i of dy[o, c, i]
void channel_bias_backward(Device device, std::int64_t outer, std::int64_t channels, std::int64_t inner,
                           const float* dy, float* dbias);

}  // namespace ldd::kernels
