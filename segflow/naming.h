// Level naming: the refined binary vertebra mask split into bodies named L1..L5, S1 from the bottom up
// (labels 1-6; above L1 each body its own label, T12 = 7, T11 = 8 and so on).
#pragma once
#include <array>
#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include "data/cohort/cohort_file.h"

namespace ldd::segflow {

struct Naming {
  std::vector<std::uint8_t> labels;  // same shape as the mask: 0 background, level labels as above
  // Positions counted from the bottom (S1 = 0, L5 = 1, ..., L1 = 5) named with confidence: the column
  // below them has no gap the naming could not explain. Discs between two confident positions can be
  // trusted; above, a name may be shifted.
  int confident_positions = 0;
  std::vector<std::string> notes;  // what the naming met: bodies cut at a waist, bodies missed, doubts
  bool lumbar_confident() const { return confident_positions >= 6; }  // S1 .. L1
};

// The label of the body at `position` from the bottom: S1 = 6, L5 = 5, ..., L1 = 1, T12 = 7, T11 = 8, ...
std::uint8_t level_label(int position);
// The inverse, and the level's name ("L4", "S1", "T12").
int level_position(std::uint8_t label);
std::string level_name(std::uint8_t label);

// Names the vertebrae of a binary mask from the bottom up, in stages (segflow/naming.cpp):
// 1. seeds: 3-D connected components, on the central third of the slices, of the mask eroded in-plane
//    by `erosion_px` (which cuts the thin bridges a network may leave across a disc); a seed more than
//    2.5 times taller than deep or taller than `max_seed_rows` is eroded further, up to 3 x erosion_px;
// 2. a seed 1.6 times the median seed's height with a waist is cut there (two bodies joined);
// 3. seeds under `min_voxels`, more than 2.5 times taller or 4.5 times deeper than the other way are
//    dropped; of two seeds closer than 0.55 of the median spacing the smaller goes; a seed at either end
//    more than 2.5 median spacings from the next is dropped; a top seed a third taller than the median
//    (the field's cut remnant of a body joined to the one below) is eroded further until it falls apart;
// 4. the sacrum, found positively: of the three lowest seeds, S1 is the one where the column turns back
//    most, by at least 20 degrees (the lumbosacral junction); seeds below it are left out; under 24 degrees
//    (a lumbar step may turn 23) the names are unsure. Without one, the lowest seed is taken for L5 and
//    every name is unsure. A seed taken for S1 that erodes into two
//    parts (or, reaching a spacing down the column, whose footprint on half its slices does, or that has
//    a waist across the column), the column running straight into the upper and turning into the lower,
//    is L5 fused to S1;
// 5. positions up from S1, counting the bodies missed in wide gaps; a gap that is no clear multiple of the
//    spacing, a bend hardly sharper than the one above, or a fragment of the sacrum not directly below
//    the body above leaves names unsure;
// 6. every mask voxel takes the label of the seed that reaches it first through the mask, within the
//    seed's reach: in the sagittal plane, its erosion plus `reach_px` from its outline (-1: anywhere).
Naming name_vertebrae(const std::vector<std::uint8_t>& mask, const std::array<std::int64_t, 3>& shape, std::int64_t min_voxels,
                      int erosion_px = 0, std::int64_t max_seed_rows = INT64_MAX, int reach_px = -1);

// name_vertebrae with the settings a volume's spacing implies: seeds eroded by 3 mm, at most 40 mm tall,
// at least 500 mm^3 (40 mm^2 per seeded slice on thick 2-D slices), reaching 3 mm past their erosion.
Naming name_vertebrae(const std::vector<std::uint8_t>& mask, const Volume& volume);

}  // namespace ldd::segflow
