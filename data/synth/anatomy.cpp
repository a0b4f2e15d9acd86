#include "data/synth/anatomy.h"

#include <cmath>
#include <numbers>

namespace ldd::synth {

Anatomy draw_anatomy(Generator& gen) {
  Anatomy a{};
  const double body_scale = 1.0 + 0.06 * gen.normal();  // people differ in size
  for (int v = 0; v < kVertebrae; ++v) {
    auto& b = a.vertebrae[static_cast<std::size_t>(v)];
    const bool sacrum = v == kVertebrae - 1;
    b.height = body_scale * (sacrum ? 30.0 : 25.0 + 0.7 * v + 0.8 * gen.normal());
    b.depth = body_scale * (sacrum ? 38.0 : 32.0 + 0.9 * v + 1.0 * gen.normal());
    b.half_width = body_scale * (21.0 + 0.8 * v);
  }
  for (int d = 0; d < kVertebrae - 1; ++d)
    a.healthy_disc_height[static_cast<std::size_t>(d)] = body_scale * (8.5 + 0.6 * d + 0.5 * gen.normal());
  a.canal_depth = 14.0 + 1.5 * gen.normal();
  a.canal_half_width = 10.0;
  a.marrow_intensity = 430.0 + 40.0 * gen.normal();
  a.fat_intensity = 650.0 + 50.0 * gen.normal();
  a.muscle_intensity = 300.0 + 30.0 * gen.normal();
  for (auto& p : a.texture_phase) p = 2.0 * std::numbers::pi * gen.uniform();
  // Lordosis: the curve's apex depth and the sacral tilt vary between people.
  const double lordosis = 14.0 + 4.0 * gen.normal();
  for (int v = 0; v < kVertebrae; ++v) {
    const double t = static_cast<double>(v) / (kVertebrae - 1);  // 0 at T12, 1 at S1
    auto& b = a.vertebrae[static_cast<std::size_t>(v)];
    b.centre_z = 92.0 - lordosis * std::sin(std::numbers::pi * t) + 22.0 * t * t * t;  // sacrum swings back
    b.angle = 0.0;  // set by place_vertebrae from the curve's slope
  }
  return a;
}

Anatomy place_vertebrae(const Anatomy& base, const std::array<double, kLevels>& disc_height_factor, double top_mm) {
  Anatomy a = base;
  double y = top_mm;
  for (int v = 0; v < kVertebrae; ++v) {
    auto& b = a.vertebrae[static_cast<std::size_t>(v)];
    b.centre_y = y + b.height / 2.0;
    y += b.height;
    if (v < kVertebrae - 1) {
      const double factor = v == 0 ? 1.0 : disc_height_factor[static_cast<std::size_t>(v - 1)];
      y += a.healthy_disc_height[static_cast<std::size_t>(v)] * factor;
    }
  }
  for (int v = 0; v < kVertebrae; ++v) {  // tilt each body with the local slope of the curve
    const auto& prev = a.vertebrae[static_cast<std::size_t>(std::max(v - 1, 0))];
    const auto& next = a.vertebrae[static_cast<std::size_t>(std::min(v + 1, kVertebrae - 1))];
    a.vertebrae[static_cast<std::size_t>(v)].angle = std::atan2(next.centre_z - prev.centre_z, next.centre_y - prev.centre_y);
  }
  return a;
}

}  // namespace ldd::synth
