// A synthetic-cohort configuration small enough for tests: the default anatomy on 224 x 168 pixels of
// 1.25 mm (the same field of view as the paper's 448 x 336 at 0.625 mm) and fewer slices.
#pragma once
#include "data/synth/config.h"

namespace ldd::testing {

inline synth::SynthConfig small_synth_config(std::int64_t subjects, std::int64_t slices) {
  synth::SynthConfig c;
  c.subjects = subjects;
  c.imaging.slices = slices;
  c.imaging.rows = 224;
  c.imaging.cols = 168;
  c.imaging.pixel_mm = 1.25;
  return c;
}

}  // namespace ldd::testing
