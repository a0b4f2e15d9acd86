// Disc regions from vertebra masks, as the paper defines them: for each pair of adjacent vertebrae the
// cuboid of 1.5w (along the spine) x 2w (antero-posterior) x n slices (all of them), w = the mean
// antero-posterior width of the vertebral bodies in that MRI, centred halfway between the two
// endplates and rotated with the local spine axis (the line through the two bodies' centroids).
// Works in millimetres on canonical volumes (slices L->R, rows S->I, cols A->P) and returns boxes in
// voxel coordinates for kernels/crop_resize.h.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "data/cohort/grades.h"
#include "kernels/crop_resize.h"

namespace ldd::segflow {

struct VertebraShape {
  std::array<double, 2> centroid_mm{};  // (row, col) in the sagittal plane
  double width_mm = 0;                   // antero-posterior extent
  std::int64_t voxels = 0;
  bool inferred = false;  // counted by the naming but missed by the mask: placed between its neighbours
};

struct DiscRegion {
  int level = 0;                          // 0 = L1-L2 .. 4 = L5-S1
  std::array<double, 2> centre_mm{};      // (row, col)
  std::array<double, 2> axis{};           // unit cranio-caudal direction (row, col)
  double height_mm = 0, depth_mm = 0;     // 1.5w along the axis, 2w across
  kernels::OrientedBox box;               // voxel coordinates, axes: slices, along the axis, across
};

struct DiscGeometry {
  double mean_width_mm = 0;
  std::array<std::optional<VertebraShape>, 6> vertebrae;  // L1 .. S1
  std::array<std::optional<DiscRegion>, kLevels> discs;   // missing when a neighbour is missing
};

// labels: (slices, rows, cols), label k in 1..6 = L1..S1 (others ignored); spacing (slice, row, col) mm.
// A body between two found neighbours whose own label is absent (the naming counted a body the mask
// missed, segflow/naming.h) is inferred: midway between them, with the upper neighbour's shape, so the
// discs beside it are placed too. Throws ldd::Error when fewer than two lumbar vertebrae are found.
DiscGeometry disc_geometry(const std::vector<std::uint8_t>& labels, const std::array<std::int64_t, 3>& shape,
                           const std::array<double, 3>& spacing_mm);

}  // namespace ldd::segflow
