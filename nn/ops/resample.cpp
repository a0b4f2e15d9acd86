#include "nn/ops/resample.h"

#include "base/check.h"
#include "kernels/resample.h"
#include "nn/autograd.h"

namespace ldd {

Tensor upsample_nearest(const Tensor& x, int factor) {
  LDD_CHECK(x.rank() == 4, "upsample_nearest: input must be (N, C, H, W), got " << x.shape());
  LDD_CHECK(factor >= 1, "upsample_nearest: factor must be >= 1, got " << factor);
  const std::int64_t planes = x.size(0) * x.size(1), h = x.size(2), w = x.size(3);
  Tensor y = Tensor::empty({x.size(0), x.size(1), h * factor, w * factor}, x.device());
  kernels::upsample_nearest_forward(x.device(), planes, h, w, factor, x.data(), y.data());
  return attach(y, "upsample_nearest", {x}, [planes, h, w, factor](const Tensor& dy, Node& node) {
    kernels::upsample_nearest_backward(dy.device(), planes, h, w, factor, dy.data(), node.grad_for(0).data());
  });
}

Tensor concat_channels(const Tensor& a, const Tensor& b) {
  check_same_device("concat_channels", a, b);
  LDD_CHECK(a.rank() == 4 && b.rank() == 4 && a.size(0) == b.size(0) && a.size(2) == b.size(2) && a.size(3) == b.size(3),
            "concat_channels: needs (N, C, H, W) tensors that differ only in C, got " << a.shape() << " and " << b.shape());
  const std::int64_t n = a.size(0), ca = a.size(1), cb = b.size(1), inner = a.size(2) * a.size(3);
  Tensor y = Tensor::empty({n, ca + cb, a.size(2), a.size(3)}, a.device());
  kernels::copy_channels(a.device(), n, ca, inner, a.data(), ca + cb, 0, y.data());
  kernels::copy_channels(a.device(), n, cb, inner, b.data(), ca + cb, ca, y.data());
  return attach(y, "concat_channels", {a, b}, [n, ca, cb, inner](const Tensor& dy, Node& node) {
    if (node.needs_grad(0)) kernels::copy_channels_backward(dy.device(), n, ca, inner, dy.data(), ca + cb, 0, node.grad_for(0).data());
    if (node.needs_grad(1)) kernels::copy_channels_backward(dy.device(), n, cb, inner, dy.data(), ca + cb, ca, node.grad_for(1).data());
  });
}

}  // namespace ldd
