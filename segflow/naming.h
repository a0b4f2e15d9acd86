// Level naming: the refined binary vertebra mask split into bodies named L1..L5, S1 from the bottom up
// (labels 1-6; above L1 each body its own label, T12 = 7, T11 = 8 and so on).
#pragma once
#include <array>
#include <climits>
#include <cstdint>
#include <vector>

#include "data/cohort/cohort_file.h"

namespace ldd::segflow {

// Names the vertebrae of a binary mask L1..L5, S1 from the bottom (labels 1-6; T12 = 7, T11 = 8, ...). Seeds are
// the 3-D connected components, on the central third of the slices, of the mask eroded in-plane by
// `erosion_px` (which cuts the thin bridges a network may leave across a disc); a seed more than 2.5
// times taller than deep or taller than `max_seed_rows` (bodies joined across a disc) is eroded further,
// up to 3 x erosion_px, until it splits. Seeds under `min_voxels`, still too tall, or more than 4.5 times
// deeper than tall are dropped; of two seeds closer than 0.55 of the median spacing the smaller goes, and
// a seed at either end of the column more than 2.5 median spacings from the next is dropped. Every
// mask voxel then takes the label of the seed that reaches it first through the mask, within the
// seed's reach: in the sagittal plane, its erosion plus `reach_px` from the seed's outline (-1: anywhere).
std::vector<std::uint8_t> name_vertebrae(const std::vector<std::uint8_t>& mask, const std::array<std::int64_t, 3>& shape,
                                         std::int64_t min_voxels, int erosion_px = 0, std::int64_t max_seed_rows = INT64_MAX,
                                         int reach_px = -1);

// name_vertebrae with the settings a volume's spacing implies: seeds eroded by 3 mm, at most 40 mm tall,
// at least 500 mm^3 (40 mm^2 per seeded slice on thick 2-D slices), reaching 3 mm past their erosion.
std::vector<std::uint8_t> name_vertebrae(const std::vector<std::uint8_t>& mask, const Volume& volume);

}  // namespace ldd::segflow
