#include "nn/ops/conv2d.h"

#include "base/check.h"
#include "kernels/conv2d.h"
#include "kernels/elementwise.h"
#include "nn/autograd.h"

namespace ldd {

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, const Conv2dOptions& o) {
  check_same_device("conv2d", x, weight);
  LDD_CHECK(x.rank() == 4 && weight.rank() == 4 && x.size(1) == weight.size(1),
            "conv2d: input (N, C, H, W) and weight (OC, C, KH, KW) must agree on C, got input "
                << x.shape() << " and weight " << weight.shape());
  if (bias.defined()) {
    check_same_device("conv2d", x, bias);
    LDD_CHECK(bias.shape() == Shape({weight.size(0)}),
              "conv2d: bias must be (" << weight.size(0) << "), got " << bias.shape());
  }
  const kernels::Conv2dGeometry g{.batch = x.size(0), .in_channels = x.size(1), .in_h = x.size(2), .in_w = x.size(3),
                                  .out_channels = weight.size(0), .kernel_h = weight.size(2),
                                  .kernel_w = weight.size(3), .stride_h = o.stride_h, .stride_w = o.stride_w,
                                  .pad_h = o.pad_h, .pad_w = o.pad_w};
  kernels::validate(g);
  Tensor y = Tensor::empty({g.batch, g.out_channels, g.out_h(), g.out_w()}, x.device());
  kernels::conv2d_forward(x.device(), g, x.data(), weight.data(), bias.defined() ? bias.data() : nullptr, y.data());
  std::vector<Tensor> inputs{x, weight};
  if (bias.defined()) inputs.push_back(bias);
  return attach(y, "conv2d", std::move(inputs), [g](const Tensor& dy, Node& node) {
    const Device d = dy.device();
    if (node.needs_grad(0)) kernels::conv2d_backward_data(d, g, dy.data(), node.inputs[1].data(), node.grad_for(0).data());
    const bool weight_grad = node.needs_grad(1);
    const bool bias_grad = node.inputs.size() == 3 && node.needs_grad(2);
    if (weight_grad) {
      kernels::conv2d_backward_weight(d, g, node.inputs[0].data(), dy.data(), node.grad_for(1).data(),
                                      bias_grad ? node.grad_for(2).data() : nullptr);
    } else if (bias_grad) {
      kernels::channel_bias_backward(d, g.batch, g.out_channels, g.out_h() * g.out_w(), dy.data(),
                                     node.grad_for(2).data());
    }
  });
}

}  // namespace ldd
