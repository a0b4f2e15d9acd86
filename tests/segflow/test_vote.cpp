// SegFlow's proposals and votes on synthetic subjects: the confident labels they hand to the
// refinement network must be right, and the voted mask must already overlap the true vertebrae.
// (Floors, not targets: the refinement network is what SegFlow's Dice goal is set for.)
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "data/synth/population.h"
#include "data/synth/render.h"
#include "segflow/proposals.h"
#include "segflow/vote.h"
#include "tests/support/synthetic.h"

using namespace ldd;

TEST_CASE("voted labels are right where confident and the voted mask overlaps the true vertebrae") {
  const auto config = ldd::testing::small_synth_config(3, 8);
  const auto pop = synth::draw_population(config);
  double fg = 0, fg_right = 0, bg = 0, bg_right = 0, inter = 0, voted = 0, truth = 0;
  for (std::size_t i = 0; i < pop.subjects.size(); ++i) {
    const auto r = synth::render_subject(config, pop.subjects[i], static_cast<std::int64_t>(i));
    const auto& visit = r.visits[0];
    const Volume volume{{8, 224, 168}, {6.0, 1.25, 1.25}, visit.image, 1.0};
    const segflow::Votes votes = segflow::vote(volume);
    // The sacrum below S1 is bone that the true mask leaves out (label 0): a foreground vote there is not
    // counted either way.
    for (std::size_t k = 0; k < votes.labels.size(); ++k) {
      const bool vertebra = visit.vertebra_mask[k] != 0;
      if (votes.labels[k] == 1 && !visit.sacrum_mask[k]) fg += 1, fg_right += vertebra;
      if (votes.labels[k] == 0) bg += 1, bg_right += !vertebra;
      inter += votes.fraction[k] >= 0.5 && vertebra;
      voted += votes.fraction[k] >= 0.5;
      truth += vertebra;
    }
  }
  const double dice = 2 * inter / (voted + truth);
  INFO("foreground labels " << fg_right / fg << " right, background " << bg_right / bg << ", voted Dice " << dice);
  CHECK(fg_right / fg >= 0.95);
  CHECK(bg_right / bg >= 0.97);
  CHECK(dice >= 0.75);
}

namespace {

// The mid-sagittal slice of a synthetic subject as a one-slice series, as SPIDER's are.
Volume synthetic_mid_slice(std::uint64_t seed) {
  auto config = ldd::testing::small_synth_config(1, 8);
  config.seed = seed;
  const auto pop = synth::draw_population(config);
  const auto r = synth::render_subject(config, pop.subjects[0], 0);
  const std::int64_t plane = 224 * 168;
  std::vector<std::uint16_t> mid(r.visits[0].image.begin() + 4 * plane, r.visits[0].image.begin() + 5 * plane);
  return Volume{{1, 224, 168}, {6.0, 1.25, 1.25}, mid, 1.0};
}

}  // namespace

TEST_CASE("a slice with rough marrow has its edge barriers widened, and its bodies are voted") {
  Volume v = synthetic_mid_slice(3);
  REQUIRE(segflow::voted_bodies(segflow::vote(v), v) >= 4);
  // Mottle: 20 % multiplicative texture in blobs of about 4 mm (noise drawn every 3 pixels, interpolated
  // bilinearly), as rough as the marrow of an 8-bit, 0.6 mm real slice.
  std::mt19937 rng(11);
  std::normal_distribution<double> draw(0.0, 0.2);
  const std::int64_t rows = v.shape[1], cols = v.shape[2], step = 3, grid_cols = cols / step + 2;
  std::vector<double> coarse(static_cast<std::size_t>((rows / step + 2) * grid_cols));
  for (auto& x : coarse) x = draw(rng);
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < cols; ++c) {
      const std::int64_t gr = r / step, gc = c / step;
      const double fr = static_cast<double>(r % step) / step, fc = static_cast<double>(c % step) / step;
      auto at = [&](std::int64_t i, std::int64_t j) { return coarse[static_cast<std::size_t>(i * grid_cols + j)]; };
      const double mottle = (1 - fr) * ((1 - fc) * at(gr, gc) + fc * at(gr, gc + 1)) + fr * ((1 - fc) * at(gr + 1, gc) + fc * at(gr + 1, gc + 1));
      auto& x = v.voxels[static_cast<std::size_t>(r * cols + c)];
      x = static_cast<std::uint16_t>(std::clamp(x * (1.0 + mottle), 0.0, 65535.0));
    }
  const segflow::Votes widened = segflow::vote(v);
  segflow::VoteOptions fixed;
  fixed.reference_marrow_gradient = 1e9;  // the barrier as it was set on smooth series
  const segflow::Votes unwidened = segflow::vote(v, fixed);
  INFO("marrow gradient " << widened.marrow_gradient << ", barrier x" << widened.barrier_scale << "; bodies voted "
                          << segflow::voted_bodies(widened, v) << " widened, " << segflow::voted_bodies(unwidened, v) << " not");
  CHECK(widened.barrier_scale > 1.2);
  CHECK(unwidened.barrier_scale == 1.0);
  CHECK(segflow::voted_bodies(widened, v) >= segflow::kTeachingBodies);
  CHECK(segflow::voted_bodies(unwidened, v) < segflow::kTeachingBodies);
}

TEST_CASE("a spine off the field's centre is found by the second canal search") {
  // Dark field in front of the body (coil sensitivity falls away from the posterior spine coil): the
  // canal sits at about 80 % of the field, outside the first search's 30-70 %.
  const Volume centred = synthetic_mid_slice(5);
  const std::int64_t rows = 224, cols = 168, pad = 300;
  Volume v{{1, rows, cols + pad}, centred.spacing_mm, std::vector<std::uint16_t>(static_cast<std::size_t>(rows * (cols + pad)), 0), 1.0};
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> dark(0, 6);
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < cols + pad; ++c)
      v.voxels[static_cast<std::size_t>(r * (cols + pad) + c)] =
          c < pad ? static_cast<std::uint16_t>(dark(rng)) : centred.voxels[static_cast<std::size_t>(r * cols + c - pad)];
  const auto first = segflow::find_canal(v.intensities(), 1, {rows, cols + pad}, 1.25, 6.0);
  const segflow::Votes votes = segflow::vote(v);
  double moved = 0;
  for (std::size_t r = 0; r < first.size(); ++r)
    if (votes.canal[r] >= 0 && first[r] >= 0) moved = std::max(moved, std::abs(votes.canal[r] - first[r]) * 1.25);
  INFO("the voted canal lies up to " << moved << " mm from the first search's; bodies voted " << segflow::voted_bodies(votes, v));
  CHECK(moved >= 15.0);
  CHECK(segflow::voted_bodies(votes, v) >= 4);
  for (std::size_t r = 0; r < votes.canal.size(); ++r) REQUIRE((votes.canal[r] >= pad || votes.canal[r] == -1.0));  // -1: below the canal's end
}

TEST_CASE("the refinement learns from the first volumes that show a spine, made up by the best-voted others") {
  // Candidates in cohort order with their voted bodies.
  CHECK(segflow::teaching_volumes({5, 1, 3, 0, 4, 6}, 2) == std::vector<std::size_t>{0, 2});
  CHECK(segflow::teaching_volumes({5, 1, 3, 0, 4, 6}, 4) == std::vector<std::size_t>{0, 2, 4, 5});
  // Too few show three bodies: the others by bodies voted, ties in cohort order.
  CHECK(segflow::teaching_volumes({1, 0, 3, 2, 2}, 4) == std::vector<std::size_t>{2, 3, 4, 0});
  CHECK(segflow::teaching_volumes({1, 0}, 5) == std::vector<std::size_t>{0, 1});
  CHECK(segflow::teaching_volumes({4}, 0).empty());
}

TEST_CASE("voted regions: each 4-connected region voted vertebra with its size and rows; diagonal touches stay apart") {
  const std::int64_t rows = 6, cols = 5;
  std::vector<std::uint8_t> labels(static_cast<std::size_t>(rows * cols), 0);
  for (std::int64_t r = 1; r <= 3; ++r)
    for (std::int64_t c = 0; c <= 1; ++c) labels[static_cast<std::size_t>(r * cols + c)] = 1;  // 6 pixels, rows 1-3
  labels[4 * cols + 2] = 1;               // touches the first only diagonally
  labels[5 * cols + 4] = segflow::kIgnore;  // not a vote for vertebra
  const auto regions = segflow::voted_regions(labels.data(), rows, cols);
  REQUIRE(regions.size() == 2);
  CHECK(regions[0].pixels == 6);
  CHECK(regions[0].top == 1);
  CHECK(regions[0].bottom == 3);
  CHECK(regions[1].pixels == 1);
  CHECK(regions[1].top == 4);
  const Volume volume{{1, rows, cols}, {4.0, 2.0, 2.5}, std::vector<std::uint16_t>(static_cast<std::size_t>(rows * cols)), 1.0};
  CHECK(segflow::min_body_pixels(volume) == 20);  // 100 mm^2 of 5 mm^2 pixels
}
