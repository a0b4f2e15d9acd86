// Short labels ("L4", "S1", "T12", "L4-L5", "?", "P 34%") drawn into an RGB image with a built-in 3 x 5 pixel font,
// so quality-control overlays name what they show without a font library.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace ldd::image {

// Draws `text` (digits, L, S, T, P, G, '-', '?', '%', '.'; other characters as a blank) with its top-left corner at
// (row, col), each font pixel a `scale` x `scale` square, on a one-pixel dark outline so it reads on
// any background. Pixels outside the image are skipped.
void draw_label(std::vector<std::uint8_t>& rgb, std::int64_t rows, std::int64_t cols, std::int64_t row, std::int64_t col,
                const std::string& text, std::array<std::uint8_t, 3> colour, int scale = 2);

}  // namespace ldd::image
