#include "nn/ops/reduce.h"

#include <array>
#include <vector>

#include "base/check.h"
#include "kernels/elementwise.h"
#include "nn/autograd.h"
#include "nn/ops/shape_ops.h"

namespace ldd {
namespace {

// Sums x over the axes flagged in `reduced` into a tensor of x's rank with those extents 1, scaled by
// `scale` (1 for sum, 1/count for mean); backward spreads the gradient back over the reduced axes.
Tensor reduce(const char* name, const Tensor& x, const std::array<bool, Shape::kMaxRank>& reduced, bool mean) {
  std::vector<std::int64_t> kept_dims;
  std::int64_t count = 1;
  for (int i = 0; i < x.rank(); ++i) {
    kept_dims.push_back(reduced[static_cast<std::size_t>(i)] ? 1 : x.size(i));
    if (reduced[static_cast<std::size_t>(i)]) count *= x.size(i);
  }
  const Shape kept = Shape(kept_dims);
  const float scale = mean ? 1.0f / static_cast<float>(count) : 1.0f;
  kernels::Extents out_stride = kept.strides();
  for (int i = 0; i < x.rank(); ++i)
    if (reduced[static_cast<std::size_t>(i)]) out_stride[static_cast<std::size_t>(Shape::kMaxRank - x.rank() + i)] = 0;

  Tensor out = Tensor::zeros(kept, x.device());
  kernels::sum_to(x.device(), x.shape().extents(), x.data(), out_stride, scale, out.data());
  return attach(out, name, {x}, [scale, out_stride](const Tensor& g, Node& node) {
    Tensor& dx = node.grad_for(0);
    Tensor scaled = Tensor::zeros(g.shape(), g.device());
    kernels::axpy(g.device(), g.numel(), scale, g.data(), scaled.data());
    kernels::binary(g.device(), kernels::BinaryOp::Add, dx.shape().extents(), dx.data(), dx.shape().strides(),
                    scaled.data(), out_stride, dx.data());
  });
}

Tensor reduce_axes(const char* name, const Tensor& x, std::initializer_list<int> axes, bool keepdim, bool mean) {
  std::array<bool, Shape::kMaxRank> reduced{};
  for (int axis : axes) {
    const int a = axis < 0 ? axis + x.rank() : axis;
    LDD_CHECK(a >= 0 && a < x.rank(), name << ": axis " << axis << " is out of range for shape " << x.shape());
    LDD_CHECK(!reduced[static_cast<std::size_t>(a)], name << ": axis " << axis << " is listed twice");
    reduced[static_cast<std::size_t>(a)] = true;
  }
  Tensor out = reduce(name, x, reduced, mean);
  if (keepdim) return out;
  std::vector<std::int64_t> dims;
  for (int i = 0; i < x.rank(); ++i)
    if (!reduced[static_cast<std::size_t>(i)]) dims.push_back(x.size(i));
  return reshape(out, Shape(dims));
}

Tensor reduce_all(const char* name, const Tensor& x, bool mean) {
  std::array<bool, Shape::kMaxRank> reduced{};
  reduced.fill(true);
  return reshape(reduce(name, x, reduced, mean), Shape());
}

}  // namespace

Tensor sum(const Tensor& x) { return reduce_all("sum", x, false); }
Tensor mean(const Tensor& x) { return reduce_all("mean", x, true); }
Tensor sum(const Tensor& x, std::initializer_list<int> axes, bool keepdim) {
  return reduce_axes("sum", x, axes, keepdim, false);
}
Tensor mean(const Tensor& x, std::initializer_list<int> axes, bool keepdim) {
  return reduce_axes("mean", x, axes, keepdim, true);
}

}  // namespace ldd
