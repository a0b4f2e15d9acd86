#include "nn/ops/dropout.h"

#include "base/check.h"
#include "kernels/dropout.h"
#include "nn/autograd.h"

namespace ldd {

Tensor dropout(const Tensor& x, float p, bool training, Generator& gen) {
  LDD_CHECK(p >= 0.0f && p < 1.0f, "dropout: probability must be in [0, 1), got " << p);
  if (!training || p == 0.0f) return x;
  const std::uint64_t seed = gen.next_u64();
  Tensor y = Tensor::empty(x.shape(), x.device());
  kernels::dropout_forward(x.device(), x.numel(), p, seed, x.data(), y.data());
  return attach(y, "dropout", {x}, [p, seed](const Tensor& dy, Node& node) {
    kernels::dropout_backward(dy.device(), dy.numel(), p, seed, dy.data(), node.grad_for(0).data());
  });
}

}  // namespace ldd
