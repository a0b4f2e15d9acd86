#include "kernels/cuda/launch.cuh"
#include "kernels/cuda/pool2d.h"

namespace ldd::kernels::cuda {
namespace {

// Index (within the plane) of the first maximum of window (oh, ow); padding never wins. The CPU twin's rule.
__device__ long long window_argmax(const Pool2dGeometry& g, const float* plane, long long oh, long long ow) {
  const long long h0 = oh * g.stride_h - g.pad_h, w0 = ow * g.stride_w - g.pad_w;
  const long long h_begin = h0 > 0 ? h0 : 0, h_end = h0 + g.kernel_h < g.in_h ? h0 + g.kernel_h : g.in_h;
  const long long w_begin = w0 > 0 ? w0 : 0, w_end = w0 + g.kernel_w < g.in_w ? w0 + g.kernel_w : g.in_w;
  long long best = h_begin * g.in_w + w_begin;
  for (long long h = h_begin; h < h_end; ++h)
    for (long long w = w_begin; w < w_end; ++w)
      if (plane[h * g.in_w + w] > plane[best]) best = h * g.in_w + w;
  return best;
}

__global__ void forward_kernel(Pool2dGeometry g, long long out_h, long long out_w, long long n, const float* x, float* y) {
  LDD_GRID_STRIDE_LOOP(i, n) {
    const long long ow = i % out_w, oh = (i / out_w) % out_h, plane = i / (out_w * out_h);
    const float* in = x + plane * g.in_h * g.in_w;
    y[i] = in[window_argmax(g, in, oh, ow)];
  }
}

// Output windows covering input index `in` along one axis: oh * stride - pad <= in < oh * stride - pad + kernel.
__device__ void covering(long long in, long long kernel, long long stride, long long pad, long long out, long long& first,
                         long long& last) {
  const long long lo = in + pad - kernel + 1;
  first = lo <= 0 ? 0 : (lo + stride - 1) / stride;
  last = (in + pad) / stride;
  if (last > out - 1) last = out - 1;
}

__global__ void backward_kernel(Pool2dGeometry g, long long out_h, long long out_w, long long n, const float* x,
                                const float* dy, float* dx) {
  LDD_GRID_STRIDE_LOOP(i, n) {
    const long long w = i % g.in_w, h = (i / g.in_w) % g.in_h, plane = i / (g.in_w * g.in_h);
    const float* in = x + plane * g.in_h * g.in_w;
    const float* grad_out = dy + plane * out_h * out_w;
    const long long self = h * g.in_w + w;
    long long oh0, oh1, ow0, ow1;
    covering(h, g.kernel_h, g.stride_h, g.pad_h, out_h, oh0, oh1);
    covering(w, g.kernel_w, g.stride_w, g.pad_w, out_w, ow0, ow1);
    // Added in raster order of the windows, as the CPU twin does, so both round alike.
    float sum = dx[i];
    for (long long oh = oh0; oh <= oh1; ++oh)
      for (long long ow = ow0; ow <= ow1; ++ow)
        if (window_argmax(g, in, oh, ow) == self) sum += grad_out[oh * out_w + ow];
    dx[i] = sum;
  }
}

}  // namespace

void max_pool2d_forward(const Pool2dGeometry& g, const float* x, float* y) {
  const long long n = g.batch * g.channels * g.out_h() * g.out_w();
  forward_kernel<<<grid_for(n), kBlockSize, 0, stream()>>>(g, g.out_h(), g.out_w(), n, x, y);
  CUDA_CHECK_LAUNCH();
}

void max_pool2d_backward(const Pool2dGeometry& g, const float* x, const float* dy, float* dx) {
  const long long n = g.batch * g.channels * g.in_h * g.in_w;
  backward_kernel<<<grid_for(n), kBlockSize, 0, stream()>>>(g, g.out_h(), g.out_w(), n, x, dy, dx);
  CUDA_CHECK_LAUNCH();
}

}  // namespace ldd::kernels::cuda
