// CUDA twins against their CPU ground truth on random inputs with awkward shapes, kernel by kernel and
// through autograd. Sums of the reduction kernels are in double on both sides, so tolerances are tight.
#include <doctest/doctest.h>

#include <cmath>

#include "base/check.h"
#include "kernels/dispatch.h"
#include "kernels/elementwise.h"
#include "nn/ops.h"
#include "tests/support/twins.h"

using namespace ldd;

using test::check_close;

TEST_CASE("broadcast add / sub / mul / relu and sum on CUDA match the CPU / forward and backward") {
  Generator gen(41);
  const std::pair<Shape, Shape> cases[] = {{{3, 5, 7}, {3, 5, 7}},
                                           {{2, 3, 9, 11}, {3, 1, 1}},
                                           {{1, 7}, {5, 1}},
                                           {{2, 1, 3, 1, 5}, {4, 1, 5}},
                                           {{100003}, {1}}};
  for (const auto& [sa, sb] : cases) {
    INFO("shapes " << sa << " and " << sb);
    const Tensor a = uniform(sa, -1.0f, 1.0f, gen), b = uniform(sb, -1.0f, 1.0f, gen);
    const Tensor c = uniform(broadcast_shape("test", sa, sb), -1.0f, 1.0f, gen);
    auto run = [&](Device d) {
      Tensor x = a.to(d).detach().set_requires_grad(), y = b.to(d).detach().set_requires_grad();
      const Tensor out = relu(sub(mul(add(x, y), c.to(d)), y));
      sum(mul(out, out)).backward();
      return std::vector<std::vector<float>>{out.to_vector(), x.grad().to_vector(), y.grad().to_vector(),
                                             sum(out, {0}, true).to_vector()};
    };
    const auto gpu = run(Device::CUDA), cpu = run(Device::CPU);
    for (std::size_t i = 0; i < gpu.size(); ++i) check_close(gpu[i], cpu[i], 1e-5, "output/grads/sum " + std::to_string(i));
  }
}

TEST_CASE("channel bias forward and backward on CUDA match the CPU") {
  Generator gen(42);
  const std::int64_t outer = 3, channels = 17, inner = 29;
  const Tensor y0 = uniform({outer, channels, inner}, -1.0f, 1.0f, gen), bias = uniform({channels}, -1.0f, 1.0f, gen);
  auto run = [&](Device d) {
    Tensor y = y0.to(d).detach(), b = bias.to(d).detach();
    Tensor y_copy = Tensor::from_vector(y.shape(), y.to_vector(), d);
    kernels::channel_bias_forward(d, outer, channels, inner, b.data(), y_copy.data());
    Tensor db = Tensor::full({channels}, 0.5f, d);
    kernels::channel_bias_backward(d, outer, channels, inner, y.data(), db.data());
    return std::pair{y_copy.to_vector(), db.to_vector()};
  };
  const auto [gy, gdb] = run(Device::CUDA);
  const auto [cy, cdb] = run(Device::CPU);
  check_close(gy, cy, 1e-6, "y + bias");
  check_close(gdb, cdb, 1e-6, "dbias");
}
