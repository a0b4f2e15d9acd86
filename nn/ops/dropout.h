// Inverted dropout: in training, each element is zeroed with probability p and the rest scaled by
// 1 / (1 - p); in evaluation it is the identity. The mask comes from a seed drawn from `gen`, so a seeded
// run drops the same elements every time.
#pragma once
#include "nn/random.h"
#include "nn/tensor.h"

namespace ldd {

Tensor dropout(const Tensor& x, float p, bool training, Generator& gen = default_generator());

}  // namespace ldd
