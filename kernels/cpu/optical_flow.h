// CPU twins of kernels/optical_flow.h. OpenMP over rows.
#pragma once
#include "kernels/optical_flow.h"

namespace ldd::kernels::cpu {

void warp_bilinear(Plane p, const float* image, const float* u, const float* v, float* out);
void downsample2(Plane in, const float* image, float* out);
void upsample(Plane coarse, const float* image, Plane out, float scale, float* result);
void flow_derivatives(Plane p, const float* image0, const float* warped1, float* ix, float* iy, float* it);
void horn_schunck_step(Plane p, float alpha_squared, const float* ix, const float* iy, const float* it, const float* u0,
                       const float* v0, const float* u, const float* v, float* u_next, float* v_next);

}  // namespace ldd::kernels::cpu
