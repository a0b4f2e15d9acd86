// Every network op on CUDA against its CPU twin (itself tested against float64 references in tests/nn),
// forward and backward through autograd, on random inputs with awkward shapes. Tolerances, per op:
//   exact (0): max pooling, nearest upsampling, channel concatenation: the GPU kernels do the CPU's float
//     additions in the CPU's order;
//   1e-6: dropout (the same mask; nvcc fuses the backward's multiply-add), log-softmax, cross-entropy, binary cross-entropy, focal loss (double sums; exp/expf ulps);
//   1e-5: LRN (powf, fused multiply-adds);
//   1e-4: conv2d (cuDNN picks Winograd/FFT/implicit-GEMM algorithms that sum in other orders; TF32 is off,
//     the default) and linear (cuBLAS blocking).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kernels/device.h"
#include "nn/ops.h"
#include "tests/support/twins.h"

using namespace ldd;
using test::check_close;

namespace {

// Runs `f` on copies of `inputs` on `device` that require gradients, backpropagates sum(out * weights)
// with fixed random weights, and returns the output followed by each input's gradient.
template <typename F>
std::vector<std::vector<float>> run(Device device, const std::vector<Tensor>& inputs, F f) {
  std::vector<Tensor> on_device;
  for (const Tensor& t : inputs) on_device.push_back(t.to(device).detach().set_requires_grad());
  const Tensor out = f(on_device);
  Generator gen(99);
  const Tensor weights = uniform(out.shape(), -1.0f, 1.0f, gen).to(device);
  sum(mul(out, weights)).backward();
  std::vector<std::vector<float>> result{out.to_vector()};
  for (const Tensor& t : on_device) result.push_back(t.grad().to_vector());
  return result;
}

template <typename F>
void compare(const std::string& what, const std::vector<Tensor>& inputs, double tolerance, F f) {
  const auto gpu = run(Device::CUDA, inputs, f), cpu = run(Device::CPU, inputs, f);
  for (std::size_t i = 0; i < gpu.size(); ++i) check_close(gpu[i], cpu[i], tolerance, what + (i == 0 ? " output" : " grad " + std::to_string(i - 1)));
}

}  // namespace

TEST_CASE("conv2d on CUDA (cuDNN) matches the CPU / forward and both backward passes") {
  Generator gen(7);
  struct Case { Shape x, w; Conv2dOptions o; };
  const Case cases[] = {{{3, 5, 17, 13}, {7, 5, 3, 3}, {.pad_h = 1, .pad_w = 1}},
                        {{2, 9, 37, 29}, {11, 9, 7, 7}, {.stride_h = 2, .stride_w = 2}},
                        {{1, 3, 23, 31}, {4, 3, 5, 3}, {.stride_h = 2, .stride_w = 1, .pad_h = 1, .pad_w = 2}},
                        {{5, 1, 9, 9}, {2, 1, 1, 1}, {}}};
  for (const Case& c : cases) {
    INFO("x " << c.x << ", w " << c.w);
    const Tensor x = uniform(c.x, -1, 1, gen), w = uniform(c.w, -0.5f, 0.5f, gen), b = uniform({c.w[0]}, -1, 1, gen);
    compare("conv2d", {x, w, b}, 1e-4, [&](const std::vector<Tensor>& t) { return conv2d(t[0], t[1], t[2], c.o); });
  }
}

TEST_CASE("linear and matmul on CUDA (cuBLAS) match the CPU / forward and backward") {
  Generator gen(8);
  const Tensor x = uniform({13, 37}, -1, 1, gen), w = uniform({19, 37}, -1, 1, gen), b = uniform({19}, -1, 1, gen);
  compare("linear", {x, w, b}, 1e-4, [](const std::vector<Tensor>& t) { return linear(t[0], t[1], t[2]); });
  const Tensor a = uniform({5, 129}, -1, 1, gen), m = uniform({129, 3}, -1, 1, gen);
  compare("matmul", {a, m}, 1e-4, [](const std::vector<Tensor>& t) { return matmul(t[0], t[1]); });
}

TEST_CASE("max_pool2d on CUDA equals the CPU / ceil mode and padding included") {
  Generator gen(9);
  const MaxPool2dOptions options[] = {{.kernel_h = 3, .kernel_w = 3, .stride_h = 2, .stride_w = 2, .ceil_mode = true},
                                      {.kernel_h = 2, .kernel_w = 3, .stride_h = 1, .stride_w = 2, .pad_h = 1, .pad_w = 1},
                                      {.kernel_h = 3, .kernel_w = 3, .stride_h = 3, .stride_w = 3}};
  for (const auto& o : options) {
    const Tensor x = uniform({3, 4, 15, 22}, -1, 1, gen);
    compare("max_pool2d", {x}, 0.0, [&](const std::vector<Tensor>& t) { return max_pool2d(t[0], o); });
  }
}

TEST_CASE("local response norm on CUDA matches the CPU / VGG-M's and an even window") {
  Generator gen(10);
  for (const LrnOptions o : {LrnOptions{.size = 5, .alpha = 5e-4f, .beta = 0.75f, .k = 2.0f},
                             LrnOptions{.size = 4, .alpha = 0.3f, .beta = 0.6f, .k = 1.0f}}) {
    const Tensor x = uniform({3, 11, 7, 9}, -3, 3, gen);
    compare("lrn", {x}, 1e-5, [&](const std::vector<Tensor>& t) { return local_response_norm(t[0], o); });
  }
}

TEST_CASE("dropout draws the same mask on CUDA as on the CPU") {
  Generator gen(11);
  const Tensor x = uniform({7, 1001}, -1, 1, gen);
  compare("dropout", {x}, 1e-6, [](const std::vector<Tensor>& t) {
    Generator masks(5);
    return dropout(t[0], 0.37f, true, masks);
  });
}

TEST_CASE("log_softmax and the losses on CUDA match the CPU / weights and ignored rows included") {
  Generator gen(12);
  const Tensor logits = uniform({23, 5}, -6, 6, gen);
  const std::vector<int> targets{0, 1, 2, 3, 4, -100, 2, 2, 1, 0, 4, 3, 3, 1, -100, 0, 1, 2, 3, 4, 0, 0, 1};
  compare("log_softmax", {uniform({9, 131}, -20, 20, gen)}, 1e-6, [](const std::vector<Tensor>& t) { return log_softmax(t[0]); });
  compare("cross_entropy", {logits}, 1e-6, [&](const std::vector<Tensor>& t) {
    return reshape(cross_entropy(t[0], targets, {.class_weights = {0.5f, 2.0f, 1.0f, 3.0f, 0.25f}}), {1});
  });
  std::vector<int> valid = targets;
  for (int& v : valid) v = v < 0 ? 1 : v;
  compare("focal_loss", {logits}, 1e-6, [&](const std::vector<Tensor>& t) { return reshape(focal_loss(t[0], valid, 2.0, {}), {1}); });
  std::vector<std::uint8_t> labels(3 * 1000);
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::uint8_t>(i % 7 == 0 ? 255 : (i * 31 % 5) < 2);
  compare("binary_cross_entropy", {uniform({3, 1000}, -8, 8, gen)}, 1e-6,
          [&](const std::vector<Tensor>& t) { return reshape(binary_cross_entropy_with_logits(t[0], labels, 255), {1}); });
}

TEST_CASE("nearest upsampling and channel concatenation on CUDA equal the CPU") {
  Generator gen(13);
  compare("upsample_nearest", {uniform({2, 3, 5, 7}, -1, 1, gen)}, 0.0,
          [](const std::vector<Tensor>& t) { return upsample_nearest(t[0], 3); });
  compare("concat_channels", {uniform({2, 3, 5, 7}, -1, 1, gen), uniform({2, 4, 5, 7}, -1, 1, gen)}, 0.0,
          [](const std::vector<Tensor>& t) { return concat_channels(t[0], t[1]); });
}
