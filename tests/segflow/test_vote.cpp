// SegFlow's proposals and votes on synthetic subjects: the confident labels they hand to the
// refinement network must be right, and the voted mask must already overlap the true vertebrae.
// (Floors, not targets: the refinement network is what SegFlow's Dice goal is set for.)
#include <doctest/doctest.h>

#include "data/synth/population.h"
#include "data/synth/render.h"
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
    for (std::size_t k = 0; k < votes.labels.size(); ++k) {
      const bool vertebra = visit.vertebra_mask[k] != 0;
      if (votes.labels[k] == 1) fg += 1, fg_right += vertebra;
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
