// The optimizers' fused updates and gradient clipping on CUDA against the CPU: several steps of SGD
// (momentum, Nesterov, weight decay), Adam and AdamW on an awkward-length parameter. Tolerance 1e-6
// relative: the same float formulas, with fused multiply-adds where nvcc contracts them.
#include <doctest/doctest.h>

#include <cmath>

#include "nn/ops.h"
#include "nn/optim/adam.h"
#include "nn/optim/clip.h"
#include "nn/optim/sgd.h"
#include "tests/support/twins.h"

using namespace ldd;
using test::check_close;

namespace {

// Three steps of `make_optimizer` on a loss sum(w^2 * c) whose gradient changes every step.
template <typename Make>
std::vector<float> three_steps(Device device, Make make_optimizer) {
  Generator gen(21);
  Tensor w = uniform({1237}, -1, 1, gen).to(device).detach().set_requires_grad();
  const Tensor c = uniform({1237}, 0.5f, 2.0f, gen).to(device);
  auto optimizer = make_optimizer(NamedTensors{{"w", w}});
  for (int step = 0; step < 3; ++step) {
    optimizer.zero_grad();
    sum(mul(mul(w, w), c)).backward();
    optimizer.step();
  }
  return w.to_vector();
}

}  // namespace

TEST_CASE("SGD, Adam and AdamW steps on CUDA match the CPU") {
  auto sgd = [](NamedTensors p) { return Sgd(std::move(p), {.learning_rate = 0.05, .momentum = 0.9, .weight_decay = 1e-2, .nesterov = true}); };
  auto adam = [](NamedTensors p) { return Adam(std::move(p), {.learning_rate = 0.01, .weight_decay = 1e-3}); };
  auto adamw = [](NamedTensors p) { return Adam(std::move(p), {.learning_rate = 0.01, .weight_decay = 0.1, .decoupled_weight_decay = true}); };
  check_close(three_steps(Device::CUDA, sgd), three_steps(Device::CPU, sgd), 1e-6, "sgd");
  check_close(three_steps(Device::CUDA, adam), three_steps(Device::CPU, adam), 1e-6, "adam");
  check_close(three_steps(Device::CUDA, adamw), three_steps(Device::CPU, adamw), 1e-6, "adamw");
}

TEST_CASE("gradient-norm clipping on CUDA measures and scales as the CPU does") {
  Generator gen(22);
  const Tensor g1 = uniform({100003}, -1, 1, gen), g2 = uniform({17}, -1, 1, gen);
  auto run = [&](Device d) {
    Tensor a = Tensor::zeros(g1.shape(), d).set_requires_grad(), b = Tensor::zeros(g2.shape(), d).set_requires_grad();
    a.set_grad(g1.to(d));
    b.set_grad(g2.to(d));
    const double norm = clip_grad_norm({a, b}, 1.5);
    return std::pair{norm, a.grad().to_vector()};
  };
  const auto [gpu_norm, gpu_grad] = run(Device::CUDA);
  const auto [cpu_norm, cpu_grad] = run(Device::CPU);
  CHECK(std::abs(gpu_norm - cpu_norm) <= 1e-12 * cpu_norm);  // double sums in another order
  check_close(gpu_grad, cpu_grad, 1e-6, "clipped gradient");
}
