// im2col against its definition, and col2im as its exact adjoint: <im2col(x), c> == <x, col2im(c)>.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "kernels/cpu/conv2d.h"
#include "nn/random.h"

using namespace ldd;

TEST_CASE("im2col follows its definition and col2im is its adjoint") {
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
    // Definition: row (c, kh, kw), column (oh, ow) holds x[c, oh*sh - ph + kh, ow*sw - pw + kw], 0 outside.
    const std::int64_t oh_n = g.out_h(), ow_n = g.out_w();
    for (std::int64_t ch = 0; ch < g.in_channels; ++ch)
      for (std::int64_t kh = 0; kh < g.kernel_h; ++kh)
        for (std::int64_t kw = 0; kw < g.kernel_w; ++kw)
          for (std::int64_t oh = 0; oh < oh_n; ++oh)
            for (std::int64_t ow = 0; ow < ow_n; ++ow) {
              const std::int64_t ih = oh * g.stride_h - g.pad_h + kh, iw = ow * g.stride_w - g.pad_w + kw;
              const bool inside = ih >= 0 && ih < g.in_h && iw >= 0 && iw < g.in_w;
              const float expected = inside ? x[static_cast<std::size_t>((ch * g.in_h + ih) * g.in_w + iw)] : 0.0f;
              const std::int64_t row = (ch * g.kernel_h + kh) * g.kernel_w + kw;
              CHECK(unfolded[static_cast<std::size_t>(row * oh_n * ow_n + oh * ow_n + ow)] == expected);
            }
    double lhs = 0.0, rhs = 0.0;
    for (std::size_t i = 0; i < c.size(); ++i) lhs += static_cast<double>(unfolded[i]) * c[i];
    for (std::size_t i = 0; i < x.size(); ++i) rhs += static_cast<double>(x[i]) * folded[i];
    CHECK(std::abs(lhs - rhs) <= 1e-5 * (1 + std::abs(lhs)));
  }
}
