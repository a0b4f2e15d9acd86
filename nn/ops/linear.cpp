#include "nn/ops/linear.h"

#include "base/check.h"
#include "kernels/elementwise.h"
#include "kernels/gemm.h"
#include "nn/autograd.h"

namespace ldd {

Tensor matmul(const Tensor& a, const Tensor& b) {
  check_same_device("matmul", a, b);
  LDD_CHECK(a.rank() == 2 && b.rank() == 2 && a.size(1) == b.size(0),
            "matmul: needs (M, K) x (K, N), got " << a.shape() << " x " << b.shape());
  const std::int64_t m = a.size(0), k = a.size(1), n = b.size(1);
  Tensor c = Tensor::empty({m, n}, a.device());
  kernels::gemm(a.device(), {.m = m, .n = n, .k = k, .a = a.data(), .lda = k, .b = b.data(), .ldb = n, .c = c.data(),
                             .ldc = n});
  return attach(c, "matmul", {a, b}, [m, k, n](const Tensor& g, Node& node) {
    const Device d = g.device();
    if (node.needs_grad(0))  // dA += dC B^T
      kernels::gemm(d, {.transpose_b = true, .m = m, .n = k, .k = n, .a = g.data(), .lda = n,
                        .b = node.inputs[1].data(), .ldb = n, .beta = 1.0f, .c = node.grad_for(0).data(), .ldc = k});
    if (node.needs_grad(1))  // dB += A^T dC
      kernels::gemm(d, {.transpose_a = true, .m = k, .n = n, .k = m, .a = node.inputs[0].data(), .lda = k,
                        .b = g.data(), .ldb = n, .beta = 1.0f, .c = node.grad_for(1).data(), .ldc = n});
  });
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  check_same_device("linear", x, weight);
  LDD_CHECK(x.rank() == 2 && weight.rank() == 2 && x.size(1) == weight.size(1),
            "linear: input (N, in) and weight (out, in) must agree on `in`, got input " << x.shape() << " and weight "
                                                                                        << weight.shape());
  const std::int64_t batch = x.size(0), in = x.size(1), out = weight.size(0);
  if (bias.defined()) {
    check_same_device("linear", x, bias);
    LDD_CHECK(bias.shape() == Shape({out}), "linear: bias must be (" << out << "), got " << bias.shape());
  }
  Tensor y = Tensor::empty({batch, out}, x.device());
  kernels::gemm(x.device(), {.transpose_b = true, .m = batch, .n = out, .k = in, .a = x.data(), .lda = in,
                             .b = weight.data(), .ldb = in, .c = y.data(), .ldc = out});
  if (bias.defined()) kernels::channel_bias_forward(x.device(), batch, out, 1, bias.data(), y.data());
  std::vector<Tensor> inputs{x, weight};
  if (bias.defined()) inputs.push_back(bias);
  return attach(y, "linear", std::move(inputs), [batch, in, out](const Tensor& g, Node& node) {
    const Device d = g.device();
    if (node.needs_grad(0))  // dx += dy W
      kernels::gemm(d, {.m = batch, .n = in, .k = out, .a = g.data(), .lda = out, .b = node.inputs[1].data(),
                        .ldb = in, .beta = 1.0f, .c = node.grad_for(0).data(), .ldc = in});
    if (node.needs_grad(1))  // dW += dy^T x
      kernels::gemm(d, {.transpose_a = true, .m = out, .n = in, .k = batch, .a = g.data(), .lda = out,
                        .b = node.inputs[0].data(), .ldb = in, .beta = 1.0f, .c = node.grad_for(1).data(), .ldc = in});
    if (node.inputs.size() == 3 && node.needs_grad(2))
      kernels::channel_bias_backward(d, batch, out, 1, g.data(), node.grad_for(2).data());
  });
}

}  // namespace ldd
