#include "kernels/cpu/optical_flow.h"

#include <algorithm>
#include <cmath>

namespace ldd::kernels::cpu {
namespace {

float bilinear(Plane p, const float* image, float row, float col) {
  row = std::clamp(row, 0.0f, static_cast<float>(p.rows - 1));
  col = std::clamp(col, 0.0f, static_cast<float>(p.cols - 1));
  const auto r0 = static_cast<std::int64_t>(row), c0 = static_cast<std::int64_t>(col);
  const std::int64_t r1 = std::min(r0 + 1, p.rows - 1), c1 = std::min(c0 + 1, p.cols - 1);
  const float tr = row - static_cast<float>(r0), tc = col - static_cast<float>(c0);
  const float top = image[r0 * p.cols + c0] + tc * (image[r0 * p.cols + c1] - image[r0 * p.cols + c0]);
  const float bottom = image[r1 * p.cols + c0] + tc * (image[r1 * p.cols + c1] - image[r1 * p.cols + c0]);
  return top + tr * (bottom - top);
}

}  // namespace

void warp_bilinear(Plane p, const float* image, const float* u, const float* v, float* out) {
#pragma omp parallel for schedule(static)
  for (std::int64_t r = 0; r < p.rows; ++r)
    for (std::int64_t c = 0; c < p.cols; ++c) {
      const std::int64_t i = r * p.cols + c;
      out[i] = bilinear(p, image, static_cast<float>(r) + v[i], static_cast<float>(c) + u[i]);
    }
}

void downsample2(Plane in, const float* image, float* out) {
  const Plane o{(in.rows + 1) / 2, (in.cols + 1) / 2};
  static constexpr float kTap[3] = {0.25f, 0.5f, 0.25f};
#pragma omp parallel for schedule(static)
  for (std::int64_t r = 0; r < o.rows; ++r)
    for (std::int64_t c = 0; c < o.cols; ++c) {
      float sum = 0.0f;
      for (int dr = -1; dr <= 1; ++dr)
        for (int dc = -1; dc <= 1; ++dc) {
          const std::int64_t rr = std::clamp<std::int64_t>(2 * r + dr, 0, in.rows - 1);
          const std::int64_t cc = std::clamp<std::int64_t>(2 * c + dc, 0, in.cols - 1);
          sum += kTap[dr + 1] * kTap[dc + 1] * image[rr * in.cols + cc];
        }
      out[r * o.cols + c] = sum;
    }
}

void upsample(Plane coarse, const float* image, Plane out, float scale, float* result) {
  const float sr = static_cast<float>(coarse.rows) / static_cast<float>(out.rows);
  const float sc = static_cast<float>(coarse.cols) / static_cast<float>(out.cols);
#pragma omp parallel for schedule(static)
  for (std::int64_t r = 0; r < out.rows; ++r)
    for (std::int64_t c = 0; c < out.cols; ++c)  // pixel centres map onto pixel centres
      result[r * out.cols + c] = scale * bilinear(coarse, image, (static_cast<float>(r) + 0.5f) * sr - 0.5f,
                                                  (static_cast<float>(c) + 0.5f) * sc - 0.5f);
}

void flow_derivatives(Plane p, const float* image0, const float* warped1, float* ix, float* iy, float* it) {
#pragma omp parallel for schedule(static)
  for (std::int64_t r = 0; r < p.rows; ++r)
    for (std::int64_t c = 0; c < p.cols; ++c) {
      const std::int64_t i = r * p.cols + c;
      const std::int64_t left = r * p.cols + std::max<std::int64_t>(c - 1, 0), right = r * p.cols + std::min(c + 1, p.cols - 1);
      const std::int64_t up = std::max<std::int64_t>(r - 1, 0) * p.cols + c, down = std::min(r + 1, p.rows - 1) * p.cols + c;
      const float span_c = static_cast<float>(std::min(c + 1, p.cols - 1) - std::max<std::int64_t>(c - 1, 0));
      const float span_r = static_cast<float>(std::min(r + 1, p.rows - 1) - std::max<std::int64_t>(r - 1, 0));
      ix[i] = span_c > 0 ? 0.5f * ((image0[right] - image0[left]) + (warped1[right] - warped1[left])) / span_c : 0.0f;
      iy[i] = span_r > 0 ? 0.5f * ((image0[down] - image0[up]) + (warped1[down] - warped1[up])) / span_r : 0.0f;
      it[i] = warped1[i] - image0[i];
    }
}

namespace {

// Horn and Schunck's neighbourhood mean of f at c on rows `above`, `row`, `below`: edge neighbours 1/6,
// corners 1/12.
inline float neighbourhood_mean(const float* above, const float* row, const float* below, std::int64_t cm, std::int64_t c,
                                std::int64_t cp) {
  return (above[c] + below[c] + row[cm] + row[cp]) / 6.0f + (above[cm] + above[cp] + below[cm] + below[cp]) / 12.0f;
}

// One row's update; rm and rp are the neighbouring rows (replicated at the border). The interior columns
// run without clamps, through restrict-qualified rows, so that the compiler vectorises them.
void horn_schunck_row(Plane p, float alpha_squared, std::int64_t r, std::int64_t rm, std::int64_t rp, const float* __restrict ix,
                      const float* __restrict iy, const float* __restrict it, const float* __restrict u0, const float* __restrict v0,
                      const float* __restrict u, const float* __restrict v, float* __restrict u_next, float* __restrict v_next) {
  const std::int64_t n = p.cols;
  const float *ua = u + rm * n, *ur = u + r * n, *ub = u + rp * n, *va = v + rm * n, *vr = v + r * n, *vb = v + rp * n;
  const std::int64_t o = r * n;
  auto update = [&](std::int64_t c, std::int64_t cm, std::int64_t cp) {
    const float um = neighbourhood_mean(ua, ur, ub, cm, c, cp), vm = neighbourhood_mean(va, vr, vb, cm, c, cp);
    const float residual = ix[o + c] * (um - u0[o + c]) + iy[o + c] * (vm - v0[o + c]) + it[o + c];
    const float denominator = alpha_squared + ix[o + c] * ix[o + c] + iy[o + c] * iy[o + c];
    u_next[o + c] = um - ix[o + c] * residual / denominator;
    v_next[o + c] = vm - iy[o + c] * residual / denominator;
  };
  update(0, 0, std::min<std::int64_t>(1, n - 1));
#pragma omp simd
  for (std::int64_t c = 1; c < n - 1; ++c) update(c, c - 1, c + 1);
  if (n > 1) update(n - 1, n - 2, n - 1);
}

}  // namespace

void horn_schunck_step(Plane p, float alpha_squared, const float* ix, const float* iy, const float* it, const float* u0,
                       const float* v0, const float* u, const float* v, float* u_next, float* v_next) {
#pragma omp parallel for schedule(static)
  for (std::int64_t r = 0; r < p.rows; ++r)
    horn_schunck_row(p, alpha_squared, r, std::max<std::int64_t>(r - 1, 0), std::min(r + 1, p.rows - 1), ix, iy, it, u0, v0, u, v,
                     u_next, v_next);
}

}  // namespace ldd::kernels::cpu
