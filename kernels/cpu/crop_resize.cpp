#include "kernels/cpu/crop_resize.h"

#include <cmath>

namespace ldd::kernels::cpu {
namespace {

// The 8 trilinear neighbours of p inside the volume, with their weights: f(index, weight).
template <class F>
void for_each_neighbour(const CropGeometry& g, const float p[3], F f) {
  const float z = std::floor(p[0]), y = std::floor(p[1]), x = std::floor(p[2]);
  const float tz = p[0] - z, ty = p[1] - y, tx = p[2] - x;
  const auto z0 = static_cast<std::int64_t>(z), y0 = static_cast<std::int64_t>(y), x0 = static_cast<std::int64_t>(x);
  for (int dz = 0; dz < 2; ++dz) {
    const std::int64_t zi = z0 + dz;
    if (zi < 0 || zi >= g.depth) continue;
    const float wz = dz ? tz : 1.0f - tz;
    for (int dy = 0; dy < 2; ++dy) {
      const std::int64_t yi = y0 + dy;
      if (yi < 0 || yi >= g.height) continue;
      const float wy = dy ? ty : 1.0f - ty;
      for (int dx = 0; dx < 2; ++dx) {
        const std::int64_t xi = x0 + dx;
        if (xi < 0 || xi >= g.width) continue;
        f((zi * g.height + yi) * g.width + xi, wz * wy * (dx ? tx : 1.0f - tx));
      }
    }
  }
}

}  // namespace

// Trilinear sample at p when all 8 neighbours are inside: no bounds tests (the common case).
inline bool sample_inside(const CropGeometry& g, const float* volume, const float p[3], float& value) {
  const float z = std::floor(p[0]), y = std::floor(p[1]), x = std::floor(p[2]);
  if (z < 0 || y < 0 || x < 0 || z + 1 >= static_cast<float>(g.depth) || y + 1 >= static_cast<float>(g.height) ||
      x + 1 >= static_cast<float>(g.width))
    return false;
  const float tz = p[0] - z, ty = p[1] - y, tx = p[2] - x;
  const std::int64_t plane = g.height * g.width;
  const float* v = volume + (static_cast<std::int64_t>(z) * g.height + static_cast<std::int64_t>(y)) * g.width + static_cast<std::int64_t>(x);
  const float c00 = v[0] + tx * (v[1] - v[0]), c01 = v[g.width] + tx * (v[g.width + 1] - v[g.width]);
  const float c10 = v[plane] + tx * (v[plane + 1] - v[plane]);
  const float c11 = v[plane + g.width] + tx * (v[plane + g.width + 1] - v[plane + g.width]);
  const float c0 = c00 + ty * (c01 - c00), c1 = c10 + ty * (c11 - c10);
  value = c0 + tz * (c1 - c0);
  return true;
}

void crop_resize_forward(const CropGeometry& g, const float* volume, const OrientedBox* boxes, float* out) {
  const std::int64_t per_slice = g.out_rows * g.out_cols;
#pragma omp parallel for collapse(2) schedule(static)
  for (std::int64_t b = 0; b < g.boxes; ++b)
    for (std::int64_t s = 0; s < g.out_slices; ++s) {
      float* o = out + (b * g.out_slices + s) * per_slice;
      for (std::int64_t r = 0; r < g.out_rows; ++r) {
        float p[3];
        box_point(boxes[b], g, s, r, 0, p);
        float step[3];
        for (int a = 0; a < 3; ++a) step[a] = boxes[b].axes[2][a] / static_cast<float>(g.out_cols);
        for (std::int64_t c = 0; c < g.out_cols; ++c) {
          const float q[3] = {p[0] + static_cast<float>(c) * step[0], p[1] + static_cast<float>(c) * step[1],
                              p[2] + static_cast<float>(c) * step[2]};
          float value;
          if (!sample_inside(g, volume, q, value)) {
            value = 0.0f;
            for_each_neighbour(g, q, [&](std::int64_t i, float w) { value += w * volume[i]; });
          }
          o[r * g.out_cols + c] = value;
        }
      }
    }
}

void crop_resize_backward(const CropGeometry& g, const float* dout, const OrientedBox* boxes, float* dvolume) {
  for (std::int64_t b = 0; b < g.boxes; ++b)
    for (std::int64_t s = 0; s < g.out_slices; ++s)
      for (std::int64_t r = 0; r < g.out_rows; ++r)
        for (std::int64_t c = 0; c < g.out_cols; ++c) {
          float p[3];
          box_point(boxes[b], g, s, r, c, p);
          const float grad = dout[((b * g.out_slices + s) * g.out_rows + r) * g.out_cols + c];
          for_each_neighbour(g, p, [&](std::int64_t i, float w) { dvolume[i] += w * grad; });
        }
}

}  // namespace ldd::kernels::cpu
