// Drawing into an RGB image (rows x cols x 3, as image::write_png takes it): what quality-control and
// patient figures need besides text (label_text.h).
#pragma once
#include <array>
#include <cstdint>
#include <vector>

namespace ldd::image {

using Rgb = std::array<std::uint8_t, 3>;

struct RgbImage {
  std::int64_t rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // rows x cols x 3

  RgbImage(std::int64_t rows, std::int64_t cols, Rgb fill = {0, 0, 0});
  void paint(std::int64_t row, std::int64_t col, Rgb colour);  // pixels outside are skipped
};

// The parallelogram corner, corner + a, corner + a + b, corner + b, points as (row, col).
void draw_parallelogram(RgbImage& image, std::array<double, 2> corner, std::array<double, 2> a, std::array<double, 2> b, Rgb colour);

// A grey tile (values scaled so that [low, high] -> 0-255) enlarged `zoom` times (nearest neighbour),
// its top-left corner at (row, col); with `heat` (same size, 0-1), a red-yellow overlay of it blended in.
void draw_tile(RgbImage& image, std::int64_t row, std::int64_t col, const float* values, std::int64_t rows, std::int64_t cols, double low,
               double high, int zoom, const float* heat = nullptr);

}  // namespace ldd::image
