#include "tests/support/tiny_experiment.h"

#include <sstream>
#include <vector>

#include "data/cohort/cohort_file.h"
#include "data/cohort/segflow_result.h"
#include "data/synth/population.h"
#include "nn/random.h"

namespace ldd::testing {

void write_cohort(const std::filesystem::path& path, int subjects, bool followup_grades) {
  synth::SynthConfig config;
  config.subjects = subjects;
  config.seed = 11;
  const auto pop = synth::draw_population(config);
  {
    CohortWriter writer(path, {"test", "", 11});
    for (const auto& s : pop.subjects) {
      SubjectRecord record = s.record;
      if (!followup_grades)
        for (auto& levels : record.grades[static_cast<std::size_t>(Visit::FollowUp)]) levels.fill(kMissingGrade);
      writer.add_subject(record);
      writer.add_volume(s.record.id, Visit::Baseline, {{2, 8, 8}, {1, 1, 1}, std::vector<std::uint16_t>(128, 100), 1.0});
    }
    writer.commit();
  }
  CohortReader reader(path, true);
  auto& file = reader.file_for_update();
  Generator gen(5);
  for (std::size_t i = 0; i < pop.subjects.size(); ++i) {
    const auto& r = pop.subjects[i].record;
    std::vector<float> crops;
    for (int l = 0; l < kLevels; ++l) {
      const int grade = r.grade(Visit::FollowUp, Pathology::Pfirrmann, l);
      for (int s = 0; s < 3; ++s)
        for (int y = 0; y < 64; ++y)
          for (int x = 0; x < 64; ++x) {
            const bool blob = (y - 32) * (y - 32) + (x - 32) * (x - 32) < 200;
            crops.push_back(static_cast<float>(100.0 + gen.normal() * 20.0 + (blob ? 60.0 * (5 - grade) : 0.0)));
          }
    }
    // One subject without a spine, as SegFlow records it: left out, counted, never guessed.
    if (i == 3) {
      write_segflow_failure(file, r.id, Visit::Baseline, "no spine found");
      continue;
    }
    SegflowResult result;
    result.shape = {2, 8, 8};
    result.vertebra_mask.assign(128, 0);
    result.boxes.resize(kLevels);
    result.found = {1, 1, 1, 1, 0};
    result.crops = crops;
    result.crop_shape = {3, 64, 64};
    result.naming_confident_positions = kLevels + 1;  // sure of every name
    write_segflow_result(file, r.id, Visit::Baseline, result);
  }
}

std::string experiment_yaml(const std::filesystem::path& cohort, int epochs, const std::string& extra) {
  std::ostringstream o;
  o << "name: tiny\npathology: pfirrmann\ndataset:\n  cohort: " << cohort.string() << "\ncrop:\n  slices: 3\n  size: 64\n"
    << "model:\n  conv_channels: [4, 8, 8, 8, 8]\n  fc_width: 16\n  dropout: 0.2\n"
    << "optimizer:\n  kind: adam\n  learning_rate: 0.003\ntraining:\n  epochs: " << epochs << "\n  batch_size: 16\n"
    << "folds: 3\nseed: 4\n" << extra;
  return o.str();
}

train::RunOptions quiet_options(const std::filesystem::path& out) {
  train::RunOptions o;
  o.out = out;
  o.quiet = true;
  o.plots = false;
  o.log = [](const std::string&) {};
  return o;
}

}  // namespace ldd::testing
