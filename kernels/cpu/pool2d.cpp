#include "kernels/cpu/pool2d.h"

#include <algorithm>

namespace ldd::kernels::cpu {
namespace {

// Index (within the plane) of the first maximum of the window at (oh, ow); padding never wins.
std::int64_t window_argmax(const Pool2dGeometry& g, const float* plane, std::int64_t oh, std::int64_t ow) {
  const std::int64_t h0 = oh * g.stride_h - g.pad_h, w0 = ow * g.stride_w - g.pad_w;
  const std::int64_t h_begin = std::max<std::int64_t>(h0, 0), h_end = std::min(h0 + g.kernel_h, g.in_h);
  const std::int64_t w_begin = std::max<std::int64_t>(w0, 0), w_end = std::min(w0 + g.kernel_w, g.in_w);
  std::int64_t best = h_begin * g.in_w + w_begin;
  for (std::int64_t h = h_begin; h < h_end; ++h)
    for (std::int64_t w = w_begin; w < w_end; ++w)
      if (plane[h * g.in_w + w] > plane[best]) best = h * g.in_w + w;
  return best;
}

}  // namespace

void max_pool2d_forward(const Pool2dGeometry& g, const float* x, float* y) {
  const std::int64_t oh_n = g.out_h(), ow_n = g.out_w(), planes = g.batch * g.channels;
#pragma omp parallel for schedule(static)
  for (std::int64_t plane = 0; plane < planes; ++plane) {
    const float* in = x + plane * g.in_h * g.in_w;
    float* out = y + plane * oh_n * ow_n;
    for (std::int64_t oh = 0; oh < oh_n; ++oh)
      for (std::int64_t ow = 0; ow < ow_n; ++ow) out[oh * ow_n + ow] = in[window_argmax(g, in, oh, ow)];
  }
}

void max_pool2d_backward(const Pool2dGeometry& g, const float* x, const float* dy, float* dx) {
  const std::int64_t oh_n = g.out_h(), ow_n = g.out_w(), planes = g.batch * g.channels;
#pragma omp parallel for schedule(static)
  for (std::int64_t plane = 0; plane < planes; ++plane) {
    const float* in = x + plane * g.in_h * g.in_w;
    const float* grad_out = dy + plane * oh_n * ow_n;
    float* grad_in = dx + plane * g.in_h * g.in_w;
    for (std::int64_t oh = 0; oh < oh_n; ++oh)
      for (std::int64_t ow = 0; ow < ow_n; ++ow) grad_in[window_argmax(g, in, oh, ow)] += grad_out[oh * ow_n + ow];
  }
}

}  // namespace ldd::kernels::cpu
