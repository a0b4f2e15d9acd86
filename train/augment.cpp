#include "train/augment.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace ldd::train {

AugmentDraw draw_augmentation(const AugmentOptions& o, Generator& gen) {
  AugmentDraw d;
  d.flip = gen.uniform() < 0.5 && o.flip;
  d.angle_rad = (2.0 * gen.uniform() - 1.0) * o.rotation_deg * std::numbers::pi / 180.0;
  d.gain = 1.0 + (2.0 * gen.uniform() - 1.0) * o.intensity_jitter;
  d.offset = (2.0 * gen.uniform() - 1.0) * o.intensity_jitter;
  return d;
}

void augment_crop(const float* in, float* out, std::int64_t slices, std::int64_t rows, std::int64_t cols,
                  const AugmentOptions& o, Generator& gen) {
  apply_augmentation(in, out, slices, rows, cols, draw_augmentation(o, gen));
}

void apply_augmentation(const float* in, float* out, std::int64_t slices, std::int64_t rows, std::int64_t cols, const AugmentDraw& d) {
  const bool flip = d.flip;
  const double angle = d.angle_rad, gain = d.gain, offset = d.offset;
  const double cy = 0.5 * static_cast<double>(rows - 1), cx = 0.5 * static_cast<double>(cols - 1);
  const double c = std::cos(angle), s = std::sin(angle);
  const std::int64_t plane = rows * cols;
  for (std::int64_t z = 0; z < slices; ++z) {
    const float* src = in + (flip ? slices - 1 - z : z) * plane;
    float* dst = out + z * plane;
    for (std::int64_t r = 0; r < rows; ++r)
      for (std::int64_t k = 0; k < cols; ++k) {
        // Where output (r, k) comes from: the inverse rotation about the centre, clamped to the crop.
        const double dy = static_cast<double>(r) - cy, dx = static_cast<double>(k) - cx;
        const double y = std::clamp(cy + c * dy + s * dx, 0.0, static_cast<double>(rows - 1));
        const double x = std::clamp(cx - s * dy + c * dx, 0.0, static_cast<double>(cols - 1));
        const auto y0 = static_cast<std::int64_t>(y), x0 = static_cast<std::int64_t>(x);
        const std::int64_t y1 = std::min(y0 + 1, rows - 1), x1 = std::min(x0 + 1, cols - 1);
        const double fy = y - static_cast<double>(y0), fx = x - static_cast<double>(x0);
        const double v = (1 - fy) * ((1 - fx) * src[y0 * cols + x0] + fx * src[y0 * cols + x1]) +
                         fy * ((1 - fx) * src[y1 * cols + x0] + fx * src[y1 * cols + x1]);
        dst[r * cols + k] = static_cast<float>(gain * v + offset);
      }
  }
}

}  // namespace ldd::train
