// The CUDA crop/resize twin against the CPU one. The CPU steps sample positions incrementally along a
// row, the GPU computes each from the box, so positions differ in the last float bits: 1e-5 relative on
// values of order 1; backward also differs by atomicAdd's summation order.
#include <doctest/doctest.h>

#include <cmath>

#include "nn/ops.h"

using namespace ldd;

TEST_CASE("crop_resize on CUDA matches the CPU twin / forward and backward") {
  Generator gen(61);
  std::vector<OrientedBox> boxes;
  for (int i = 0; i < 7; ++i) {
    OrientedBox b;
    const double angle = (gen.uniform() - 0.5) * 1.0, h = 20 + 30 * gen.uniform(), w = 25 + 30 * gen.uniform();
    const double centre[3] = {gen.uniform() * 12, gen.uniform() * 120 - 10, gen.uniform() * 90 - 5};
    const double axes[3][3] = {{9, 0, 0}, {0, h * std::cos(angle), h * std::sin(angle)}, {0, -w * std::sin(angle), w * std::cos(angle)}};
    for (int a = 0; a < 3; ++a) {
      for (int k = 0; k < 3; ++k) b.axes[a][k] = static_cast<float>(axes[a][k]);
      b.corner[a] = static_cast<float>(centre[a] - 0.5 * (axes[0][a] + axes[1][a] + axes[2][a]));
    }
    boxes.push_back(b);
  }
  const Tensor volume = uniform({12, 111, 83}, 0.0f, 1.0f, gen);
  const Tensor weights = uniform({7, 9, 31, 29}, -1.0f, 1.0f, gen);
  auto run = [&](Device d) {
    Tensor v = volume.to(d).detach().set_requires_grad();
    const Tensor out = crop_resize(v, boxes, 9, 31, 29);
    sum(mul(out, weights.to(d))).backward();
    return std::pair{out.to_vector(), v.grad().to_vector()};
  };
  const auto [gpu_out, gpu_grad] = run(Device::CUDA);
  const auto [cpu_out, cpu_grad] = run(Device::CPU);
  for (std::size_t i = 0; i < cpu_out.size(); ++i) CHECK(std::abs(gpu_out[i] - cpu_out[i]) <= 1e-5 * (1 + std::abs(cpu_out[i])));
  for (std::size_t i = 0; i < cpu_grad.size(); ++i) CHECK(std::abs(gpu_grad[i] - cpu_grad[i]) <= 1e-5 * (1 + std::abs(cpu_grad[i])));
}
