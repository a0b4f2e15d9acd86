// Log-softmax over the last axis, and the cross-entropy loss of logits against class indices.
#pragma once
#include <vector>

#include "nn/tensor.h"

namespace ldd {

Tensor log_softmax(const Tensor& x);

struct CrossEntropyOptions {
  std::vector<float> class_weights;  // empty: every class weighs 1
  int ignore_index = -100;           // rows with this target add nothing to loss or gradient
};

// logits (N, classes), one target per row in [0, classes) or ignore_index. Returns a rank-0 tensor:
// the weighted mean sum_i w[t_i] (-log softmax(logits_i)[t_i]) / sum_i w[t_i], as PyTorch's
// cross_entropy; 0 (with zero gradient) when every row is ignored.
Tensor cross_entropy(const Tensor& logits, const std::vector<int>& targets, const CrossEntropyOptions& options = {});

// Per-element binary cross-entropy on logits against labels 0 / 1, skipping elements labelled `ignore`
// (SegFlow's uncertain band); mean over labelled elements, a rank-0 tensor.
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const std::vector<std::uint8_t>& targets,
                                        std::uint8_t ignore = 255);

}  // namespace ldd
