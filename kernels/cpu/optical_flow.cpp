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

void horn_schunck_step(Plane p, float alpha_squared, const float* ix, const float* iy, const float* it, const float* u0,
                       const float* v0, const float* u, const float* v, float* u_next, float* v_next) {
#pragma omp parallel for schedule(static)
  for (std::int64_t r = 0; r < p.rows; ++r)
    for (std::int64_t c = 0; c < p.cols; ++c) {
      // Horn and Schunck's neighbourhood mean: edge neighbours 1/6, corners 1/12 (replicated borders).
      const std::int64_t rm = std::max<std::int64_t>(r - 1, 0), rp = std::min(r + 1, p.rows - 1);
      const std::int64_t cm = std::max<std::int64_t>(c - 1, 0), cp = std::min(c + 1, p.cols - 1);
      auto mean = [&](const float* f) {
        return (f[rm * p.cols + c] + f[rp * p.cols + c] + f[r * p.cols + cm] + f[r * p.cols + cp]) / 6.0f +
               (f[rm * p.cols + cm] + f[rm * p.cols + cp] + f[rp * p.cols + cm] + f[rp * p.cols + cp]) / 12.0f;
      };
      const std::int64_t i = r * p.cols + c;
      const float ub = mean(u), vb = mean(v);
      const float residual = ix[i] * (ub - u0[i]) + iy[i] * (vb - v0[i]) + it[i];
      const float denominator = alpha_squared + ix[i] * ix[i] + iy[i] * iy[i];
      u_next[i] = ub - ix[i] * residual / denominator;
      v_next[i] = vb - iy[i] * residual / denominator;
    }
}

}  // namespace ldd::kernels::cpu
