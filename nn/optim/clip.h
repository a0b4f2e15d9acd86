// Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_.
#pragma once
#include <vector>

#include "nn/tensor.h"

namespace ldd {

// Scales every defined gradient by max_norm / (norm + 1e-6) when the global L2 norm exceeds max_norm.
// Returns the norm before clipping.
double clip_grad_norm(const std::vector<Tensor>& parameters, double max_norm);

}  // namespace ldd
