// Inverted dropout: in training, each element is zeroed with probability p and the rest scaled by
// 1 / (1 - p); in evaluation it is the identity. The mask comes from a seed drawn from `gen`, so a seeded
// run drops the same elements every time.
#pragma once
#include "nn/random.h"
#include "nn/tensor.h"

namespace ldd {

// `first_row`: x holds rows first_row.. of a larger batch (one data-parallel shard); its mask is those
// rows of the mask the whole batch would get from the same draw.
Tensor dropout(const Tensor& x, float p, bool training, Generator& gen = default_generator(), std::int64_t first_row = 0);

}  // namespace ldd
