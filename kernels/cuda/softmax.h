// CUDA twin of kernels/softmax.h. One thread per row for log-softmax (classes are few here); the losses' sums are
// per-block partials in double, added on the host in a fixed order.
#pragma once
#include "kernels/softmax.h"

namespace ldd::kernels::cuda {

void log_softmax_forward(std::int64_t rows, std::int64_t classes, const float* x, float* y);
void log_softmax_backward(std::int64_t rows, std::int64_t classes, const float* y, const float* dy, float* dx);
float cross_entropy_forward(const CrossEntropyArgs& args);
void cross_entropy_backward(const CrossEntropyArgs& args, float dloss, float* dlogits);

float binary_cross_entropy_forward(std::int64_t n, const float* logits, const std::uint8_t* targets, std::uint8_t ignore);
void binary_cross_entropy_backward(std::int64_t n, const float* logits, const std::uint8_t* targets, std::uint8_t ignore,
                                   float dloss, float* dlogits);

}  // namespace ldd::kernels::cuda
