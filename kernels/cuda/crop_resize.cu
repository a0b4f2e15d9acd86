#include "kernels/cuda/buffer.h"
#include "kernels/cuda/crop_resize.h"
#include "kernels/cuda/launch.cuh"

namespace ldd::kernels::cuda {
namespace {

template <bool Backward>
__global__ void crop_kernel(CropGeometry g, const OrientedBox* boxes, const float* in, float* out) {
  const long long n = g.boxes * g.out_slices * g.out_rows * g.out_cols;
  const long long index = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
  if (index >= n) return;
  long long rest = index;
  const long long c = rest % g.out_cols;
  rest /= g.out_cols;
  const long long r = rest % g.out_rows;
  rest /= g.out_rows;
  const long long s = rest % g.out_slices;
  const long long b = rest / g.out_slices;
  float p[3];
  box_point(boxes[b], g, s, r, c, p);
  const float z = floorf(p[0]), y = floorf(p[1]), x = floorf(p[2]);
  const float tz = p[0] - z, ty = p[1] - y, tx = p[2] - x;
  const long long z0 = static_cast<long long>(z), y0 = static_cast<long long>(y), x0 = static_cast<long long>(x);
  float sum = 0.0f;
  const float grad = Backward ? in[index] : 0.0f;
  for (int dz = 0; dz < 2; ++dz) {
    const long long zi = z0 + dz;
    if (zi < 0 || zi >= g.depth) continue;
    for (int dy = 0; dy < 2; ++dy) {
      const long long yi = y0 + dy;
      if (yi < 0 || yi >= g.height) continue;
      for (int dx = 0; dx < 2; ++dx) {
        const long long xi = x0 + dx;
        if (xi < 0 || xi >= g.width) continue;
        const float w = (dz ? tz : 1.0f - tz) * (dy ? ty : 1.0f - ty) * (dx ? tx : 1.0f - tx);
        const long long v = (zi * g.height + yi) * g.width + xi;
        if (Backward) atomicAdd(out + v, w * grad);
        else sum += w * in[v];
      }
    }
  }
  if (!Backward) out[index] = sum;
}

template <bool Backward>
void launch(const CropGeometry& g, const OrientedBox* host_boxes, const float* in, float* out) {
  const long long n = g.boxes * g.out_slices * g.out_rows * g.out_cols;
  if (n == 0) return;
  const DeviceBuffer<OrientedBox> boxes(host_boxes, static_cast<std::size_t>(g.boxes));
  crop_kernel<Backward><<<blocks_for(n), kBlockSize, 0, stream()>>>(g, boxes.data(), in, out);
  CUDA_CHECK_LAUNCH();
}

}  // namespace

void crop_resize_forward(const CropGeometry& g, const float* volume, const OrientedBox* boxes, float* out) {
  launch<false>(g, boxes, volume, out);
}

void crop_resize_backward(const CropGeometry& g, const float* dout, const OrientedBox* boxes, float* dvolume) {
  launch<true>(g, boxes, dout, dvolume);
}

}  // namespace ldd::kernels::cuda
