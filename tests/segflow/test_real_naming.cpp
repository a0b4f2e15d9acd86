// SegFlow on the shared real 3-D volumes (../shared/data/lumbar-vb-t2, skipped when absent): the manual
// masks label T11 .. L5 as 1 .. 7, and every lumbar body must be covered by its own level's SegFlow label,
// named with confidence, and a wrong name never presented as sure (issue 16). The refinement network's
// training is not the same on every CPU (our kernels are built with -march=native and OpenBLAS picks its
// kernels at run time: the rounding differs, and 300 steps amplify it): with the default seed, per-vertebra Dice was 0.851 on 2026-12-06's Intel Xeon and 0.825
// on an AMD EPYC, other seeds and step counts there 0.814-0.843 (bench/RESULTS.md 2026-12-07, third
// session). The Dice floor guards against a mask that got worse, below that spread; the goal
// (0.87) is measured and reported there, not asserted here.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "data/cohort/cohort_file.h"
#include "data/ingest/ingest.h"
#include "segflow/pipeline.h"
#include "tests/support/temp_dir.h"

using namespace ldd;

TEST_CASE("lumbar-vb-t2, 3-D: SegFlow names the lumbar bodies right and says so" * doctest::test_suite("real-data")) {
  const std::filesystem::path data = LDD_SOURCE_DIR "/../shared/data/lumbar-vb-t2";
  if (!std::filesystem::exists(data / "04.nii.gz")) {
    MESSAGE("skipped: ../shared/data/lumbar-vb-t2 is absent (the shared real data; see its README)");
    return;
  }
  ldd::testing::TempDir dir;
  ingest::IngestOptions in;
  in.image_folder = data;
  in.out = dir / "vb.h5";
  ingest::ingest(in);
  segflow::SegflowOptions options;  // the `segflow` command's defaults: 8 training volumes, 300 steps
  options.refine.steps = 300;
  options.followup = false;
  const auto summary = segflow::run_segflow(dir / "vb.h5", options);
  CHECK(summary.succeeded == summary.volumes);

  const CohortReader reader(dir / "vb.h5");
  int lumbar_right = 0, volumes = 0;
  double dice_sum = 0;
  int bodies = 0;
  for (const auto& id : reader.subject_ids()) {
    const std::string g = visit_group(id, Visit::Baseline) + "/segflow";
    if (reader.file().string_attribute(g, "status") != "ok") continue;
    ++volumes;
    const auto named = reader.file().read<std::uint8_t>(g + "/vertebra_mask");
    const auto truth = *reader.true_vertebra_mask(id, Visit::Baseline);
    std::map<int, std::map<int, std::int64_t>> cover;
    std::map<int, std::int64_t> truth_size, named_size;
    for (std::size_t k = 0; k < truth.size(); ++k) {
      if (truth[k]) ++truth_size[truth[k]];
      if (named[k]) ++named_size[named[k]];
      if (truth[k] && named[k]) ++cover[truth[k]][named[k]];
    }
    bool right = true;
    for (int reference = 3; reference <= 7; ++reference) {  // L1 .. L5, SegFlow labels 1 .. 5
      const auto& c = cover[reference];
      const auto best = std::max_element(c.begin(), c.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
      right = right && best != c.end() && best->first == reference - 2;
    }
    for (const auto& [reference, c] : cover) {  // per-vertebra Dice against the label covering it most
      const auto best = std::max_element(c.begin(), c.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
      dice_sum += 2.0 * static_cast<double>(best->second) / static_cast<double>(truth_size[reference] + named_size[best->first]);
      ++bodies;
    }
    const bool confident = reader.file().int_attribute(g, "naming_confident_positions") >= 6;
    INFO(id << ": lumbar names " << (right ? "right" : "wrong") << ", " << (confident ? "confident" : "unsure"));
    CHECK((right || !confident));  // a wrong name is never presented as sure
    lumbar_right += right && confident;
  }
  MESSAGE("lumbar-vb-t2: lumbar names right and confident in " << lumbar_right << " of " << volumes << " volumes, per-vertebra Dice "
                                                                << dice_sum / bodies);
  CHECK(lumbar_right >= 9);
  CHECK(dice_sum / bodies >= 0.80);
}
