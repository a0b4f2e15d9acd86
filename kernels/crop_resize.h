// Oriented crop + resize: samples a box of a (D, H, W) volume onto an (S, R, C) grid with trilinear
// interpolation; voxels outside the volume read as zero. This is how disc regions (a rotated cuboid
// between two vertebrae) become fixed-size network inputs.
//
// A box is a corner and three edge vectors in voxel coordinates (index i of an axis sits at coordinate
// i): output (s, r, c) samples  corner + (s + 0.5)/S * axes[0] + (r + 0.5)/R * axes[1] + (c + 0.5)/C * axes[2],
// each point as (slice, row, col). Edge vectors rather than an angle keep rotation and anisotropic
// spacing out of the kernel: the geometry code (segflow) builds them in millimetres and converts.
// Forward overwrites; backward accumulates (+=) into the volume gradient.
#pragma once
#include <cstdint>

#include "kernels/device.h"
#include "kernels/host_device.h"

namespace ldd::kernels {

// Plain arrays (not std::array) so device code can index them.
struct OrientedBox {
  float corner[3] = {0, 0, 0};  // (slice, row, col)
  float axes[3][3] = {};        // edge vectors along the output's S, R, C
};

struct CropGeometry {
  std::int64_t depth = 1, height = 1, width = 1;         // volume
  std::int64_t out_slices = 1, out_rows = 1, out_cols = 1;  // per box
  std::int64_t boxes = 1;
};

// boxes: host memory, geometry.boxes of them. out: (boxes, S, R, C).
void crop_resize_forward(Device device, const CropGeometry& g, const float* volume, const OrientedBox* boxes, float* out);
void crop_resize_backward(Device device, const CropGeometry& g, const float* dout, const OrientedBox* boxes, float* dvolume);

// The sampling position of output (s, r, c) of a box: shared by both twins and the tests.
LDD_HOST_DEVICE inline void box_point(const OrientedBox& b, const CropGeometry& g, std::int64_t s, std::int64_t r, std::int64_t c, float p[3]) {
  const float fs = (static_cast<float>(s) + 0.5f) / static_cast<float>(g.out_slices);
  const float fr = (static_cast<float>(r) + 0.5f) / static_cast<float>(g.out_rows);
  const float fc = (static_cast<float>(c) + 0.5f) / static_cast<float>(g.out_cols);
  for (int a = 0; a < 3; ++a) p[a] = b.corner[a] + fs * b.axes[0][a] + fr * b.axes[1][a] + fc * b.axes[2][a];
}

}  // namespace ldd::kernels
