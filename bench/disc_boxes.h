// The paper's five 1.5w x 2w disc cuboids (w ~ 60 px, tilted -0.2 to 0.2 rad along the lordosis) of a
// 12 x 448 x 336 volume: the boxes every crop/resize benchmark (CPU and GPU) cuts.
#pragma once
#include <cmath>
#include <vector>

#include "kernels/crop_resize.h"

namespace ldd::bench {

inline std::vector<kernels::OrientedBox> disc_boxes() {
  std::vector<kernels::OrientedBox> boxes;
  for (int level = 0; level < 5; ++level) {
    kernels::OrientedBox b;
    const double angle = -0.2 + 0.1 * level, h = 1.5 * 60, w = 2.0 * 60;  // 1.5w along the spine, 2w across
    const double centre[3] = {5.5, 80.0 + 60 * level, 150.0};
    const double axes[3][3] = {{12, 0, 0}, {0, h * std::cos(angle), h * std::sin(angle)}, {0, -w * std::sin(angle), w * std::cos(angle)}};
    for (int a = 0; a < 3; ++a) {
      for (int k = 0; k < 3; ++k) b.axes[a][k] = static_cast<float>(axes[a][k]);
      b.corner[a] = static_cast<float>(centre[a] - 0.5 * (axes[0][a] + axes[1][a] + axes[2][a]));
    }
    boxes.push_back(b);
  }
  return boxes;
}

}  // namespace ldd::bench
