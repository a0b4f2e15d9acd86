// One synthetic subject's lumbar anatomy in millimetres, fixed across visits: vertebral bodies T12..S1
// stacked along a lordotic curve, the discs between them, the spinal canal and posterior elements.
// Coordinates: x lateral (left -> right), y cranial -> caudal, z anterior -> posterior.
#pragma once
#include <array>

#include "base/random.h"
#include "data/cohort/grades.h"

namespace ldd::synth {

inline constexpr int kVertebrae = 7;  // T12, L1, L2, L3, L4, L5, S1
inline constexpr int kSacralSegments = 3;  // S2, S3, S4: the sacrum below S1, fused, not in the masks

struct Vertebra {
  double centre_y, centre_z;  // mm
  double angle;               // radians, tilt of the body's cranio-caudal axis from vertical
  double height, depth;       // cranio-caudal and antero-posterior size, mm
  double half_width;          // lateral half-width, mm
  // How far the front and back walls lean backwards per mm down the axis (a tangent): S1 is a
  // parallelogram whose lower half lies behind its upper endplate, following the sacrum; 0 elsewhere.
  double lean = 0;
};

struct Anatomy {
  std::array<Vertebra, kVertebrae> vertebrae;
  // The sacrum turns backwards from the lumbar column: S1 by `lumbosacral_turn` (radians) from L5, hinged at
  // its posterior-superior corner, so the L5-S1 disc is a wedge, taller in front; S1's walls lean back by
  // `s1_lean` (radians); each segment below turns by `sacral_curve` more (the sacral kyphosis). Set by
  // place_vertebrae.
  double lumbosacral_turn, s1_lean, sacral_curve;
  std::array<Vertebra, kSacralSegments> sacrum;  // S2 .. S4
  double l5_s1_posterior_gap = 0;                // mm, the wedge's posterior height (place_vertebrae)
  std::array<double, kVertebrae - 1> healthy_disc_height;  // T12-L1, L1-L2 .. L5-S1
  double canal_depth, canal_half_width;                    // mm
  double marrow_intensity, fat_intensity, muscle_intensity;
  std::array<double, 4> texture_phase;                     // marrow texture
};

// Draws an anatomy; `disc_height_factor[i]` scales disc i (L1-L2 .. L5-S1) from its healthy height so
// the vertebrae below move up when a disc collapses (computed per visit).
// The L5-S1 disc's height at depth w (mm from L5's axis, positive backwards) in L5's frame: the wedge.
double l5_s1_gap(const Anatomy& a, double w);
Anatomy draw_anatomy(Generator& gen);
Anatomy place_vertebrae(const Anatomy& base, const std::array<double, kLevels>& disc_height_factor, double top_mm);

}  // namespace ldd::synth
