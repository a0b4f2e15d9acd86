#include "data/image/label_text.h"

namespace ldd::image {
namespace {

// 3 x 5 glyphs, one row per 3-bit number, most significant bit left.
const std::array<std::uint8_t, 5>* glyph(char c) {
  static const std::array<std::uint8_t, 5> digits[10] = {
      {7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
      {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 1, 1}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7}};
  static const std::array<std::uint8_t, 5> L{4, 4, 4, 4, 7}, S{7, 4, 7, 1, 7}, T{7, 2, 2, 2, 2}, dash{0, 0, 7, 0, 0},
      question{7, 1, 2, 0, 2}, P{7, 5, 7, 4, 4}, G{7, 4, 5, 5, 7}, percent{5, 1, 2, 4, 5}, dot{0, 0, 0, 0, 2};
  if (c >= '0' && c <= '9') return &digits[c - '0'];
  switch (c) {
    case 'L': return &L;
    case 'S': return &S;
    case 'T': return &T;
    case '-': return &dash;
    case '?': return &question;
    case 'P': return &P;
    case 'G': return &G;
    case '%': return &percent;
    case '.': return &dot;
    default: return nullptr;
  }
}

}  // namespace

void draw_label(std::vector<std::uint8_t>& rgb, std::int64_t rows, std::int64_t cols, std::int64_t row, std::int64_t col,
                const std::string& text, std::array<std::uint8_t, 3> colour, int scale) {
  auto paint = [&](std::int64_t r, std::int64_t c, std::array<std::uint8_t, 3> v) {
    if (r < 0 || r >= rows || c < 0 || c >= cols) return;
    for (int ch = 0; ch < 3; ++ch) rgb[static_cast<std::size_t>(3 * (r * cols + c) + ch)] = v[static_cast<std::size_t>(ch)];
  };
  for (int pass = 0; pass < 2; ++pass)  // the dark outline first, then the glyphs over it
    for (std::size_t k = 0; k < text.size(); ++k) {
      const auto* g = glyph(text[k]);
      if (!g) continue;
      const std::int64_t left = col + static_cast<std::int64_t>(k) * 4 * scale;
      for (int gr = 0; gr < 5; ++gr)
        for (int gc = 0; gc < 3; ++gc) {
          if (!((*g)[static_cast<std::size_t>(gr)] >> (2 - gc) & 1)) continue;
          for (std::int64_t dr = 0; dr < scale; ++dr)
            for (std::int64_t dc = 0; dc < scale; ++dc) {
              const std::int64_t r = row + gr * scale + dr, c = left + gc * scale + dc;
              if (pass == 0) {
                for (int o = -1; o <= 1; ++o)
                  for (int p = -1; p <= 1; ++p) paint(r + o, c + p, {0, 0, 0});
              } else {
                paint(r, c, colour);
              }
            }
        }
    }
}

}  // namespace ldd::image
