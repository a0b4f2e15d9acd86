// Max pooling over NCHW planes with stride, zero-cost padding (padded cells never win) and ceil mode,
// with PyTorch's output-size rule: in ceil mode the last window must start inside the input or left padding.
#pragma once
#include <cstdint>

#include "kernels/device.h"

namespace ldd::kernels {

struct Pool2dGeometry {
  std::int64_t batch = 1, channels = 1, in_h = 1, in_w = 1;
  std::int64_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0;
  bool ceil_mode = false;

  std::int64_t out_h() const { return out_size(in_h, kernel_h, stride_h, pad_h); }
  std::int64_t out_w() const { return out_size(in_w, kernel_w, stride_w, pad_w); }

 private:
  std::int64_t out_size(std::int64_t in, std::int64_t k, std::int64_t s, std::int64_t p) const {
    const std::int64_t span = in + 2 * p - k;
    std::int64_t out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
    if (ceil_mode && (out - 1) * s >= in + p) --out;
    return out;
  }
};

// Throws ldd::Error when sizes are not positive, padding exceeds half the kernel, or no window fits.
void validate(const Pool2dGeometry& g);

void max_pool2d_forward(Device device, const Pool2dGeometry& g, const float* x, float* y);
// dx += dy routed to each window's maximum (the first one on ties), found again from x: no index buffer.
void max_pool2d_backward(Device device, const Pool2dGeometry& g, const float* x, const float* dy, float* dx);

}  // namespace ldd::kernels
