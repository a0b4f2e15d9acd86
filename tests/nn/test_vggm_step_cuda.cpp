// A whole VGG-M training step on the GPU against the same step on the CPU: same initial weights, same
// batch, same dropout masks (counter-based), cross-entropy, backward, SGD with momentum and weight decay.
// Tolerances: loss 1e-4 relative; every parameter's gradient 1e-3 relative to that gradient's largest
// magnitude (cuDNN's and cuBLAS's summation orders through eight layers); updated weights 1e-5.
// If it ever fails on one parameter by about 1 %, look first for a max-pool window whose two largest
// inputs differ by ~1e-6: rounding can route that window's gradient to the other cell on one device.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "nn/models/vggm.h"
#include "nn/ops.h"
#include "nn/optim/sgd.h"
#include "tests/support/twins.h"

using namespace ldd;

namespace {

struct StepResult {
  float loss = 0;
  std::vector<std::vector<float>> grads, weights;
};

StepResult train_step(Device device) {
  const VggMConfig config{.in_channels = 9, .height = 64, .width = 64, .classes = 5,
                          .conv_channels = {24, 48, 64, 64, 64}, .fc_width = 128};
  Generator init(3);
  VggM model(config, InitScheme::Gaussian, init);
  model.to(device);
  model.train();
  Sgd sgd(model.named_parameters(), {.learning_rate = 0.01, .momentum = 0.9, .weight_decay = 5e-4});
  Generator data(4);
  const Tensor x = normal({6, 9, 64, 64}, 0.0f, 1.0f, data).to(device);
  const std::vector<int> targets{0, 1, 2, 3, 4, 1};
  manual_seed(17);  // the dropout layers draw their mask seeds from the default generator
  sgd.zero_grad();
  const Tensor loss = cross_entropy(model(x), targets);
  loss.backward();
  StepResult r;
  r.loss = loss.item();
  for (const auto& [name, p] : model.named_parameters()) r.grads.push_back(p.grad().to_vector());
  sgd.step();
  for (const auto& [name, p] : model.named_parameters()) r.weights.push_back(p.to_vector());
  return r;
}

}  // namespace

TEST_CASE("one VGG-M training step on CUDA matches the CPU step") {
  const StepResult gpu = train_step(Device::CUDA), cpu = train_step(Device::CPU);
  CHECK(std::abs(gpu.loss - cpu.loss) <= 1e-4 * std::abs(cpu.loss));
  REQUIRE(gpu.grads.size() == cpu.grads.size());
  for (std::size_t p = 0; p < cpu.grads.size(); ++p) {
    float scale = 0;
    for (float g : cpu.grads[p]) scale = std::max(scale, std::abs(g));
    std::size_t bad = 0;
    for (std::size_t i = 0; i < cpu.grads[p].size(); ++i) bad += !(std::abs(gpu.grads[p][i] - cpu.grads[p][i]) <= 1e-3 * scale);
    INFO("parameter " << p << ": " << bad << " gradient values differ by more than 1e-3 x " << scale);
    CHECK(bad == 0);
    test::check_close(gpu.weights[p], cpu.weights[p], 1e-5, "updated parameter " + std::to_string(p));
  }
}
