// Checkpoints: a save/load round trip restores parameters and optimizer state exactly, so training
// resumed from a checkpoint continues bit-identically; mismatches are refused with the offending name.
#include <doctest/doctest.h>

#include "base/check.h"
#include "base/hdf5/file.h"
#include "nn/checkpoint.h"
#include "nn/models/vggm.h"
#include "nn/ops.h"
#include "nn/optim/adam.h"
#include "nn/optim/sgd.h"
#include "tests/support/temp_dir.h"

using namespace ldd;
using ldd::testing::TempDir;

namespace {

VggMConfig config() {
  VggMConfig c;
  c.in_channels = 2;
  c.height = c.width = 64;
  c.classes = 3;
  c.conv_channels = {4, 6, 6, 6, 6};
  c.fc_width = 8;
  c.dropout = 0.0f;
  return c;
}

void train(Module& model, Optimizer& opt, int steps) {
  Generator data(5);
  const Tensor x = uniform({3, 2, 64, 64}, -1.0f, 1.0f, data);
  for (int s = 0; s < steps; ++s) {
    opt.zero_grad();
    cross_entropy(model(x), {0, 1, 2}).backward();
    opt.step();
  }
}

std::vector<float> weights(const Module& m) {
  std::vector<float> all;
  for (auto& p : m.parameters()) {
    const auto v = p.to_vector();
    all.insert(all.end(), v.begin(), v.end());
  }
  return all;
}

}  // namespace

TEST_CASE("checkpoint round trip: resumed training continues bit-identically" * doctest::test_suite("smoke")) {
  TempDir dir;
  Generator g1(1);
  VggM model(config(), InitScheme::Kaiming, g1);
  Adam adam(model.named_parameters(), {.learning_rate = 1e-3, .weight_decay = 1e-4});
  train(model, adam, 2);
  save_checkpoint(dir / "ckpt.h5", model, &adam,
                  {.model_config = model.config().describe(), .epoch = 2, .step = 2, .extras = {{"fold", "3"}}});
  train(model, adam, 2);  // the uninterrupted run

  Generator g2(99);  // different initial weights, overwritten by the checkpoint
  VggM resumed(config(), InitScheme::Kaiming, g2);
  Adam resumed_adam(resumed.named_parameters(), {.learning_rate = 1e-3, .weight_decay = 1e-4});
  const CheckpointInfo info = load_checkpoint(dir / "ckpt.h5", resumed, &resumed_adam);
  CHECK(info.epoch == 2);
  CHECK(info.step == 2);
  CHECK(info.model_config == model.config().describe());
  CHECK(info.extras.at("fold") == "3");
  CHECK(resumed_adam.steps() == 2);
  train(resumed, resumed_adam, 2);
  CHECK(weights(resumed) == weights(model));

  // Readable as documented in nn/CHECKPOINT.md.
  const auto f = hdf5::File::open_read(dir / "ckpt.h5");
  CHECK(f.string_attribute("/", "format") == "ldd-checkpoint");
  CHECK(f.shape("/model/parameters/conv1.weight") == hdf5::Dims{4, 2, 7, 7});
  CHECK(f.exists("/optimizer/state/fc8.bias/exp_avg_sq"));
  CHECK(f.string_attribute("/optimizer", "kind") == "adam");
}

TEST_CASE("loading a checkpoint into a different model or optimizer names what differs") {
  TempDir dir;
  Generator gen(2);
  VggM model(config(), InitScheme::Kaiming, gen);
  Sgd sgd(model.named_parameters(), {});
  save_checkpoint(dir / "ckpt.h5", model, &sgd, {.model_config = model.config().describe()});

  auto wider = config();
  wider.conv_channels[0] = 5;
  VggM other(wider, InitScheme::Kaiming, gen);
  const auto before = weights(other);
  CHECK_THROWS_WITH_AS(load_checkpoint(dir / "ckpt.h5", other),
                       doctest::Contains("parameter 'conv1.weight' has shape [4, 2, 7, 7], the model has [5, 2, 7, 7]"),
                       Error);
  CHECK(weights(other) == before);  // untouched by the failed load

  Adam adam(model.named_parameters(), {});
  CHECK_THROWS_WITH_AS(load_checkpoint(dir / "ckpt.h5", model, &adam),
                       doctest::Contains("holds sgd optimizer state; the optimizer is adam"), Error);
  save_checkpoint(dir / "no-optimizer.h5", model, nullptr, {});
  CHECK_THROWS_WITH_AS(load_checkpoint(dir / "no-optimizer.h5", model, &sgd), doctest::Contains("no optimizer state"),
                       Error);
  CHECK_THROWS_WITH_AS(load_checkpoint(dir / "missing.h5", model), doctest::Contains("does not exist"), Error);
  {
    auto f = hdf5::File::create(dir / "other.h5");
    f.write<float>("/x", std::vector<float>{1}, {1});
    f.commit();
  }
  CHECK_THROWS_WITH_AS(load_checkpoint(dir / "other.h5", model), doctest::Contains("is not an ldd checkpoint"), Error);
}
