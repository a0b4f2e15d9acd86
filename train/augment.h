// Training-time augmentation of one normalised disc crop (slices, rows, cols): a left-right mirror
// (slice order reversed), a small rotation in the sagittal plane about the crop's centre (bilinear,
// edges extended), and an intensity gain and offset. Drawn from the caller's generator, so a seeded
// epoch augments the same way every time.
#pragma once
#include <cstdint>

#include "nn/random.h"

namespace ldd::train {

struct AugmentOptions {
  bool flip = true;
  double rotation_deg = 5.0;       // uniform in [-rotation_deg, rotation_deg]
  double intensity_jitter = 0.1;   // gain uniform in 1 +- jitter, offset uniform in +- jitter (crop sd units)
};

// One crop's random choices: four uniforms from `gen` in a fixed order, whatever the options switch off,
// so a data-parallel shard can draw a whole batch's and apply only its own.
struct AugmentDraw {
  bool flip = false;
  double angle_rad = 0, gain = 1, offset = 0;
};
AugmentDraw draw_augmentation(const AugmentOptions& options, Generator& gen);

void apply_augmentation(const float* in, float* out, std::int64_t slices, std::int64_t rows, std::int64_t cols, const AugmentDraw& draw);

// draw_augmentation, then apply_augmentation.
void augment_crop(const float* in, float* out, std::int64_t slices, std::int64_t rows, std::int64_t cols,
                  const AugmentOptions& options, Generator& gen);

}  // namespace ldd::train
