#include "nn/ops/dropout.h"

#include "base/check.h"
#include "kernels/dropout.h"
#include "nn/autograd.h"

namespace ldd {

Tensor dropout(const Tensor& x, float p, bool training, Generator& gen, std::int64_t first_row) {
  LDD_CHECK(p >= 0.0f && p < 1.0f, "dropout: probability must be in [0, 1), got " << p);
  LDD_CHECK(first_row >= 0, "dropout: first row " << first_row << " of the batch, 0 or more");
  if (!training || p == 0.0f) return x;
  const std::uint64_t row = x.rank() > 0 && x.size(0) > 0 ? static_cast<std::uint64_t>(x.numel() / x.size(0)) : 0;
  const std::uint64_t seed = kernels::dropout_seed_at(gen.next_u64(), static_cast<std::uint64_t>(first_row) * row);
  Tensor y = Tensor::empty(x.shape(), x.device());
  kernels::dropout_forward(x.device(), x.numel(), p, seed, x.data(), y.data());
  return attach(y, "dropout", {x}, [p, seed](const Tensor& dy, Node& node) {
    kernels::dropout_backward(dy.device(), dy.numel(), p, seed, dy.data(), node.grad_for(0).data());
  });
}

}  // namespace ldd
