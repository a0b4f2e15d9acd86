// The grading report's hand-crafted baseline: the disc band's signal against the bodies' recovers grades
// that the disc's signal shows, and only from its training discs.
#include <doctest/doctest.h>

#include "nn/random.h"
#include "train/handcrafted_grader.h"

using namespace ldd;
using namespace ldd::train;

namespace {

// Crops 3 x 24 x 24: bodies (rows 0-9, 14-23) at 1.0, the disc band (rows 10-13) brighter the lower its grade.
DiscDataset discs_whose_signal_shows_the_grade(int n, Generator& gen) {
  DiscDataset d;
  d.pathology = Pathology::Pfirrmann;
  d.target = Target::Current;
  d.slices = 3;
  d.rows = d.cols = 24;
  for (int i = 0; i < n; ++i) {
    const int grade = static_cast<int>(gen.next_u64() % 5), level = static_cast<int>(gen.next_u64() % 5);
    d.samples.push_back({static_cast<std::size_t>(i), level, grade, -1, grade});
    for (std::int64_t s = 0; s < 3; ++s)
      for (std::int64_t r = 0; r < 24; ++r)
        for (std::int64_t c = 0; c < 24; ++c)
          d.crops.push_back(static_cast<float>((r >= 10 && r < 14 ? 3.0 - 0.6 * grade : 1.0) + 0.1 * gen.normal()));
  }
  return d;
}

}  // namespace

TEST_CASE("the hand-crafted grader reads the grade from the disc's signal against the bodies'") {
  Generator gen(4);
  const DiscDataset d = discs_whose_signal_shows_the_grade(300, gen);
  const auto f = disc_signal_features(d, 0);
  CHECK(f[0] == doctest::Approx(2.0 - 0.6 * d.samples[0].label).epsilon(0.05));  // band minus bodies
  std::vector<std::size_t> train, test;
  for (std::size_t i = 0; i < d.samples.size(); ++i) (i < 200 ? train : test).push_back(i);
  const auto grades = handcrafted_grades(d, train, test);
  REQUIRE(grades.size() == test.size());
  int right = 0;
  for (std::size_t k = 0; k < test.size(); ++k) right += grades[k] == d.samples[test[k]].label;
  CHECK(right >= 90);  // of 100: the grades are 0.6 apart against noise of 0.1 / sqrt(band pixels)
  // Relabelling the test discs changes nothing: they are never fitted on.
  DiscDataset relabelled = d;
  for (std::size_t i : test) relabelled.samples[i].label = 4 - relabelled.samples[i].label;
  CHECK(handcrafted_grades(relabelled, train, test) == grades);
}
