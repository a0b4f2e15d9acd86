// Disc regions from vertebra masks on synthetic subjects, against the renderer's true disc centres:
// every disc found, each box centre within 3 mm (SegFlow's acceptance figure), the paper's box size.
#include <doctest/doctest.h>

#include <cmath>

#include "base/check.h"
#include "data/synth/population.h"
#include "data/synth/render.h"
#include "nn/ops.h"
#include "segflow/disc_geometry.h"
#include "tests/support/synthetic.h"

using namespace ldd;

TEST_CASE("disc regions from true masks sit within 3 mm of the true disc centres" * doctest::test_suite("smoke")) {
  const auto config = ldd::testing::small_synth_config(6, 6);
  const auto pop = synth::draw_population(config);
  const std::array<std::int64_t, 3> shape{6, 224, 168};
  const std::array<double, 3> spacing{6.0, 1.25, 1.25};
  double worst = 0;
  for (std::size_t i = 0; i < pop.subjects.size(); ++i) {
    const auto rendered = synth::render_subject(config, pop.subjects[i], static_cast<std::int64_t>(i));
    for (const auto& visit : rendered.visits) {  // the follow-up is shifted and rotated
      const auto g = segflow::disc_geometry(visit.vertebra_mask, shape, spacing);
      CHECK(g.mean_width_mm > 25.0);
      CHECK(g.mean_width_mm < 45.0);
      for (int level = 0; level < kLevels; ++level) {
        REQUIRE(g.discs[static_cast<std::size_t>(level)].has_value());
        const auto& d = *g.discs[static_cast<std::size_t>(level)];
        const auto& truth = visit.disc_centres[static_cast<std::size_t>(level)];
        const double error = std::hypot(d.centre_mm[0] - truth[0] * 1.25, d.centre_mm[1] - truth[1] * 1.25);
        worst = std::max(worst, error);
        CHECK(d.height_mm == doctest::Approx(1.5 * g.mean_width_mm));
        CHECK(d.depth_mm == doctest::Approx(2.0 * g.mean_width_mm));
      }
    }
  }
  INFO("largest disc-centre error " << worst << " mm");
  CHECK(worst < 3.0);
}

TEST_CASE("a body the mask missed between two found ones is inferred, and the discs beside it are placed") {
  const auto config = ldd::testing::small_synth_config(6, 6);
  const auto pop = synth::draw_population(config);
  const std::array<std::int64_t, 3> shape{6, 224, 168};
  const std::array<double, 3> spacing{6.0, 1.25, 1.25};
  double worst = 0;
  for (std::size_t i = 0; i < pop.subjects.size(); ++i) {
    const auto visit = synth::render_subject(config, pop.subjects[i], static_cast<std::int64_t>(i)).visits[0];
    auto labels = visit.vertebra_mask;
    for (auto& l : labels)
      if (l == 3) l = 0;  // L3 missed
    const auto g = segflow::disc_geometry(labels, shape, spacing);
    REQUIRE(g.vertebrae[2].has_value());
    CHECK(g.vertebrae[2]->inferred);
    CHECK_FALSE(g.vertebrae[1]->inferred);
    for (int level : {1, 2}) {  // L2-L3 and L3-L4, beside the missed body
      REQUIRE(g.discs[static_cast<std::size_t>(level)].has_value());
      const auto& d = *g.discs[static_cast<std::size_t>(level)];
      const auto& truth = visit.disc_centres[static_cast<std::size_t>(level)];
      worst = std::max(worst, std::hypot(d.centre_mm[0] - truth[0] * 1.25, d.centre_mm[1] - truth[1] * 1.25));
    }
  }
  INFO("largest disc-centre error beside an inferred body " << worst << " mm");
  CHECK(worst < 6.0);  // placed from its neighbours' spacing, not seen: looser than the 3 mm of found bodies
}

TEST_CASE("the disc box crops the disc between its vertebrae into a standard size") {
  const auto config = ldd::testing::small_synth_config(1, 6);
  const auto pop = synth::draw_population(config);
  const auto rendered = synth::render_subject(config, pop.subjects[0], 0);
  const auto& visit = rendered.visits[0];
  const auto g = segflow::disc_geometry(visit.vertebra_mask, {6, 224, 168}, {6.0, 1.25, 1.25});
  // Crop the mask itself: the box's middle row (the disc) holds no vertebra, rows a quarter box above
  // and below the centre fall inside the two bodies (the box spans 1.5w, a body is about 0.8w tall).
  std::vector<float> mask(visit.vertebra_mask.begin(), visit.vertebra_mask.end());
  const Tensor volume = Tensor::from_vector({6, 224, 168}, mask);
  std::vector<OrientedBox> boxes;
  for (const auto& d : g.discs) boxes.push_back(d->box);
  const auto crops = crop_resize(volume, boxes, 6, 33, 31).to_vector();
  for (int level = 0; level < kLevels; ++level) {
    auto at = [&](int s, int r, int c) { return crops[static_cast<std::size_t>(((level * 6 + s) * 33 + r) * 31 + c)]; };
    CHECK(at(3, 16, 15) == 0.0f);                                        // disc
    CHECK(at(3, 4, 15) == doctest::Approx(level + 1).epsilon(0.001));    // upper body
    CHECK(at(3, 28, 15) == doctest::Approx(level + 2).epsilon(0.001));   // lower body
  }
}

TEST_CASE("fewer than two vertebrae is a clear error") {
  std::vector<std::uint8_t> labels(2 * 20 * 20, 0);
  for (std::size_t i = 0; i < 200; ++i) labels[i] = 1;
  CHECK_THROWS_WITH_AS(segflow::disc_geometry(labels, {2, 20, 20}, {1, 1, 1}), doctest::Contains("fewer than two lumbar vertebrae"),
                       Error);
}
