// Elementwise ops with NumPy broadcasting (extents aligned from the right; an extent of 1 repeats),
// e.g. a (N, C, H, W) activation times a (C, 1, 1) per-channel scale. Gradients of a broadcast operand
// are summed back to its shape.
#pragma once
#include "nn/tensor.h"

namespace ldd {

Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor relu(const Tensor& x);

inline Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }

// The shape a and b broadcast to; throws ldd::Error naming `op` and both shapes when they do not.
Shape broadcast_shape(const char* op, const Shape& a, const Shape& b);

}  // namespace ldd
