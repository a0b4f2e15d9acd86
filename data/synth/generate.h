// Writes a whole synthetic cohort file: draws the population, renders subjects in parallel (OpenMP) and
// writes them in order, so the file's bytes do not depend on the thread count.
#pragma once
#include <filesystem>
#include <functional>
#include <vector>

#include "data/synth/config.h"
#include "data/synth/population.h"

namespace ldd::synth {

struct GenerationSummary {
  Population population;
  double seconds = 0;
  std::uintmax_t bytes = 0;
};

// progress(done, total) is called from the writing thread after each subject.
GenerationSummary generate_cohort(const SynthConfig& config, const std::filesystem::path& out,
                                  const std::function<void(std::int64_t, std::int64_t)>& progress = {});

// Baseline and follow-up mid-sagittal slices side by side, as PNG, for the first `count` subjects with a
// disc whose Pfirrmann grade progresses to 4 or 5: pictures of what the generator makes. The file names
// say subject, level and grades.
std::vector<std::filesystem::path> write_examples(const std::filesystem::path& cohort, const std::filesystem::path& folder,
                                                  int count = 3);

}  // namespace ldd::synth
