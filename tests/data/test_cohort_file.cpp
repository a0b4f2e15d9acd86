// The cohort file: the layout data/SCHEMA.md documents, round trips, bit-identical regeneration, and the
// rendered anatomy (masks ordered cranio-caudally, disc signal falling with the Pfirrmann grade).
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "base/check.h"
#include "data/cohort/cohort_file.h"
#include "data/io/file_lock.h"
#include "data/synth/generate.h"
#include "data/synth/render.h"
#include "tests/support/synthetic.h"
#include "tests/support/temp_dir.h"

using namespace ldd;
using namespace ldd::synth;
using ldd::testing::TempDir;

namespace {

SynthConfig small_config(std::int64_t subjects) { return ldd::testing::small_synth_config(subjects, 4); }

std::string bytes_of(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_CASE("a generated cohort has the documented layout and reads back" * doctest::test_suite("smoke")) {
  TempDir dir;
  const SynthConfig config = small_config(3);
  const auto summary = generate_cohort(config, dir / "c.h5");
  const hdf5::File f = hdf5::File::open_read(dir / "c.h5");
  CHECK(f.string_attribute("/", "format") == "ldd-cohort");
  CHECK(f.int_attribute("/", "version") == 1);
  CHECK(f.string_attribute("/", "source") == "synth");
  CHECK(f.string_attribute("/", "orientation") == "LR,SI,AP");
  CHECK(f.string_attribute("/", "config") == config.to_yaml());
  const std::string s = "/subjects/SYN00001";
  for (const char* attr : {"age", "bmi", "sex", "institution"}) CHECK(f.has_attribute(s, attr));
  CHECK(f.shape(s + "/grades") == hdf5::Dims{2, 3, 5});
  for (const char* visit : {"baseline", "followup"}) {
    const std::string v = s + "/" + visit;
    CHECK(f.shape(v + "/image") == hdf5::Dims{4, 224, 168});
    CHECK(f.shape(v + "/truth/vertebra_mask") == hdf5::Dims{4, 224, 168});
    CHECK(f.shape(v + "/truth/disc_centres") == hdf5::Dims{5, 2});
    CHECK(f.double_attribute(v, "spacing_slice_mm") == 6.0);
    CHECK(f.double_attribute(v, "spacing_row_mm") == 1.25);
    CHECK(f.double_attribute(v, "intensity_scale") == 1.0);
  }
  CHECK(f.shape(s + "/truth/propensity") == hdf5::Dims{5});
  CHECK(f.shape(s + "/truth/risk_signs") == hdf5::Dims{5, kRiskSigns});

  const CohortReader reader(dir / "c.h5");
  CHECK(reader.subject_ids() == std::vector<std::string>{"SYN00001", "SYN00002", "SYN00003"});
  const SubjectRecord r = reader.subject("SYN00002");
  CHECK(r.grades == summary.population.subjects[1].record.grades);
  CHECK(r.age == summary.population.subjects[1].record.age);
  const Volume v = reader.volume("SYN00002", Visit::FollowUp);
  CHECK(v.shape == std::array<std::int64_t, 3>{4, 224, 168});
  CHECK(reader.true_vertebra_mask("SYN00002", Visit::Baseline).has_value());
  const auto risk = reader.true_risk("SYN00002");
  REQUIRE(risk.has_value());
  CHECK(risk->propensity == summary.population.subjects[1].propensity);
  CHECK(risk->signs_per_disc == kRiskSigns);
  CHECK(risk->signs[3 * kRiskSigns + 1] == summary.population.subjects[1].risk_signs[3][1]);
  CHECK_THROWS_WITH_AS(reader.subject("nobody"), doctest::Contains("has no subject 'nobody'"), Error);
}

TEST_CASE("the same seed writes a byte-identical cohort file and another seed a different one") {
  TempDir dir;
  SynthConfig config = small_config(2);
  generate_cohort(config, dir / "a.h5");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // a timestamp anywhere in the file would differ
  generate_cohort(config, dir / "b.h5");
  config.seed = 2;
  generate_cohort(config, dir / "c.h5");
  CHECK(bytes_of(dir / "a.h5") == bytes_of(dir / "b.h5"));
  CHECK(bytes_of(dir / "a.h5") != bytes_of(dir / "c.h5"));
}

TEST_CASE("rendered vertebrae are ordered cranio-caudally and disc signal falls with the Pfirrmann grade") {
  const SynthConfig config = small_config(12);
  const Population pop = draw_population(config);
  const std::int64_t rows = 224, cols = 168, plane = rows * cols, mid = 2;
  std::array<double, 5> signal_sum{}, signal_count{};
  for (std::size_t i = 0; i < pop.subjects.size(); ++i) {
    const RenderedSubject r = render_subject(config, pop.subjects[i], static_cast<std::int64_t>(i));
    const auto& mask = r.visits[0].vertebra_mask;
    const auto& image = r.visits[0].image;
    // Centroid row and column of each label on the mid slice.
    std::array<double, 8> row_sum{}, col_sum{}, count{};
    for (std::int64_t p = 0; p < plane; ++p) {
      const int label = mask[static_cast<std::size_t>(mid * plane + p)];
      row_sum[static_cast<std::size_t>(label)] += static_cast<double>(p / cols);
      col_sum[static_cast<std::size_t>(label)] += static_cast<double>(p % cols);
      count[static_cast<std::size_t>(label)] += 1;
    }
    for (int label = 1; label <= 6; ++label) REQUIRE(count[static_cast<std::size_t>(label)] > 100);
    for (int label = 1; label < 6; ++label)
      CHECK(row_sum[static_cast<std::size_t>(label)] / count[static_cast<std::size_t>(label)] <
            row_sum[static_cast<std::size_t>(label + 1)] / count[static_cast<std::size_t>(label + 1)]);
    CHECK(row_sum[7] / count[7] < row_sum[1] / count[1]);  // T12 above L1
    // Disc centre: halfway between consecutive body centroids; mean of a 3x3 patch.
    for (int level = 0; level < 5; ++level) {
      const auto a = static_cast<std::size_t>(level + 1), b = static_cast<std::size_t>(level + 2);
      const auto cr = static_cast<std::int64_t>((row_sum[a] / count[a] + row_sum[b] / count[b]) / 2);
      const auto cc = static_cast<std::int64_t>((col_sum[a] / count[a] + col_sum[b] / count[b]) / 2);
      double patch = 0;
      for (std::int64_t dr = -1; dr <= 1; ++dr)
        for (std::int64_t dc = -1; dc <= 1; ++dc) patch += image[static_cast<std::size_t>(mid * plane + (cr + dr) * cols + cc + dc)];
      const int grade = pop.subjects[i].record.grade(Visit::Baseline, Pathology::Pfirrmann, level);
      signal_sum[static_cast<std::size_t>(grade - 1)] += patch / 9;
      signal_count[static_cast<std::size_t>(grade - 1)] += 1;
    }
  }
  // Grades 2, 3 and 4 are common: their mean disc signal must fall in that order.
  const double g2 = signal_sum[1] / signal_count[1], g3 = signal_sum[2] / signal_count[2], g4 = signal_sum[3] / signal_count[3];
  INFO("mean disc-centre signal by Pfirrmann grade 2 / 3 / 4: " << g2 << " / " << g3 << " / " << g4);
  CHECK(g2 > g3);
  CHECK(g3 > g4);
}

TEST_CASE("every risk sign changes the baseline image where it should, and an amplitude of 0 removes it") {
  SynthConfig config = small_config(1);
  config.risk_signs.height_loss = 0.06;  // off by default; drawn here so every sign is tested
  const Population pop = draw_population(config);
  SyntheticSubject plain = pop.subjects[0];
  for (auto& level : plain.risk_signs) level.fill(0.0f);
  const auto reference = render_subject(config, plain, 0).visits[0];
  const std::int64_t rows = 224, cols = 168, plane = rows * cols, mid = 2;
  for (int k = 0; k < kRiskSigns; ++k) {
    CAPTURE(kRiskSignNames[k]);
    SyntheticSubject marked = plain;
    marked.risk_signs[2][static_cast<std::size_t>(k)] = 2.0f;  // L3-L4
    const auto drawn = render_subject(config, marked, 0).visits[0];
    CHECK(drawn.image != reference.image);  // same noise draws: only the sign differs
    if (k == static_cast<int>(RiskSign::NucleusSignalLoss)) {
      // The disc centre is darker: the same pixels, 20 % less nucleus signal.
      const auto [r, c] = reference.disc_centres[2];
      const auto at = static_cast<std::size_t>(mid * plane + static_cast<std::int64_t>(r) * cols + static_cast<std::int64_t>(c));
      CHECK(drawn.image[at] < reference.image[at]);
    }
    SynthConfig without = config;
    auto amplitudes = without.risk_signs.as_array();
    amplitudes[static_cast<std::size_t>(k)] = 0.0;
    without.risk_signs = {amplitudes[0], amplitudes[1], amplitudes[2], amplitudes[3], amplitudes[4], amplitudes[5]};
    CHECK(render_subject(without, marked, 0).visits[0].image == reference.image);
  }
}

TEST_CASE("a file that is not a cohort is refused with its name") {
  TempDir dir;
  {
    auto f = hdf5::File::create(dir / "x.h5");
    f.write<float>("/x", std::vector<float>{1}, {1});
    f.commit();
  }
  CHECK_THROWS_WITH_AS(CohortReader(dir / "x.h5"), doctest::Contains("x.h5' is not an ldd cohort file"), Error);
}

TEST_CASE("a cohort value off its range is refused naming the subject and the field") {
  TempDir dir;
  generate_cohort(small_config(1), dir / "good.h5");
  const std::string s = "/subjects/SYN00001";
  struct Edit {
    const char* expected;
    std::function<void(hdf5::File&)> apply;
  };
  const std::vector<Edit> edits{
      {"grades holds 99 for the baseline schneiderman grade of L1-L2", [&](hdf5::File& f) {
         std::vector<std::int32_t> grades(30, 2);
         grades[0] = 99;
         f.remove(s + "/grades");
         f.write<std::int32_t>(s + "/grades", grades, {2, 3, 5});
       }},
      {"grades holds 0 for the followup pfirrmann grade of L5-S1", [&](hdf5::File& f) {
         std::vector<std::int32_t> grades(30, 1);
         grades[29] = 0;
         f.remove(s + "/grades");
         f.write<std::int32_t>(s + "/grades", grades, {2, 3, 5});
       }},
      {"attribute age is inf", [&](hdf5::File& f) { f.set_attribute(s, "age", INFINITY); }},
      {"attribute bmi is -3", [&](hdf5::File& f) { f.set_attribute(s, "bmi", -3.0); }},
      {"attribute spacing_row_mm is 0", [&](hdf5::File& f) { f.set_attribute(s + "/baseline", "spacing_row_mm", 0.0); }},
      {"attribute intensity_scale is nan", [&](hdf5::File& f) { f.set_attribute(s + "/baseline", "intensity_scale", NAN); }},
  };
  for (const Edit& edit : edits) {
    CAPTURE(edit.expected);
    std::filesystem::copy_file(dir / "good.h5", dir / "bad.h5", std::filesystem::copy_options::overwrite_existing);
    {
      hdf5::File f = hdf5::File::open_read_write(dir / "bad.h5");
      edit.apply(f);
    }
    const CohortReader reader(dir / "bad.h5");
    const auto read_all = [&] {
      (void)reader.subject("SYN00001");
      (void)reader.volume("SYN00001", Visit::Baseline);
    };
    CHECK_THROWS_WITH_AS(read_all(), doctest::Contains(edit.expected), Error);
  }
  const CohortReader good(dir / "good.h5");
  CHECK_NOTHROW(good.subject("SYN00001"));
  CHECK_NOTHROW(good.volume("SYN00001", Visit::Baseline));
}

TEST_CASE("a second writer of a cohort stops at once, naming the first") {
  TempDir dir;
  CohortWriter first(dir / "c.h5", {"synth", "", 1});
  CHECK_THROWS_WITH_AS(CohortWriter(dir / "c.h5", {"ingest", "", 0}), doctest::Contains("c.h5 is being written by synth (pid"), Error);
  CHECK_THROWS_WITH_AS(io::FileLock(dir / "c.h5", "segflow"), doctest::Contains("is being written by synth"), Error);
  first.commit();
}
