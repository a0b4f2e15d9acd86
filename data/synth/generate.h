// Writes a whole synthetic cohort file: draws the population, renders subjects in parallel (OpenMP) and
// writes them in order, so the file's bytes do not depend on the thread count.
#pragma once
#include <filesystem>
#include <functional>

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

// Baseline and follow-up mid-sagittal slices of the first subject whose Pfirrmann grade progresses,
// side by side with the disc level marked, as PNG: a picture of what the generator makes.
std::filesystem::path write_example(const std::filesystem::path& cohort, const std::filesystem::path& folder);

}  // namespace ldd::synth
