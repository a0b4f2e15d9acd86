#include "segflow/morphology.h"

#include <algorithm>
#include <deque>

namespace ldd::segflow {

// Row by row: the disc is a stack of runs [c - h(dr), c + h(dr)] (h the widest dc with dc^2 + dr^2 <=
// r^2), and a run's count of set pixels is a difference of the row's prefix sums, so a pixel costs
// 2r + 1 lookups, not (2r + 1)^2 (SegFlow's proposals on 0.5 mm slices use radii of 6-12 pixels).
std::vector<std::uint8_t> morph(const std::vector<std::uint8_t>& in, kernels::Plane p, int radius, bool erode) {
  const std::int64_t width = p.cols + 1;
  std::vector<std::int32_t> prefix(static_cast<std::size_t>(p.rows * width), 0);
  for (std::int64_t r = 0; r < p.rows; ++r)
    for (std::int64_t c = 0; c < p.cols; ++c)
      prefix[static_cast<std::size_t>(r * width + c + 1)] =
          prefix[static_cast<std::size_t>(r * width + c)] + (in[static_cast<std::size_t>(r * p.cols + c)] != 0);
  std::vector<std::int64_t> half(static_cast<std::size_t>(2 * radius + 1));
  for (int dr = -radius; dr <= radius; ++dr) {
    std::int64_t h = 0;
    while ((h + 1) * (h + 1) + dr * dr <= radius * radius) ++h;
    half[static_cast<std::size_t>(dr + radius)] = h;
  }
  std::vector<std::uint8_t> out(in.size());
  for (std::int64_t r = 0; r < p.rows; ++r)
    for (std::int64_t c = 0; c < p.cols; ++c) {
      bool any = false, all = true;
      for (int dr = -radius; dr <= radius && (erode ? all : !any); ++dr) {
        const std::int64_t rr = r + dr, h = half[static_cast<std::size_t>(dr + radius)];
        if (rr < 0 || rr >= p.rows) {
          all = false;
          continue;
        }
        const std::int64_t lo = std::max<std::int64_t>(c - h, 0), hi = std::min(c + h, p.cols - 1);
        const std::int32_t set = prefix[static_cast<std::size_t>(rr * width + hi + 1)] - prefix[static_cast<std::size_t>(rr * width + lo)];
        any = any || set > 0;
        all = all && c - h >= 0 && c + h < p.cols && set == 2 * h + 1;
      }
      out[static_cast<std::size_t>(r * p.cols + c)] = erode ? all : any;
    }
  return out;
}

std::vector<std::uint8_t> fill_holes(const std::vector<std::uint8_t>& in, kernels::Plane p) {
  std::vector<std::uint8_t> outside(in.size(), 0);  // background reached from the border
  std::deque<std::int64_t> queue;
  auto reach = [&](std::int64_t i) {
    if (!in[static_cast<std::size_t>(i)] && !outside[static_cast<std::size_t>(i)]) outside[static_cast<std::size_t>(i)] = 1, queue.push_back(i);
  };
  for (std::int64_t r = 0; r < p.rows; ++r) reach(r * p.cols), reach(r * p.cols + p.cols - 1);
  for (std::int64_t c = 0; c < p.cols; ++c) reach(c), reach((p.rows - 1) * p.cols + c);
  while (!queue.empty()) {
    const std::int64_t i = queue.front(), r = i / p.cols, c = i % p.cols;
    queue.pop_front();
    if (r > 0) reach(i - p.cols);
    if (r + 1 < p.rows) reach(i + p.cols);
    if (c > 0) reach(i - 1);
    if (c + 1 < p.cols) reach(i + 1);
  }
  std::vector<std::uint8_t> out(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = !outside[i];
  return out;
}

}  // namespace ldd::segflow
