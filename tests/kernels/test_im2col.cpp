// col2im must be the exact adjoint of im2col: <im2col(x), c> == <x, col2im(c)> for any x, c.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "kernels/cpu/conv2d.h"
#include "nn/random.h"

using namespace ldd;

TEST_CASE("col2im is the adjoint of im2col") {
  Generator gen(31);
  const kernels::Conv2dGeometry shapes[] = {
      {.batch = 1, .in_channels = 3, .in_h = 7, .in_w = 6, .out_channels = 1, .kernel_h = 3, .kernel_w = 2,
       .stride_h = 2, .stride_w = 1, .pad_h = 1, .pad_w = 1},
      {.batch = 1, .in_channels = 2, .in_h = 11, .in_w = 9, .out_channels = 1, .kernel_h = 5, .kernel_w = 5,
       .stride_h = 2, .stride_w = 3, .pad_h = 2, .pad_w = 0},
  };
  for (const auto& g : shapes) {
    const std::int64_t image = g.in_channels * g.in_h * g.in_w;
    const std::int64_t columns = g.in_channels * g.kernel_h * g.kernel_w * g.out_h() * g.out_w();
    std::vector<float> x(static_cast<std::size_t>(image)), c(static_cast<std::size_t>(columns));
    for (auto& v : x) v = static_cast<float>(gen.uniform() - 0.5);
    for (auto& v : c) v = static_cast<float>(gen.uniform() - 0.5);
    std::vector<float> unfolded(c.size()), folded(x.size(), 0.0f);
    kernels::cpu::im2col(g, x.data(), unfolded.data());
    kernels::cpu::col2im(g, c.data(), folded.data());
    double lhs = 0.0, rhs = 0.0;
    for (std::size_t i = 0; i < c.size(); ++i) lhs += static_cast<double>(unfolded[i]) * c[i];
    for (std::size_t i = 0; i < x.size(); ++i) rhs += static_cast<double>(x[i]) * folded[i];
    CHECK(std::abs(lhs - rhs) <= 1e-5 * (1 + std::abs(lhs)));
  }
}
