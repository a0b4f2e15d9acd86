// Building blocks of coarse-to-fine Horn-Schunck optical flow between two sagittal slices (segflow's
// flow is a loop over these). Images and flow fields are (rows, cols) planes; a flow (u, v) at pixel x
// of image 0 says image 1 shows the same point at x + (u, v), u along columns, v along rows.
#pragma once
#include <cstdint>

#include "kernels/device.h"

namespace ldd::kernels {

struct Plane {
  std::int64_t rows = 1, cols = 1;
  std::int64_t size() const { return rows * cols; }
};

// out(x) = image(x + (u, v)) with bilinear interpolation, coordinates clamped to the border.
void warp_bilinear(Device device, Plane p, const float* image, const float* u, const float* v, float* out);
// 2x smaller plane (ceil): a binomial [1 2 1]/4 x [1 2 1]/4 low-pass sampled at even pixels (borders
// replicated). A plain 2x2 mean aliases: with four levels, textures of a 30-pixel period came out of
// the coarsest level as wrong motion that the finer levels could not undo (endpoint error 0.67 px).
void downsample2(Device device, Plane in, const float* image, float* out);
// Bilinear resize of a coarse plane to `out`, values multiplied by `scale` (2 when doubling a flow field).
void upsample(Device device, Plane coarse, const float* image, Plane out, float scale, float* result);
// Spatial derivatives of the mean of image0 and warped image1 (central differences), and their difference.
void flow_derivatives(Device device, Plane p, const float* image0, const float* warped1, float* ix, float* iy, float* it);
// One Jacobi step of Horn-Schunck linearised around (u0, v0): with (ub, vb) the neighbourhood means of
// (u, v) and r = ix (ub - u0) + iy (vb - v0) + it,  u' = ub - ix r / (alpha^2 + ix^2 + iy^2), likewise v'.
void horn_schunck_step(Device device, Plane p, float alpha_squared, const float* ix, const float* iy, const float* it,
                       const float* u0, const float* v0, const float* u, const float* v, float* u_next, float* v_next);

}  // namespace ldd::kernels
