#include "nn/ops/elementwise.h"

#include <algorithm>

#include "base/check.h"
#include "kernels/dispatch.h"
#include "kernels/elementwise.h"
#include "nn/autograd.h"

namespace ldd {
namespace {

using kernels::BinaryOp;
using kernels::Extents;

// Strides that read `operand` at every position of `out`: 0 along dimensions it is broadcast over.
Extents broadcast_strides(const Shape& operand, const Shape& out) {
  Extents strides = operand.strides();
  const Extents e = operand.extents(), o = out.extents();
  for (int d = 0; d < kernels::kMaxDims; ++d)
    if (e[d] == 1 && o[d] != 1) strides[d] = 0;
  return strides;
}

// grad (shaped like out) summed to operand's shape, times alpha, accumulated into operand's gradient.
void accumulate_reduced(const Tensor& grad, const Shape& operand, float alpha, Tensor& into) {
  if (grad.shape() == operand) {
    kernels::axpy(grad.device(), grad.numel(), alpha, grad.data(), into.data());
    return;
  }
  kernels::sum_to(grad.device(), grad.shape().extents(), grad.data(), broadcast_strides(operand, grad.shape()),
                  alpha, into.data());
}

Tensor binary_forward(BinaryOp op, const Tensor& a, const Tensor& b, const Shape& out_shape) {
  Tensor out = Tensor::empty(out_shape, a.device());
  kernels::binary(a.device(), op, out_shape.extents(), a.data(), broadcast_strides(a.shape(), out_shape), b.data(),
                  broadcast_strides(b.shape(), out_shape), out.data());
  return out;
}

Tensor add_or_sub(const char* name, BinaryOp op, const Tensor& a, const Tensor& b) {
  check_same_device(name, a, b);
  const Shape out_shape = broadcast_shape(name, a.shape(), b.shape());
  const float b_sign = op == BinaryOp::Add ? 1.0f : -1.0f;
  return attach(binary_forward(op, a, b, out_shape), name, {a, b}, [b_sign](const Tensor& g, Node& node) {
    if (node.needs_grad(0)) accumulate_reduced(g, node.inputs[0].shape(), 1.0f, node.grad_for(0));
    if (node.needs_grad(1)) accumulate_reduced(g, node.inputs[1].shape(), b_sign, node.grad_for(1));
  });
}

}  // namespace

Shape broadcast_shape(const char* op, const Shape& a, const Shape& b) {
  const int rank = std::max(a.rank(), b.rank());
  std::array<std::int64_t, Shape::kMaxRank> dims{};
  for (int i = 0; i < rank; ++i) {  // i counts from the right
    const std::int64_t x = i < a.rank() ? a[a.rank() - 1 - i] : 1;
    const std::int64_t y = i < b.rank() ? b[b.rank() - 1 - i] : 1;
    LDD_CHECK(x == y || x == 1 || y == 1,
              op << ": shapes " << a << " and " << b << " do not broadcast (axis " << -1 - i << ": " << x << " vs "
                 << y << ")");
    dims[static_cast<std::size_t>(rank - 1 - i)] = std::max(x, y);
  }
  return Shape(std::span<const std::int64_t>(dims.data(), static_cast<std::size_t>(rank)));
}

Tensor add(const Tensor& a, const Tensor& b) { return add_or_sub("add", BinaryOp::Add, a, b); }
Tensor sub(const Tensor& a, const Tensor& b) { return add_or_sub("sub", BinaryOp::Sub, a, b); }

Tensor mul(const Tensor& a, const Tensor& b) {
  check_same_device("mul", a, b);
  const Shape out_shape = broadcast_shape("mul", a.shape(), b.shape());
  return attach(binary_forward(BinaryOp::Mul, a, b, out_shape), "mul", {a, b}, [](const Tensor& g, Node& node) {
    for (std::size_t i = 0; i < 2; ++i) {
      if (!node.needs_grad(i)) continue;
      const Tensor partial = binary_forward(BinaryOp::Mul, g, node.inputs[1 - i], g.shape());
      accumulate_reduced(partial, node.inputs[i].shape(), 1.0f, node.grad_for(i));
    }
  });
}

Tensor relu(const Tensor& x) {
  Tensor y = Tensor::empty(x.shape(), x.device());
  kernels::relu_forward(x.device(), x.numel(), x.data(), y.data());
  return attach(y, "relu", {x}, [](const Tensor& g, Node& node) {
    const Tensor& in = node.inputs[0];
    kernels::relu_backward(in.device(), in.numel(), in.data(), g.data(), node.grad_for(0).data());
  });
}

}  // namespace ldd
