// One synthetic subject's lumbar anatomy in millimetres, fixed across visits: vertebral bodies T12..S1
// stacked along a lordotic curve, the discs between them, the spinal canal and posterior elements.
// Coordinates: x lateral (left -> right), y cranial -> caudal, z anterior -> posterior.
#pragma once
#include <array>

#include "data/cohort/grades.h"
#include "nn/random.h"

namespace ldd::synth {

inline constexpr int kVertebrae = 7;  // T12, L1, L2, L3, L4, L5, S1

struct Vertebra {
  double centre_y, centre_z;  // mm
  double angle;               // radians, tilt of the body's cranio-caudal axis from vertical
  double height, depth;       // cranio-caudal and antero-posterior size, mm
  double half_width;          // lateral half-width, mm
};

struct Anatomy {
  std::array<Vertebra, kVertebrae> vertebrae;
  std::array<double, kVertebrae - 1> healthy_disc_height;  // T12-L1, L1-L2 .. L5-S1
  double canal_depth, canal_half_width;                    // mm
  double marrow_intensity, fat_intensity, muscle_intensity;
  std::array<double, 4> texture_phase;                     // marrow texture
};

// Draws an anatomy; `disc_height_factor[i]` scales disc i (L1-L2 .. L5-S1) from its healthy height so
// the vertebrae below move up when a disc collapses (computed per visit).
Anatomy draw_anatomy(Generator& gen);
Anatomy place_vertebrae(const Anatomy& base, const std::array<double, kLevels>& disc_height_factor, double top_mm);

}  // namespace ldd::synth
