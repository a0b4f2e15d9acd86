// CUDA twin of kernels/lrn.h: one thread per element, window sums in the CPU twin's order (nvcc fuses the
// squares into the adds, so results differ from the CPU's in the last bits).
#pragma once
#include "kernels/lrn.h"

namespace ldd::kernels::cuda {

void lrn_forward(const LrnParams& p, std::int64_t outer, std::int64_t channels, std::int64_t inner,
                 const float* x, float* y, float* scale);
void lrn_backward(const LrnParams& p, std::int64_t outer, std::int64_t channels, std::int64_t inner,
                  const float* x, const float* y, const float* scale, const float* dy, float* dx);

}  // namespace ldd::kernels::cuda
