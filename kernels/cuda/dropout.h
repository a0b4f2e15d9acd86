// CUDA twin of kernels/dropout.h: the same counter-based mask as the CPU twin.
#pragma once
#include "kernels/dropout.h"

namespace ldd::kernels::cuda {

void dropout_forward(std::int64_t n, float p, std::uint64_t seed, const float* x, float* y);
void dropout_backward(std::int64_t n, float p, std::uint64_t seed, const float* dy, float* dx);

}  // namespace ldd::kernels::cuda
