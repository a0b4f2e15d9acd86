// Our VGG-M against PyTorch's on the committed fixture (tests/fixtures/make_vggm_fixture.py): logits,
// weighted cross-entropy, every parameter gradient, and the weights after 3 SGD steps with momentum and
// weight decay, each within a relative error of 1e-4.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "base/hdf5/file.h"
#include "nn/models/vggm.h"
#include "nn/ops.h"
#include "nn/optim/sgd.h"

using namespace ldd;

namespace {

const std::filesystem::path kFixture = std::filesystem::path(LDD_SOURCE_DIR) / "tests/fixtures/vggm_small.h5";

// ||ours - expected|| / ||expected||
double relative_error(const std::vector<float>& ours, const std::vector<float>& expected) {
  REQUIRE(ours.size() == expected.size());
  double diff = 0.0, norm = 0.0;
  for (std::size_t i = 0; i < ours.size(); ++i) {
    diff += (static_cast<double>(ours[i]) - expected[i]) * (static_cast<double>(ours[i]) - expected[i]);
    norm += static_cast<double>(expected[i]) * expected[i];
  }
  return std::sqrt(diff / norm);
}

Tensor read_tensor(const hdf5::File& f, const std::string& path) {
  hdf5::Dims dims;
  const auto values = f.read<float>(path, &dims);
  return Tensor::from_vector(Shape(dims), values);
}

}  // namespace

TEST_CASE("VGG-M matches PyTorch on the fixture: logits / loss / gradients / 3 SGD steps" * doctest::test_suite("smoke")) {
  const hdf5::File f = hdf5::File::open_read(kFixture);
  VggMConfig config;
  config.in_channels = f.int_attribute("/", "in_channels");
  config.height = f.int_attribute("/", "height");
  config.width = f.int_attribute("/", "width");
  config.classes = f.int_attribute("/", "classes");
  config.fc_width = f.int_attribute("/", "fc_width");
  const auto widths = f.read<std::int64_t>("/conv_channels");
  REQUIRE(widths.size() == config.conv_channels.size());
  std::copy(widths.begin(), widths.end(), config.conv_channels.begin());
  config.dropout = 0.0f;
  Generator gen(1);
  VggM model(config, InitScheme::Gaussian, gen);

  auto load_weights = [&] {
    for (auto& [name, p] : model.named_parameters()) p.assign(read_tensor(f, "/parameters/" + name));
  };
  load_weights();
  const Tensor input = read_tensor(f, "/input");
  const auto stored_targets = f.read<std::int32_t>("/targets");
  const std::vector<int> targets(stored_targets.begin(), stored_targets.end());
  const CrossEntropyOptions loss_options{.class_weights = f.read<float>("/class_weights")};

  const Tensor logits = model(input);
  CHECK(relative_error(logits.to_vector(), f.read<float>("/logits")) <= 1e-4);
  const Tensor loss = cross_entropy(logits, targets, loss_options);
  CHECK(relative_error({loss.item()}, f.read<float>("/loss")) <= 1e-4);
  loss.backward();
  for (auto& [name, p] : model.named_parameters()) {
    INFO("gradient of " << name);
    CHECK(relative_error(p.grad().to_vector(), f.read<float>("/gradients/" + name)) <= 1e-4);
  }

  load_weights();
  Sgd sgd(model.named_parameters(), {.learning_rate = f.double_attribute("/", "learning_rate"),
                                      .momentum = f.double_attribute("/", "momentum"),
                                      .weight_decay = f.double_attribute("/", "weight_decay")});
  std::vector<float> losses;
  for (int step = 0; step < 3; ++step) {
    sgd.zero_grad();
    const Tensor l = cross_entropy(model(input), targets, loss_options);
    losses.push_back(l.item());
    l.backward();
    sgd.step();
  }
  CHECK(relative_error(losses, f.read<float>("/sgd/losses")) <= 1e-4);
  for (auto& [name, p] : model.named_parameters()) {
    INFO("parameter after 3 SGD steps: " << name);
    CHECK(relative_error(p.to_vector(), f.read<float>("/sgd/parameters/" + name)) <= 1e-4);
  }
}
