#include "data/image/draw.h"

#include <algorithm>
#include <cmath>

namespace ldd::image {

RgbImage::RgbImage(std::int64_t r, std::int64_t c, Rgb fill) : rows(r), cols(c), pixels(static_cast<std::size_t>(r * c * 3)) {
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = fill[i % 3];
}

void RgbImage::paint(std::int64_t row, std::int64_t col, Rgb colour) {
  if (row < 0 || row >= rows || col < 0 || col >= cols) return;
  for (int ch = 0; ch < 3; ++ch) pixels[static_cast<std::size_t>(3 * (row * cols + col) + ch)] = colour[static_cast<std::size_t>(ch)];
}

void draw_parallelogram(RgbImage& image, std::array<double, 2> corner, std::array<double, 2> a, std::array<double, 2> b, Rgb colour) {
  const double length = std::hypot(a[0], a[1]) + std::hypot(b[0], b[1]);
  const int steps = std::max(8, static_cast<int>(2 * length));
  for (int edge = 0; edge < 4; ++edge)
    for (int t = 0; t <= steps; ++t) {
      const double f = static_cast<double>(t) / steps;
      const double fa = edge == 0 ? f : edge == 1 ? 1 : edge == 2 ? 1 - f : 0;
      const double fb = edge == 0 ? 0 : edge == 1 ? f : edge == 2 ? 1 : 1 - f;
      image.paint(std::lround(corner[0] + fa * a[0] + fb * b[0]), std::lround(corner[1] + fa * a[1] + fb * b[1]), colour);
    }
}

void draw_tile(RgbImage& image, std::int64_t row, std::int64_t col, const float* values, std::int64_t rows, std::int64_t cols, double low,
               double high, int zoom, const float* heat) {
  const double span = high > low ? high - low : 1.0;
  for (std::int64_t r = 0; r < rows * zoom; ++r)
    for (std::int64_t c = 0; c < cols * zoom; ++c) {
      const std::int64_t i = (r / zoom) * cols + c / zoom;
      const double grey = std::clamp((values[i] - low) / span, 0.0, 1.0) * 255.0;
      std::array<double, 3> v{grey, grey, grey};
      if (heat) {  // black -> red -> yellow, blended by the heat itself so cold regions keep the anatomy
        const double h = std::clamp(static_cast<double>(heat[i]), 0.0, 1.0);
        const std::array<double, 3> hot{255.0 * std::min(1.0, 2 * h), 255.0 * std::max(0.0, 2 * h - 1), 0.0};
        const double alpha = 0.85 * h;
        for (int ch = 0; ch < 3; ++ch) v[static_cast<std::size_t>(ch)] = (1 - alpha) * v[static_cast<std::size_t>(ch)] + alpha * hot[static_cast<std::size_t>(ch)];
      }
      image.paint(row + r, col + c, {static_cast<std::uint8_t>(std::lround(v[0])), static_cast<std::uint8_t>(std::lround(v[1])),
                                     static_cast<std::uint8_t>(std::lround(v[2]))});
    }
}

}  // namespace ldd::image
