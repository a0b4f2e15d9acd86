// A tiny cohort with stored SegFlow crops and the experiment that trains on it: what the train tests
// (CPU, and the same run on CUDA) share. Each disc's 3 x 64 x 64 crop is noise plus a blob whose
// brightness falls with the follow-up Pfirrmann grade, so there is something to learn.
#pragma once
#include <filesystem>
#include <string>

#include "train/experiment.h"

namespace ldd::testing {

// Subjects with the synthetic population's grades (without the follow-up ones when `followup_grades` is
// false, as a cohort to predict may be); subject 3 is recorded as a SegFlow failure.
void write_cohort(const std::filesystem::path& path, int subjects, bool followup_grades = true);
// 3 folds, Adam, a narrow VGG-M on 3 x 64 x 64 crops; `extra` is appended YAML.
std::string experiment_yaml(const std::filesystem::path& cohort, int epochs, const std::string& extra = "");
// Run options for tests: into `out`, no progress bars, no plots, no log.
train::RunOptions quiet_options(const std::filesystem::path& out);

}  // namespace ldd::testing
