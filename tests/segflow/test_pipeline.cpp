// The segflow stage on a cohort file: masks, disc boxes and crops written back as data/SCHEMA.md says,
// a volume without a spine flagged while the others go on, nothing of the cohort lost, QC PNGs written.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "base/check.h"
#include "data/cohort/cohort_file.h"
#include "data/cohort/segflow_result.h"
#include "data/synth/population.h"
#include "data/synth/render.h"
#include "segflow/pipeline.h"
#include "tests/support/synthetic.h"
#include "tests/support/temp_dir.h"
#include "train/experiment_config.h"

using namespace ldd;
using ldd::testing::TempDir;

TEST_CASE("segflow writes masks / disc boxes and crops into the cohort and flags a volume without a spine") {
  TempDir dir;
  const auto config = ldd::testing::small_synth_config(3, 6);
  const auto pop = synth::draw_population(config);
  const std::array<std::int64_t, 3> shape{6, 224, 168};
  std::vector<std::array<std::array<double, 2>, kLevels>> true_centres;  // (row, col) per level, in pixels
  {
    CohortWriter writer(dir / "c.h5", {"synth", config.to_yaml(), config.seed});
    for (std::size_t i = 0; i < pop.subjects.size(); ++i) {
      const auto r = synth::render_subject(config, pop.subjects[i], static_cast<std::int64_t>(i));
      writer.add_subject(pop.subjects[i].record);
      writer.add_volume(pop.subjects[i].record.id, Visit::Baseline, {shape, {6.0, 1.25, 1.25}, r.visits[0].image, 1.0});
      writer.add_true_vertebra_mask(pop.subjects[i].record.id, Visit::Baseline, shape, r.visits[0].vertebra_mask);
      true_centres.push_back(r.visits[0].disc_centres);
    }
    SubjectRecord blank = pop.subjects[0].record;
    blank.id = "BLANK";
    writer.add_subject(blank);
    writer.add_volume("BLANK", Visit::Baseline, {shape, {6.0, 1.25, 1.25}, std::vector<std::uint16_t>(6 * 224 * 168, 0), 1.0});
    SubjectRecord tiny = pop.subjects[0].record;  // an extent no spine fits in: it crashed the canal search
    tiny.id = "TINY";
    writer.add_subject(tiny);
    writer.add_volume("TINY", Visit::Baseline, {{1, 3, 2}, {6.0, 1.25, 1.25}, std::vector<std::uint16_t>(6, 100), 1.0});
    SubjectRecord unreadable = pop.subjects[0].record;  // the cohort reader refuses its volume
    unreadable.id = "UNREADABLE";
    writer.add_subject(unreadable);
    writer.add_volume("UNREADABLE", Visit::Baseline, {{1, 3, 2}, {6.0, 1.25, 1.25}, std::vector<std::uint16_t>(6, 100), NAN});
    writer.commit();
  }
  segflow::SegflowOptions options;
  options.train_volumes = 2;
  options.refine.steps = 120;
  options.crop_slices = 5;
  options.crop_rows = options.crop_cols = 32;
  options.qc_folder = dir / "qc";
  const auto summary = segflow::run_segflow(dir / "c.h5", options);
  CHECK(summary.volumes == 6);
  CHECK(summary.succeeded == 3);
  REQUIRE(summary.failures.size() == 3);
  CHECK(summary.failures[0].rfind("BLANK/baseline: ", 0) == 0);
  CHECK(summary.failures[1].find("TINY/baseline: the volume is 1 x 3 x 2 voxels: too small") == 0);
  CHECK(summary.failures[2].find("UNREADABLE/baseline: ") == 0);
  CHECK(summary.failures[2].find("intensity_scale is nan, not positive") != std::string::npos);

  const CohortReader reader(dir / "c.h5");
  CHECK(reader.subject_ids().size() == 6);
  CHECK(reader.subject("SYN00002").grades == pop.subjects[1].record.grades);  // nothing lost
  const auto& f = reader.file();
  CHECK(f.string_attribute("/subjects/BLANK/baseline/segflow", "status").rfind("failed: ", 0) == 0);
  // A failed volume has its QC image too (its mid-slice framed in red), so a contact sheet shows them all.
  CHECK(std::filesystem::exists(dir / "qc" / "BLANK_baseline.png"));
  CHECK(std::filesystem::exists(dir / "qc" / "TINY_baseline.png"));
  CHECK(std::filesystem::exists(dir / "qc" / "UNREADABLE_baseline.png"));  // a red-framed blank
  double dice_sum = 0, worst_centre_mm = 0;
  for (const char* id : {"SYN00001", "SYN00002", "SYN00003"}) {
    const std::string g = std::string("/subjects/") + id + "/baseline/segflow";
    CHECK(f.string_attribute(g, "status") == "ok");
    CHECK(f.shape(g + "/vertebra_mask") == hdf5::Dims{6, 224, 168});
    CHECK(f.shape(g + "/disc_boxes") == hdf5::Dims{5, 12});
    CHECK(f.shape(g + "/crops") == hdf5::Dims{5, 5, 32, 32});
    CHECK(f.read<std::int32_t>(g + "/disc_found") == std::vector<std::int32_t>{1, 1, 1, 1, 1});
    // Each disc box's centre (corner + half of each edge vector, in voxels) against the true disc centre.
    const auto boxes = unpack_boxes(f.read<float>(g + "/disc_boxes"));
    const auto& truth_centres = true_centres[static_cast<std::size_t>(id[7] - '1')];
    for (std::size_t level = 0; level < kLevels; ++level) {
      const auto& b = boxes[level];
      const double row = b.corner[1] + 0.5 * (b.axes[0][1] + b.axes[1][1] + b.axes[2][1]);
      const double col = b.corner[2] + 0.5 * (b.axes[0][2] + b.axes[1][2] + b.axes[2][2]);
      worst_centre_mm = std::max(worst_centre_mm, 1.25 * std::hypot(row - truth_centres[level][0], col - truth_centres[level][1]));
    }
    const auto mask = f.read<std::uint8_t>(g + "/vertebra_mask");
    const auto truth = *reader.true_vertebra_mask(id, Visit::Baseline);
    double inter = 0, a = 0, b = 0;
    for (std::size_t k = 0; k < mask.size(); ++k) {
      inter += mask[k] != 0 && truth[k] != 0;
      a += mask[k] != 0;
      b += truth[k] != 0;
    }
    dice_sum += 2 * inter / (a + b);
    // Naming: each true body (synthetic labels are SegFlow's: L1-L5 1-5, S1 6, T12 7) is mostly covered
    // by the label of its own level, and the naming says it is sure of the lumbar levels.
    std::map<int, std::map<int, std::int64_t>> cover;
    for (std::size_t k = 0; k < mask.size(); ++k)
      if (truth[k] && mask[k]) ++cover[truth[k]][mask[k]];
    for (const auto& [level, named] : cover) {
      const auto best = std::max_element(named.begin(), named.end(), [](const auto& x, const auto& y) { return x.second < y.second; });
      CHECK_MESSAGE(best->first == level, id << ": true label " << level << " named " << best->first);
    }
    CHECK(cover.size() == 7);
    CHECK(f.int_attribute(g, "naming_confident_positions") >= 6);
    CHECK(std::filesystem::exists(dir / "qc" / (std::string(id) + "_baseline.png")));
  }
  INFO("mean Dice of the stored masks " << dice_sum / 3 << ", largest disc-centre error " << worst_centre_mm << " mm");
  CHECK(dice_sum / 3 > 0.85);
  CHECK(worst_centre_mm < 3.0);  // SegFlow's acceptance figure: every disc found, each centre within 3 mm
  CHECK(!std::filesystem::exists(dir / "c.h5.segflow-tmp"));

  // The trained refinement network is kept in the cohort; another cohort segmented by it (as `predict`
  // does for a new cohort) trains nothing and gets the same mask for the same volume.
  REQUIRE(segflow::has_stored_refinement(dir / "c.h5"));
  // with the grids it learnt at, which decide where it may read a volume on another grid
  const auto kept = segflow::load_refinement(dir / "c.h5");
  CHECK(kept->learnt_grids_mm[0] == doctest::Approx(segflow::own_grid_mm(reader.volume("SYN00001", Visit::Baseline))));
  CHECK(kept->learnt_grids_mm[1] == doctest::Approx(kept->learnt_grids_mm[0]));
  {
    CohortWriter writer(dir / "one.h5", {"synth", config.to_yaml(), config.seed});
    writer.add_subject(pop.subjects[1].record);
    writer.add_volume("SYN00002", Visit::Baseline, reader.volume("SYN00002", Visit::Baseline));
    writer.commit();
  }
  auto reuse = options;
  reuse.refinement_from = dir / "c.h5";
  reuse.train_volumes = 0;  // nothing may be trained
  reuse.qc_folder.clear();
  REQUIRE(segflow::run_segflow(dir / "one.h5", reuse).succeeded == 1);
  CHECK_FALSE(segflow::has_stored_refinement(dir / "one.h5"));  // it trained none of its own
  CHECK(CohortReader(dir / "one.h5").file().read<std::uint8_t>("/subjects/SYN00002/baseline/segflow/vertebra_mask") ==
        f.read<std::uint8_t>("/subjects/SYN00002/baseline/segflow/vertebra_mask"));

  // Run again with another crop size: every earlier result is replaced (it used to fail on the datasets
  // that already existed), the blank volume is still the one failure.
  options.refine.steps = 40;
  options.crop_slices = 3;
  options.crop_rows = options.crop_cols = 24;
  options.qc_folder.clear();
  const auto again = segflow::run_segflow(dir / "c.h5", options);
  for (const auto& failure : again.failures) CHECK_MESSAGE(failure.find("already exists") == std::string::npos, failure);
  const CohortReader rerun(dir / "c.h5");
  for (const char* id : {"SYN00001", "SYN00002", "SYN00003"}) {
    const std::string g = std::string("/subjects/") + id + "/baseline/segflow";
    if (rerun.file().string_attribute(g, "status") == "ok") CHECK(rerun.file().shape(g + "/crops") == hdf5::Dims{5, 3, 24, 24});
  }
  CHECK(rerun.file().string_attribute("/subjects/BLANK/baseline/segflow", "status").rfind("failed: ", 0) == 0);

  // One training volume: the first baseline, BLANK, shows no spine, so the network learns from the next
  // one whose votes show bodies (trained on BLANK's votes alone it had nothing to learn from, and the
  // whole run stopped).
  options.train_volumes = 1;
  options.refine.steps = 120;
  segflow::SegflowSummary one;
  REQUIRE_NOTHROW(one = segflow::run_segflow(dir / "c.h5", options));
  CHECK(one.succeeded >= 2);
}

TEST_CASE("SegFlow's defaults and limits live in SegflowOptions: experiments start from them and run_segflow refuses what is out of range") {
  const segflow::SegflowOptions defaults;
  CHECK(defaults.refine.steps == 300);  // what the `segflow` command and experiments have always used
  const train::ExperimentConfig experiment;
  CHECK(experiment.segflow_steps == defaults.refine.steps);
  CHECK(experiment.segflow_train_volumes == defaults.train_volumes);
  CHECK(experiment.crop_slices == defaults.crop_slices);
  CHECK(experiment.crop_size == defaults.crop_rows);
  // Refused before the cohort is looked at (it does not exist here), with the option named.
  auto refusal = [](auto change) {
    segflow::SegflowOptions o;
    change(o);
    try {
      segflow::run_segflow("/nonexistent/cohort.h5", o);
    } catch (const ldd::Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(refusal([](segflow::SegflowOptions& o) { o.refine.steps = 0; }).find("segflow: steps 0: between 1 and") == 0);
  CHECK(refusal([](segflow::SegflowOptions& o) { o.train_volumes = segflow::SegflowOptions::kMaxTrainVolumes + 1; }).find("segflow: train volumes") == 0);
  CHECK(refusal([](segflow::SegflowOptions& o) { o.crop_rows = 0; }).find("segflow: crop 9x0x112") == 0);
  segflow::SegflowOptions o;
  o.crop_slices = 65;
  CHECK_THROWS_WITH_AS(o.validate(), doctest::Contains("segflow: crop 65x112x112"), ldd::Error);
  CHECK_NOTHROW(defaults.validate());
}

TEST_CASE("of a volume's readings on several grids the surest is kept: names sure first, then discs placed") {
  using segflow::reading_score;
  CHECK(reading_score(6, 3) > reading_score(5, 5));  // a naming sure up to L1 beats more discs with a name in doubt
  CHECK(reading_score(0, 5) > reading_score(0, 4));
  CHECK(reading_score(9, 5) > reading_score(6, 5));
  for (const double grid : segflow::kOtherReadingGridsMm) CHECK((grid >= 1.2 && grid < 2.4));
}

TEST_CASE("a volume is read on another grid only where the network learnt from slices as fine and as coarse") {
  Generator gen(1);
  segflow::RefinementNet net(2, gen);
  const Volume spider_like{{1, 64, 64}, {4.0, 0.478, 0.478}, {}, 1.0};  // its own grid: 1.91 mm
  const Volume synthetic_like{{1, 64, 64}, {4.0, 0.625, 0.625}, {}, 1.0};  // 1.25 mm
  const Volume isotropic{{1, 64, 64}, {1.0, 1.0, 1.0}, {}, 1.0};  // 2 mm
  net.learnt_grids_mm = {1.25, 2.34};  // SPIDER's teaching slices
  CHECK(segflow::reading_grids(net, spider_like) == std::vector<double>{0, 1.25, 1.4});
  CHECK(segflow::reading_grids(net, synthetic_like) == std::vector<double>{0, 1.4});  // 1.25 is its own
  net.learnt_grids_mm = {2.0, 2.0};  // lumbar-vb-t2's 3-D volumes, all at 1 mm
  CHECK(segflow::reading_grids(net, isotropic) == std::vector<double>{0});
  CHECK(segflow::reading_grids(net, spider_like) == std::vector<double>{0});
  net.learnt_grids_mm = {0, 0};  // a network kept before its grids were
  CHECK(segflow::reading_grids(net, spider_like) == std::vector<double>{0});
}
