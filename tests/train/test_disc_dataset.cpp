// The disc dataset: stored crops are used when they have the asked size, cut again from the baseline
// image and SegFlow's disc boxes when they do not; every crop is normalised to mean 0, sd 1; discs
// without a box or a grade are left out with the reason.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "base/check.h"
#include "data/cohort/cohort_file.h"
#include "data/cohort/segflow_result.h"
#include "nn/autograd.h"
#include "nn/ops/crop_resize.h"
#include "tests/support/temp_dir.h"
#include "train/disc_dataset.h"

using namespace ldd;
using ldd::testing::TempDir;

namespace {

constexpr std::int64_t D = 7, H = 41, W = 37;

std::vector<OrientedBox> boxes() {
  std::vector<OrientedBox> out(kLevels);
  for (int l = 0; l < kLevels; ++l) {
    auto& b = out[static_cast<std::size_t>(l)];
    b.corner[0] = 0.5f, b.corner[1] = 2.0f + 7.0f * static_cast<float>(l), b.corner[2] = 3.0f;
    b.axes[0][0] = 5.0f;                       // across the slices
    b.axes[1][1] = 6.0f, b.axes[1][2] = 1.0f;  // tilted rows
    b.axes[2][1] = -2.0f, b.axes[2][2] = 25.0f;
  }
  return out;
}

void normalise(std::vector<float>& x) {
  double sum = 0, sum2 = 0;
  for (float v : x) sum += v, sum2 += static_cast<double>(v) * v;
  const double mean = sum / static_cast<double>(x.size()), sd = std::sqrt(sum2 / static_cast<double>(x.size()) - mean * mean);
  for (float& v : x) v = static_cast<float>((v - mean) / sd);
}

}  // namespace

TEST_CASE("disc crops come from the cohort or are cut again at another size / normalised / discs without a box left out") {
  TempDir dir;
  SubjectRecord r;
  r.id = "S1";
  for (int l = 0; l < kLevels; ++l) {
    r.grades[0][static_cast<std::size_t>(Pathology::Pfirrmann)][static_cast<std::size_t>(l)] = 2 + l % 3;
    r.grades[1][static_cast<std::size_t>(Pathology::Pfirrmann)][static_cast<std::size_t>(l)] = l == 2 ? kMissingGrade : 3;
  }
  std::vector<std::uint16_t> voxels(D * H * W);
  for (std::size_t i = 0; i < voxels.size(); ++i) voxels[i] = static_cast<std::uint16_t>((i * 7919) % 1000);
  const Volume v{{D, H, W}, {4.0, 1.0, 1.0}, voxels, 0.5};
  {
    CohortWriter writer(dir / "c.h5", {"test", "", 1});
    writer.add_subject(r);
    writer.add_volume("S1", Visit::Baseline, v);
    writer.commit();
  }
  const auto box = boxes();
  const auto flat = pack_boxes(box);
  const Tensor volume = Tensor::from_vector({D, H, W}, v.intensities());
  const auto stored = crop_resize(volume, box, 3, 64, 64).to_vector();
  {
    CohortReader reader(dir / "c.h5", true);
    auto& f = reader.file_for_update();
    const std::string g = "/subjects/S1/baseline/segflow";
    f.write<float>(g + "/crops", stored, {kLevels, 3, 64, 64});
    f.write<float>(g + "/disc_boxes", flat, {kLevels, 12});
    f.write<std::int32_t>(g + "/disc_found", std::vector<std::int32_t>{1, 1, 1, 1, 0}, {kLevels});
    f.set_attribute(g, "status", std::string("ok"));
  }
  CHECK(train::has_segflow_results(dir / "c.h5"));
  CHECK_THROWS_AS(unpack_boxes(std::vector<float>(13)), Error);

  // L3-L4 has no follow-up grade and L5-S1 no box: three discs remain.
  const auto same = train::load_discs(dir / "c.h5", Pathology::Pfirrmann, train::Target::FollowUp, 3, 64);
  REQUIRE(same.samples.size() == 3);
  CHECK(same.recut_subjects == 0);
  CHECK(same.left_out.size() == 2);
  CHECK(same.samples[2].level == 3);
  CHECK(same.samples[2].baseline == 2 + 3 % 3 - 1);  // grade indices count from Pfirrmann 1
  CHECK(same.samples[2].followup == 2);
  std::vector<float> expected(stored.begin() + 3 * 3 * 64 * 64, stored.begin() + 4 * 3 * 64 * 64);
  normalise(expected);
  for (std::size_t i = 0; i < expected.size(); ++i) REQUIRE(same.crop(2)[i] == doctest::Approx(expected[i]).epsilon(1e-4));

  // Another size: cut again from the image with the same boxes.
  const auto other = train::load_discs(dir / "c.h5", Pathology::Pfirrmann, train::Target::FollowUp, 5, 72);
  REQUIRE(other.samples.size() == 3);
  CHECK(other.recut_subjects == 1);
  auto recut = crop_resize(volume, box, 5, 72, 72).to_vector();
  std::vector<float> first(recut.begin(), recut.begin() + 5 * 72 * 72);
  normalise(first);
  for (std::size_t i = 0; i < first.size(); ++i) REQUIRE(other.crop(0)[i] == doctest::Approx(first[i]).epsilon(1e-4));
}

TEST_CASE("a cohort's damaged SegFlow results are errors that name the dataset, never a crash or a guess") {
  TempDir dir;
  {
    CohortWriter writer(dir / "c.h5", {"test", "", 1});
    SubjectRecord r;
    r.id = "S1";
    for (auto& visit : r.grades)
      for (auto& scale : visit) scale.fill(2);
    writer.add_subject(r);
    writer.add_volume("S1", Visit::Baseline, {{2, 8, 8}, {1, 1, 1}, std::vector<std::uint16_t>(128, 100), 1.0});
    writer.commit();
  }
  const std::string group = visit_group("S1", Visit::Baseline) + "/segflow";
  auto write_results = [&](std::vector<std::int32_t> found, float crop_value, float box_value) {
    CohortReader reader(dir / "c.h5", true);
    auto& f = reader.file_for_update();
    f.remove(group);
    f.create_group(group);
    f.set_attribute(group, "status", std::string("ok"));
    f.write<std::int32_t>(group + "/disc_found", found, {static_cast<std::int64_t>(found.size())});
    f.write<float>(group + "/crops", std::vector<float>(kLevels * 3 * 64 * 64, crop_value), {kLevels, 3, 64, 64});
    f.write<float>(group + "/disc_boxes", std::vector<float>(kLevels * 12, box_value), {kLevels, 12});
  };
  auto load = [&](std::int64_t size = 64) { return train::load_discs(dir / "c.h5", Pathology::Pfirrmann, train::Target::FollowUp, 3, size); };
  write_results({}, 1.0f, 0.0f);
  CHECK_THROWS_WITH_AS(load(), doctest::Contains("disc_found has 0 values, expected 5"), Error);
  write_results({1, 1}, 1.0f, 0.0f);
  CHECK_THROWS_WITH_AS(load(), doctest::Contains("disc_found has 2 values, expected 5"), Error);
  write_results({1, 1, 1, 1, 1}, std::nanf(""), 0.0f);
  CHECK_THROWS_WITH_AS(load(), doctest::Contains("NaN or infinite"), Error);
  write_results({1, 1, 1, 1, 1}, 1.0f, std::numeric_limits<float>::infinity());
  CHECK_THROWS_WITH_AS(load(72), doctest::Contains("disc_boxes holds NaN or infinite values"), Error);  // re-cut at another size
}

TEST_CASE("the level covariate runs from -1 at L1-L2 to +1 at L5-S1; the clinical ones ignore the level") {
  SubjectRecord s;
  s.age = 55;
  CHECK(train::covariate_value(s, "level", 0) == doctest::Approx(-1.0));
  CHECK(train::covariate_value(s, "level", 2) == doctest::Approx(0.0));
  CHECK(train::covariate_value(s, "level", 4) == doctest::Approx(1.0));
  CHECK(train::covariate_value(s, "age", 0) == train::covariate_value(s, "age", 4));
  CHECK_THROWS_WITH_AS(train::covariate_value(s, "height", 0), doctest::Contains("accepted: age, sex, bmi, level"), Error);
}
