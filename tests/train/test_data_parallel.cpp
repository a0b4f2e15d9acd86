// Data-parallel training's arithmetic, in one process: the shards of a batch, each with its rows of the
// whole batch's dropout mask and its share of the loss's weight, add up to the whole batch's gradient;
// and a crop augmented from a separate draw is the crop augment_crop makes.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "nn/models/disc_grader.h"
#include "nn/ops.h"
#include "train/augment.h"
#include "train/data_parallel.h"

using namespace ldd;
using namespace ldd::train;

namespace {

// The quickstart's network (a narrower one's ReLUs are mostly dead at initialisation, where a wrong
// dropout mask hardly shows).
DiscGraderConfig quickstart_grader() {
  DiscGraderConfig c;
  c.vggm.in_channels = 9;
  c.vggm.height = c.vggm.width = 64;
  c.vggm.classes = 4;
  c.vggm.conv_channels = {24, 48, 64, 64, 64};
  c.vggm.fc_width = 256;
  c.vggm.dropout = 0.5f;
  c.side_inputs = 4;
  return c;
}

struct Batch {
  std::vector<float> crops, side;
  std::vector<int> targets;
  std::int64_t rows = 0;
};

Batch random_batch(std::int64_t rows, const DiscGraderConfig& c, Generator& gen) {
  Batch b;
  b.rows = rows;
  for (std::int64_t i = 0; i < rows * c.vggm.in_channels * c.vggm.height * c.vggm.width; ++i) b.crops.push_back(static_cast<float>(gen.normal()));
  for (std::int64_t i = 0; i < rows; ++i) {
    b.targets.push_back(static_cast<int>(gen.next_u64() % 4));
    for (int k = 0; k < 4; ++k) b.side.push_back(k == b.targets.back() % 2 ? 1.0f : 0.0f);
  }
  return b;
}

// The gradient of the class-weighted cross-entropy of rows [begin, end), times `share`, as flat_gradients
// lays it out; the dropout masks come from `seed`, at those rows of the whole batch (rows 0.. without `offset`).
std::vector<double> shard_gradient(DiscGrader& model, const Batch& b, std::size_t begin, std::size_t end, double share,
                                   const std::vector<float>& weights, std::uint64_t seed, bool offset = true) {
  const auto& c = model.config();
  const std::int64_t plane = c.vggm.in_channels * c.vggm.height * c.vggm.width, m = static_cast<std::int64_t>(end - begin);
  model.zero_grad();
  model.set_batch_offset(offset ? static_cast<std::int64_t>(begin) : 0);
  manual_seed(seed);
  const std::vector<float> crops(b.crops.begin() + static_cast<long>(begin) * plane, b.crops.begin() + static_cast<long>(end) * plane);
  const std::vector<float> side(b.side.begin() + static_cast<long>(begin) * 4, b.side.begin() + static_cast<long>(end) * 4);
  const std::vector<int> targets(b.targets.begin() + static_cast<long>(begin), b.targets.begin() + static_cast<long>(end));
  const Tensor logits = model.forward(Tensor::from_vector({m, c.vggm.in_channels, c.vggm.height, c.vggm.width}, crops),
                                      Tensor::from_vector({m, 4}, side));
  cross_entropy(logits, targets, {.class_weights = weights}).backward();
  model.set_batch_offset(0);
  return flat_gradients(model, share, {});
}

}  // namespace

TEST_CASE("a batch's shards cover its rows once, in order, for any number of ranks") {
  for (std::size_t rows : {1, 7, 16, 33})
    for (int ranks : {1, 2, 3, 5}) {
      std::size_t next = 0;
      for (int r = 0; r < ranks; ++r) {
        const Shard s = shard_of(rows, r, ranks);
        CHECK(s.begin == next);
        CHECK(s.size() <= rows / static_cast<std::size_t>(ranks) + 1);
        next = s.end;
      }
      CHECK(next == rows);
    }
  CHECK_THROWS(shard_of(4, 2, 2));
}

TEST_CASE("data-parallel shards with their dropout rows and loss shares add up to the whole batch's gradient") {
  const DiscGraderConfig c = quickstart_grader();
  Generator init(11), data(12);
  DiscGrader model(c, InitScheme::Kaiming, init);
  model.train();
  const Batch b = random_batch(7, c, data);
  const std::vector<float> weights = {0.5f, 1.0f, 2.0f, 3.0f};  // weighted: the shares differ from row counts
  const std::uint64_t seed = 99;
  const std::vector<double> whole = shard_gradient(model, b, 0, 7, 1.0, weights, seed);

  for (int ranks : {2, 3}) {
    std::vector<double> sum(whole.size(), 0.0);
    for (int r = 0; r < ranks; ++r) {
      const Shard s = shard_of(7, r, ranks);
      const double share = loss_weight(b.targets, weights, s.begin, s.end) / loss_weight(b.targets, weights, 0, 7);
      const auto g = shard_gradient(model, b, s.begin, s.end, share, weights, seed);
      for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += g[i];
    }
    double largest = 0, worst = 0;
    for (std::size_t i = 0; i < whole.size(); ++i) {
      largest = std::max(largest, std::abs(whole[i]));
      worst = std::max(worst, std::abs(sum[i] - whole[i]));
    }
    INFO(ranks << " ranks: largest gradient " << largest << ", largest difference " << worst);
    CHECK(largest > 1e-3);
    CHECK(worst <= 1e-5 * largest);
  }

  // The same shards each drawing rows 0.. of the mask (no batch offset): no longer the batch's step.
  std::vector<double> wrong(whole.size(), 0.0);
  for (int r = 0; r < 2; ++r) {
    const Shard s = shard_of(7, r, 2);
    const double share = loss_weight(b.targets, weights, s.begin, s.end) / loss_weight(b.targets, weights, 0, 7);
    const auto g = shard_gradient(model, b, s.begin, s.end, share, weights, seed, /*offset=*/false);
    for (std::size_t i = 0; i < wrong.size(); ++i) wrong[i] += g[i];
  }
  double differs = 0, largest = 0;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    differs = std::max(differs, std::abs(wrong[i] - whole[i]));
    largest = std::max(largest, std::abs(whole[i]));
  }
  INFO("largest gradient " << largest << ", largest difference without the offset " << differs);
  CHECK(differs > 0.1 * largest);
}

TEST_CASE("flat gradients go back into the parameters, with the extras after them") {
  const DiscGraderConfig c = quickstart_grader();
  Generator init(3);
  DiscGrader model(c, InitScheme::Kaiming, init);
  model.zero_grad();
  std::vector<double> flat = flat_gradients(model, 1.0, {2.5, 7});
  std::size_t n = 0;
  for (const auto& p : model.parameters()) n += static_cast<std::size_t>(p.numel());
  REQUIRE(flat.size() == n + 2);
  CHECK(std::all_of(flat.begin(), flat.end() - 2, [](double v) { return v == 0.0; }));  // no gradient yet: zeros
  for (std::size_t i = 0; i < n; ++i) flat[i] = static_cast<double>(i % 13) - 6.0;
  const auto extras = set_flat_gradients(model, flat, 2);
  CHECK(extras == std::vector<double>{2.5, 7});
  CHECK(flat_gradients(model, 0.5, {}) == [&] {
    std::vector<double> half(flat.begin(), flat.end() - 2);
    for (double& v : half) v *= 0.5;
    return half;
  }());
  flat.pop_back();
  CHECK_THROWS(set_flat_gradients(model, flat, 2));
}

TEST_CASE("a crop augmented from a separate draw is the crop augment_crop makes, and the generator moves on alike") {
  const AugmentOptions o{.flip = true, .rotation_deg = 8, .intensity_jitter = 0.2};
  Generator pixels(5);
  std::vector<float> crop(3 * 17 * 13);
  for (float& v : crop) v = static_cast<float>(pixels.normal());
  for (std::uint64_t seed : {1, 2, 3, 4}) {
    Generator a(seed), b(seed);
    std::vector<float> one(crop.size()), two(crop.size());
    augment_crop(crop.data(), one.data(), 3, 17, 13, o, a);
    apply_augmentation(crop.data(), two.data(), 3, 17, 13, draw_augmentation(o, b));
    CHECK(one == two);
    CHECK(a.next_u64() == b.next_u64());
  }
}

