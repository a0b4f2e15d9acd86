// Row-wise log-softmax over the last dimension of a (rows, classes) matrix, and the weighted cross-entropy
// built on it. Sums run in double so that large class counts and extreme logits stay accurate.
#pragma once
#include <cstdint>

#include "kernels/device.h"

namespace ldd::kernels {

void log_softmax_forward(Device device, std::int64_t rows, std::int64_t classes, const float* x, float* y);
// dx += dy - softmax(x) * sum(dy) per row, with softmax recovered from y = log_softmax(x)
void log_softmax_backward(Device device, std::int64_t rows, std::int64_t classes, const float* y,
                          const float* dy, float* dx);

struct CrossEntropyArgs {
  std::int64_t rows = 0, classes = 0;
  const float* log_probs = nullptr;  // (rows, classes) = log_softmax(logits)
  const int* targets = nullptr;      // host memory, rows entries, in [0, classes) or ignore_index
  const float* class_weights = nullptr;  // host memory, classes entries, or null for all ones
  int ignore_index = -100;
};

// Weighted mean of -log p[target] over rows whose target is not ignored, as PyTorch's
// cross_entropy(reduction='mean'): sum_i w[t_i] (-log p_i) / sum_i w[t_i]. 0 when every row is ignored.
float cross_entropy_forward(Device device, const CrossEntropyArgs& args);
// dlogits += dloss * w[t_i] / sum(w) * (softmax_i - onehot(t_i))
void cross_entropy_backward(Device device, const CrossEntropyArgs& args, float dloss, float* dlogits);

// Binary cross-entropy on logits for per-pixel foreground/background labels (host memory, 0, 1, or
// `ignore`): mean over labelled pixels of -[t log s(x) + (1 - t) log(1 - s(x))], computed stably
// (max(x, 0) - x t + log(1 + e^-|x|)); 0 when every pixel is ignored.
float binary_cross_entropy_forward(Device device, std::int64_t n, const float* logits, const std::uint8_t* targets,
                                   std::uint8_t ignore);
// dlogits += dloss * (sigmoid(x) - t) / labelled
void binary_cross_entropy_backward(Device device, std::int64_t n, const float* logits, const std::uint8_t* targets,
                                   std::uint8_t ignore, float dloss, float* dlogits);

}  // namespace ldd::kernels
