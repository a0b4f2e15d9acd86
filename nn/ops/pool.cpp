#include "nn/ops/pool.h"

#include "base/check.h"
#include "kernels/pool2d.h"
#include "nn/autograd.h"

namespace ldd {

Tensor max_pool2d(const Tensor& x, const MaxPool2dOptions& o) {
  LDD_CHECK(x.rank() == 4, "max_pool2d: input must be (N, C, H, W), got " << x.shape());
  const kernels::Pool2dGeometry g{.batch = x.size(0), .channels = x.size(1), .in_h = x.size(2), .in_w = x.size(3),
                                  .kernel_h = o.kernel_h, .kernel_w = o.kernel_w, .stride_h = o.stride_h,
                                  .stride_w = o.stride_w, .pad_h = o.pad_h, .pad_w = o.pad_w, .ceil_mode = o.ceil_mode};
  kernels::validate(g);
  Tensor y = Tensor::empty({g.batch, g.channels, g.out_h(), g.out_w()}, x.device());
  kernels::max_pool2d_forward(x.device(), g, x.data(), y.data());
  return attach(y, "max_pool2d", {x}, [g](const Tensor& dy, Node& node) {
    kernels::max_pool2d_backward(dy.device(), g, node.inputs[0].data(), dy.data(), node.grad_for(0).data());
  });
}

}  // namespace ldd
