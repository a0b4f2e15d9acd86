#include "segflow/morphology.h"

#include <deque>

namespace ldd::segflow {

std::vector<std::uint8_t> morph(const std::vector<std::uint8_t>& in, kernels::Plane p, int radius, bool erode) {
  std::vector<std::uint8_t> out(in.size());
  for (std::int64_t r = 0; r < p.rows; ++r)
    for (std::int64_t c = 0; c < p.cols; ++c) {
      bool any = false, all = true;
      for (int dr = -radius; dr <= radius && (erode ? all : !any); ++dr)
        for (int dc = -radius; dc <= radius; ++dc) {
          if (dr * dr + dc * dc > radius * radius) continue;
          const std::int64_t rr = r + dr, cc = c + dc;
          const bool v = rr >= 0 && rr < p.rows && cc >= 0 && cc < p.cols && in[static_cast<std::size_t>(rr * p.cols + cc)];
          any = any || v;
          all = all && v;
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
