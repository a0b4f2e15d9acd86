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
  // Lumbosacral disc angle about 18 degrees (the wedge), S1's walls leaning back about 32 degrees, sacral
  // kyphosis about 16 degrees a segment. On the ten lumbar-vb-t2 mid-slices the step from L5's centre to
  // S1's turns 21-42 degrees backwards from the column's direction above; with the wedge alone (no lean)
  // the synthetic S1 turned 11-17.
  a.lumbosacral_turn = (18.0 + 3.0 * gen.normal()) * std::numbers::pi / 180.0;
  a.s1_lean = (32.0 + 4.0 * gen.normal()) * std::numbers::pi / 180.0;
  a.sacral_curve = (16.0 + 3.0 * gen.normal()) * std::numbers::pi / 180.0;
  return a;
}

double l5_s1_gap(const Anatomy& a, double w) {
  const Vertebra& l5 = a.vertebrae[kVertebrae - 2];
  return a.l5_s1_posterior_gap + (l5.depth / 2 - w) * std::tan(a.lumbosacral_turn);
}

namespace {

// The segment below `upper` (whose axis is upper.angle), turned by `turn` about its posterior-superior
// corner, which lies `gap` below the upper's posterior-inferior corner.
Vertebra hinged_below(const Vertebra& upper, double gap, double turn, double height, double depth, double half_width, double lean) {
  const double ay = std::cos(upper.angle), az = std::sin(upper.angle);  // along the axis, caudal
  const double wy = -az, wz = ay;                                        // backwards
  const double upper_back = upper.depth / 2 + upper.lean * upper.height / 2;
  const double py = upper.centre_y + (upper.height / 2 + gap) * ay + upper_back * wy;
  const double pz = upper.centre_z + (upper.height / 2 + gap) * az + upper_back * wz;
  Vertebra v{};
  v.angle = upper.angle + turn;
  v.height = height, v.depth = depth, v.half_width = half_width, v.lean = lean;
  const double by = std::cos(v.angle), bz = std::sin(v.angle), vy = -bz, vz = by;
  const double back = depth / 2 - lean * height / 2;  // the posterior-superior corner, behind the centre
  v.centre_y = py - back * vy + height / 2 * by;
  v.centre_z = pz - back * vz + height / 2 * bz;
  return v;
}

}  // namespace

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
  // S1 hinged below L5 (the disc's posterior height is 55 % of its healthy height), the sacrum below it.
  const Vertebra& l5 = a.vertebrae[kVertebrae - 2];
  a.l5_s1_posterior_gap = 0.55 * a.healthy_disc_height[kVertebrae - 2] * disc_height_factor[kLevels - 1];
  Vertebra& s1 = a.vertebrae[kVertebrae - 1];
  s1 = hinged_below(l5, a.l5_s1_posterior_gap, a.lumbosacral_turn, s1.height, s1.depth, s1.half_width, std::tan(a.s1_lean));
  const Vertebra* upper = &s1;
  for (auto& segment : a.sacrum) {  // each smaller, over a fused remnant of a disc 1.5 mm thick
    segment = hinged_below(*upper, 1.5, a.sacral_curve, 0.75 * upper->height, 0.82 * upper->depth, 0.85 * upper->half_width, 0.0);
    upper = &segment;
  }
  return a;
}

}  // namespace ldd::synth
