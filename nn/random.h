// Random tensors drawn from a seeded Generator (base/random.h): the same seed gives the same tensor on
// every platform.
#pragma once
#include "base/random.h"
#include "nn/tensor.h"

namespace ldd {

Tensor uniform(const Shape& shape, float low, float high, Generator& gen = default_generator(),
               Device device = Device::CPU);
Tensor normal(const Shape& shape, float mean, float stddev, Generator& gen = default_generator(),
              Device device = Device::CPU);

}  // namespace ldd
