#include "kernels/cuda/launch.cuh"
#include "kernels/cuda/optical_flow.h"

namespace ldd::kernels::cuda {
namespace {

__device__ long long clampi(long long x, long long lo, long long hi) { return x < lo ? lo : (x > hi ? hi : x); }

__device__ float bilinear(Plane p, const float* image, float row, float col) {
  row = fminf(fmaxf(row, 0.0f), static_cast<float>(p.rows - 1));
  col = fminf(fmaxf(col, 0.0f), static_cast<float>(p.cols - 1));
  const long long r0 = static_cast<long long>(row), c0 = static_cast<long long>(col);
  const long long r1 = r0 + 1 < p.rows ? r0 + 1 : p.rows - 1, c1 = c0 + 1 < p.cols ? c0 + 1 : p.cols - 1;
  const float tr = row - static_cast<float>(r0), tc = col - static_cast<float>(c0);
  const float top = image[r0 * p.cols + c0] + tc * (image[r0 * p.cols + c1] - image[r0 * p.cols + c0]);
  const float bottom = image[r1 * p.cols + c0] + tc * (image[r1 * p.cols + c1] - image[r1 * p.cols + c0]);
  return top + tr * (bottom - top);
}

__global__ void warp_kernel(Plane p, const float* image, const float* u, const float* v, float* out) {
  const long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
  if (i >= p.rows * p.cols) return;
  out[i] = bilinear(p, image, static_cast<float>(i / p.cols) + v[i], static_cast<float>(i % p.cols) + u[i]);
}

__global__ void downsample_kernel(Plane in, Plane o, const float* image, float* out) {
  const long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
  if (i >= o.rows * o.cols) return;
  const long long r = i / o.cols, c = i % o.cols;
  const float tap[3] = {0.25f, 0.5f, 0.25f};
  float sum = 0.0f;
  for (int dr = -1; dr <= 1; ++dr)
    for (int dc = -1; dc <= 1; ++dc) {
      const long long rr = clampi(2 * r + dr, 0, in.rows - 1), cc = clampi(2 * c + dc, 0, in.cols - 1);
      sum += tap[dr + 1] * tap[dc + 1] * image[rr * in.cols + cc];
    }
  out[i] = sum;
}

__global__ void upsample_kernel(Plane coarse, const float* image, Plane o, float scale, float* result) {
  const long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
  if (i >= o.rows * o.cols) return;
  const float sr = static_cast<float>(coarse.rows) / static_cast<float>(o.rows);
  const float sc = static_cast<float>(coarse.cols) / static_cast<float>(o.cols);
  result[i] = scale * bilinear(coarse, image, (static_cast<float>(i / o.cols) + 0.5f) * sr - 0.5f,
                               (static_cast<float>(i % o.cols) + 0.5f) * sc - 0.5f);
}

__global__ void derivatives_kernel(Plane p, const float* image0, const float* warped1, float* ix, float* iy, float* it) {
  const long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
  if (i >= p.rows * p.cols) return;
  const long long r = i / p.cols, c = i % p.cols;
  const long long cl = clampi(c - 1, 0, p.cols - 1), cr = clampi(c + 1, 0, p.cols - 1);
  const long long ru = clampi(r - 1, 0, p.rows - 1), rd = clampi(r + 1, 0, p.rows - 1);
  const long long left = r * p.cols + cl, right = r * p.cols + cr, up = ru * p.cols + c, down = rd * p.cols + c;
  const float span_c = static_cast<float>(cr - cl), span_r = static_cast<float>(rd - ru);
  ix[i] = span_c > 0 ? 0.5f * ((image0[right] - image0[left]) + (warped1[right] - warped1[left])) / span_c : 0.0f;
  iy[i] = span_r > 0 ? 0.5f * ((image0[down] - image0[up]) + (warped1[down] - warped1[up])) / span_r : 0.0f;
  it[i] = warped1[i] - image0[i];
}

__global__ void horn_schunck_kernel(Plane p, float alpha2, const float* ix, const float* iy, const float* it, const float* u0,
                                    const float* v0, const float* u, const float* v, float* u_next, float* v_next) {
  const long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
  if (i >= p.rows * p.cols) return;
  const long long r = i / p.cols, c = i % p.cols;
  const long long rm = clampi(r - 1, 0, p.rows - 1), rp = clampi(r + 1, 0, p.rows - 1);
  const long long cm = clampi(c - 1, 0, p.cols - 1), cp = clampi(c + 1, 0, p.cols - 1);
  const float ub = (u[rm * p.cols + c] + u[rp * p.cols + c] + u[r * p.cols + cm] + u[r * p.cols + cp]) / 6.0f +
                   (u[rm * p.cols + cm] + u[rm * p.cols + cp] + u[rp * p.cols + cm] + u[rp * p.cols + cp]) / 12.0f;
  const float vb = (v[rm * p.cols + c] + v[rp * p.cols + c] + v[r * p.cols + cm] + v[r * p.cols + cp]) / 6.0f +
                   (v[rm * p.cols + cm] + v[rm * p.cols + cp] + v[rp * p.cols + cm] + v[rp * p.cols + cp]) / 12.0f;
  const float residual = ix[i] * (ub - u0[i]) + iy[i] * (vb - v0[i]) + it[i];
  const float denominator = alpha2 + ix[i] * ix[i] + iy[i] * iy[i];
  u_next[i] = ub - ix[i] * residual / denominator;
  v_next[i] = vb - iy[i] * residual / denominator;
}

}  // namespace

void warp_bilinear(Plane p, const float* image, const float* u, const float* v, float* out) {
  warp_kernel<<<blocks_for(p.size()), kBlockSize, 0, stream()>>>(p, image, u, v, out);
  CUDA_CHECK_LAUNCH();
}

void downsample2(Plane in, const float* image, float* out) {
  const Plane o{(in.rows + 1) / 2, (in.cols + 1) / 2};
  downsample_kernel<<<blocks_for(o.size()), kBlockSize, 0, stream()>>>(in, o, image, out);
  CUDA_CHECK_LAUNCH();
}

void upsample(Plane coarse, const float* image, Plane out, float scale, float* result) {
  upsample_kernel<<<blocks_for(out.size()), kBlockSize, 0, stream()>>>(coarse, image, out, scale, result);
  CUDA_CHECK_LAUNCH();
}

void flow_derivatives(Plane p, const float* image0, const float* warped1, float* ix, float* iy, float* it) {
  derivatives_kernel<<<blocks_for(p.size()), kBlockSize, 0, stream()>>>(p, image0, warped1, ix, iy, it);
  CUDA_CHECK_LAUNCH();
}

void horn_schunck_step(Plane p, float alpha2, const float* ix, const float* iy, const float* it, const float* u0,
                       const float* v0, const float* u, const float* v, float* u_next, float* v_next) {
  horn_schunck_kernel<<<blocks_for(p.size()), kBlockSize, 0, stream()>>>(p, alpha2, ix, iy, it, u0, v0, u, v, u_next, v_next);
  CUDA_CHECK_LAUNCH();
}

}  // namespace ldd::kernels::cuda
