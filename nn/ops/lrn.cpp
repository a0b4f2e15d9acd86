#include "nn/ops/lrn.h"

#include "base/check.h"
#include "nn/autograd.h"

namespace ldd {

Tensor local_response_norm(const Tensor& x, const LrnOptions& p) {
  LDD_CHECK(x.rank() >= 2, "local_response_norm: input must be (N, C, ...), got " << x.shape());
  LDD_CHECK(p.size >= 1 && p.k > 0.0f && p.alpha >= 0.0f && p.beta >= 0.0f,
            "local_response_norm: needs size >= 1, k > 0, alpha >= 0, beta >= 0; got size "
                << p.size << ", k " << p.k << ", alpha " << p.alpha << ", beta " << p.beta);
  const std::int64_t outer = x.size(0), channels = x.size(1), inner = x.numel() / (outer * channels);
  Tensor y = Tensor::empty(x.shape(), x.device());
  Tensor scale = Tensor::empty(x.shape(), x.device());
  kernels::lrn_forward(x.device(), p, outer, channels, inner, x.data(), y.data(), scale.data());
  const Tensor saved_y = y.detach();
  return attach(y, "local_response_norm", {x}, [p, outer, channels, inner, saved_y, scale](const Tensor& dy, Node& node) {
    kernels::lrn_backward(dy.device(), p, outer, channels, inner, node.inputs[0].data(), saved_y.data(), scale.data(),
                          dy.data(), node.grad_for(0).data());
  });
}

}  // namespace ldd
