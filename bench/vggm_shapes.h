// VGG-M's convolution layers (DESIGN.md) for a slices x 112 x 112 disc crop: the shapes every CPU and GPU
// benchmark measures, so figures from different files compare like with like.
#pragma once
#include <array>
#include <cstdint>

#include "kernels/conv2d.h"

namespace ldd::bench {

struct NamedConv {
  const char* name;
  kernels::Conv2dGeometry geometry;
};

// batch 32, 9 slices as input channels, 112 x 112: conv1 -> 53x53, pool -> 26, conv2 -> 12, pool -> 6
// (VGG-M pools in ceil mode, nn/models/vggm.h).
inline std::array<NamedConv, 5> vggm_convs(std::int64_t batch = 32, std::int64_t slices = 9) {
  using G = kernels::Conv2dGeometry;
  return {{
      {"conv1", G{batch, slices, 112, 112, 96, 7, 7, 2, 2, 0, 0}},
      {"conv2", G{batch, 96, 26, 26, 256, 5, 5, 2, 2, 1, 1}},
      {"conv3", G{batch, 256, 6, 6, 512, 3, 3, 1, 1, 1, 1}},
      {"conv4", G{batch, 512, 6, 6, 512, 3, 3, 1, 1, 1, 1}},
      {"conv5", G{batch, 512, 6, 6, 512, 3, 3, 1, 1, 1, 1}},
  }};
}

}  // namespace ldd::bench
