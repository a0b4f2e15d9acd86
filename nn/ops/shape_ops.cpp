#include "nn/ops/shape_ops.h"

#include <vector>

#include "base/check.h"
#include "kernels/elementwise.h"
#include "nn/autograd.h"

namespace ldd {

Tensor reshape(const Tensor& x, std::initializer_list<std::int64_t> shape) {
  std::vector<std::int64_t> dims(shape);
  std::int64_t known = 1;
  int inferred = -1;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == -1) {
      LDD_CHECK(inferred < 0, "reshape: only one extent may be -1, got " << dims.size() << " extents with several");
      inferred = static_cast<int>(i);
    } else {
      known *= dims[i];
    }
  }
  if (inferred >= 0) {
    LDD_CHECK(known > 0 && x.numel() % known == 0,
              "reshape: cannot infer the -1 extent: " << x.numel() << " elements of " << x.shape()
                                                      << " are not a multiple of " << known);
    dims[static_cast<std::size_t>(inferred)] = x.numel() / known;
  }
  return reshape(x, Shape(dims));
}

Tensor reshape(const Tensor& x, const Shape& shape) {
  LDD_CHECK(shape.numel() == x.numel(), "reshape: cannot view " << x.shape() << " (" << x.numel() << " elements) as "
                                                                << shape << " (" << shape.numel() << " elements)");
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = x.impl()->storage;
  impl->shape = shape;
  return attach(Tensor(std::move(impl)), "reshape", {x}, [](const Tensor& g, Node& node) {
    kernels::axpy(g.device(), g.numel(), 1.0f, g.data(), node.grad_for(0).data());
  });
}

Tensor flatten(const Tensor& x, int start_axis) {
  const int start = start_axis < 0 ? start_axis + x.rank() : start_axis;
  LDD_CHECK(start >= 0 && start < x.rank(), "flatten: start axis " << start_axis << " is out of range for " << x.shape());
  std::vector<std::int64_t> dims(x.shape().dims().begin(), x.shape().dims().begin() + start);
  std::int64_t rest = 1;
  for (int i = start; i < x.rank(); ++i) rest *= x.size(i);
  dims.push_back(rest);
  return reshape(x, Shape(dims));
}

}  // namespace ldd
