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

// Focal loss (Lin et al. 2017) of logits against class indices: sum_i w[t_i] (1 - p_i)^gamma (-log p_i) /
// sum_i w[t_i], p_i = softmax(logits_i)[t_i]. gamma = 0 is cross_entropy; larger gamma down-weights
// the rows the model already gets right. Computed on the host (N x classes is small) for any device.
Tensor focal_loss(const Tensor& logits, const std::vector<int>& targets, double gamma,
                  const std::vector<float>& class_weights = {});

// Per-element binary cross-entropy on logits against labels 0 / 1, skipping elements labelled `ignore`
// (SegFlow's uncertain band); mean over labelled elements, a rank-0 tensor.
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const std::vector<std::uint8_t>& targets,
                                        std::uint8_t ignore = 255);

}  // namespace ldd
