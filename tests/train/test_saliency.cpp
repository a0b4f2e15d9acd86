// Grad-CAM (train/saliency.h): small graders taught that a bright blob in one region of the crop means
// grade index 1 must, asked where their evidence for it lies in a crop with that blob, point at the blob.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "base/check.h"
#include "nn/models/disc_grader.h"
#include "nn/ops.h"
#include "nn/optim/adam.h"
#include "nn/random.h"
#include "train/saliency.h"

using namespace ldd;

namespace {

constexpr std::int64_t kSize = 112, kBlobRow = 28, kBlobCol = 84, kBlobRadius = 10;

bool in_disc(std::int64_t r, std::int64_t c, double row, double col) {
  return (r - row) * (r - row) + (c - col) * (c - col) <= static_cast<double>(kBlobRadius * kBlobRadius);
}

// Noise and a bright blob somewhere at random (a distractor: brightness alone says nothing); with `blob`,
// a second one centred at (kBlobRow, kBlobCol). Nothing else differs.
std::vector<float> crop(Generator& gen, bool blob) {
  double row = 0, col = 0;
  do {
    row = static_cast<double>(kBlobRadius) + gen.uniform() * static_cast<double>(kSize - 2 * kBlobRadius);
    col = static_cast<double>(kBlobRadius) + gen.uniform() * static_cast<double>(kSize - 2 * kBlobRadius);
  } while (std::hypot(row - kBlobRow, col - kBlobCol) < 3.0 * kBlobRadius);
  std::vector<float> x(static_cast<std::size_t>(kSize * kSize));
  for (std::int64_t r = 0; r < kSize; ++r)
    for (std::int64_t c = 0; c < kSize; ++c) {
      const bool bright = in_disc(r, c, row, col) || (blob && in_disc(r, c, kBlobRow, kBlobCol));
      x[static_cast<std::size_t>(r * kSize + c)] = static_cast<float>(gen.normal() * 0.5 + (bright ? 2.5 : 0.0));
    }
  return x;
}

// A small grader taught that the blob means grade 1 (index 1), from `seed`.
std::unique_ptr<DiscGrader> trained_grader(std::uint64_t seed) {
  DiscGraderConfig config;
  config.vggm.in_channels = 1;
  config.vggm.height = config.vggm.width = kSize;
  config.vggm.classes = 2;
  config.vggm.conv_channels = {8, 16, 16, 16, 16};
  config.vggm.fc_width = 32;
  config.vggm.dropout = 0.0f;
  Generator gen(seed);
  auto model = std::make_unique<DiscGrader>(config, InitScheme::Kaiming, gen);
  Adam adam(model->named_parameters(), AdamOptions{.learning_rate = 0.002});
  const std::int64_t batch = 16;
  double last_loss = 1e9;
  for (int step = 0; step < 60; ++step) {
    std::vector<float> x;
    std::vector<int> y;
    for (std::int64_t i = 0; i < batch; ++i) {
      const bool blob = i % 2 == 1;
      const auto c = crop(gen, blob);
      x.insert(x.end(), c.begin(), c.end());
      y.push_back(blob ? 1 : 0);
    }
    adam.zero_grad();
    const Tensor loss = cross_entropy(model->forward(Tensor::from_vector({batch, 1, kSize, kSize}, x)), y);
    last_loss = loss.item();
    loss.backward();
    adam.step();
  }
  REQUIRE_MESSAGE(last_loss < 0.2, "seed " << seed << ": the grader did not learn the blob (loss " << last_loss << ")");
  return model;
}

}  // namespace

// Every conv5 position of VGG-M sees nearly the whole crop, so one model's map can put its weight a cell
// or two off the evidence: in 2 of 6 seeds tried with the element-wise map (and more with the channel-
// averaged one), the peak lay off the blob. `predict` averages the fold models' maps, and so does this
// test, over three models, those two included.
TEST_CASE("Grad-CAM of an ensemble peaks where the only difference between the grades lies") {
  Generator test_gen(17);
  const auto with_blob = crop(test_gen, true);
  std::vector<float> map(static_cast<std::size_t>(kSize * kSize), 0.0f);
  for (std::uint64_t seed : {3, 9, 21}) {
    auto model = trained_grader(seed);
    const auto one = train::grad_cam(*model, with_blob.data(), 1, kSize, kSize, -1, 1);
    REQUIRE(one.size() == map.size());
    CHECK(*std::max_element(one.begin(), one.end()) == doctest::Approx(1.0));
    CHECK(*std::min_element(one.begin(), one.end()) >= 0.0f);
    for (std::size_t i = 0; i < map.size(); ++i) map[i] += one[i] / 3.0f;
    if (seed == 3) {  // bad requests name what is wrong
      CHECK_THROWS_WITH_AS(train::grad_cam(*model, with_blob.data(), 1, kSize, kSize, -1, 2), doctest::Contains("outside [-1, 2)"), Error);
      CHECK_THROWS_WITH_AS(train::grad_cam(*model, with_blob.data(), 1, kSize, kSize, -1, -1), doctest::Contains("needs the baseline grade"),
                           Error);
    }
  }
  // The map's resolution is conv5's: 6 x 6 positions on a 112 x 112 crop, one per ~19 pixels. "There" is
  // the blob and one such cell around it (a fifth of the crop).
  const double cell = static_cast<double>(kSize) / 6.0, near_blob = static_cast<double>(kBlobRadius) + cell;
  const auto peak = static_cast<std::int64_t>(std::max_element(map.begin(), map.end()) - map.begin());
  const double distance = std::hypot(static_cast<double>(peak / kSize - kBlobRow), static_cast<double>(peak % kSize - kBlobCol));
  CHECK_MESSAGE(distance <= near_blob, "peak at (" << peak / kSize << ", " << peak % kSize << ")");
  double inside = 0, outside = 0;
  int n_inside = 0, n_outside = 0;
  for (std::int64_t r = 0; r < kSize; ++r)
    for (std::int64_t c = 0; c < kSize; ++c) {
      const bool near = std::hypot(static_cast<double>(r - kBlobRow), static_cast<double>(c - kBlobCol)) <= near_blob;
      (near ? inside : outside) += map[static_cast<std::size_t>(r * kSize + c)];
      ++(near ? n_inside : n_outside);
    }
  MESSAGE("mean saliency near the blob " << inside / n_inside << ", elsewhere " << outside / n_outside);
  CHECK(inside / n_inside > 2.5 * outside / n_outside);
}
