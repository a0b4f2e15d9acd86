#include "nn/random.h"

#include <vector>

namespace ldd {
namespace {

template <class Draw>
Tensor generate(const Shape& shape, Device device, Draw draw) {
  std::vector<float> values(static_cast<std::size_t>(shape.numel()));
  for (auto& v : values) v = static_cast<float>(draw());
  return Tensor::from_vector(shape, values, device);
}

}  // namespace

Tensor uniform(const Shape& shape, float low, float high, Generator& gen, Device device) {
  return generate(shape, device, [&] { return low + (high - low) * gen.uniform(); });
}

Tensor normal(const Shape& shape, float mean, float stddev, Generator& gen, Device device) {
  return generate(shape, device, [&] { return mean + stddev * gen.normal(); });
}

}  // namespace ldd
