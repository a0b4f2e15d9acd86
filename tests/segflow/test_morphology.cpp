// The slice morphology SegFlow's proposals and mask clean-up use.
#include <doctest/doctest.h>

#include "segflow/morphology.h"

using namespace ldd;

namespace {

std::vector<std::uint8_t> from_rows(const std::vector<const char*>& rows) {
  std::vector<std::uint8_t> out;
  for (const char* row : rows)
    for (const char* c = row; *c; ++c) out.push_back(*c == '#');
  return out;
}

}  // namespace

TEST_CASE("fill_holes fills enclosed background only") {
  const kernels::Plane p{5, 7};
  const auto in = from_rows({"#####..",
                             "#...#..",
                             "#.#.#.#",
                             "#####.#",
                             "......#"});
  const auto want = from_rows({"#####..",
                               "#####..",
                               "#####.#",
                               "#####.#",
                               "......#"});
  CHECK(segflow::fill_holes(in, p) == want);
}

TEST_CASE("morph dilates and erodes by a disc, the field's outside counting as background") {
  const kernels::Plane p{5, 5};
  const auto dot = from_rows({".....", ".....", "..#..", ".....", "....."});
  const auto plus = from_rows({".....", "..#..", ".###.", "..#..", "....."});
  CHECK(segflow::morph(dot, p, 1, false) == plus);
  CHECK(segflow::morph(plus, p, 1, true) == dot);
  const auto full = std::vector<std::uint8_t>(25, 1);
  const auto inner = from_rows({".....", ".###.", ".###.", ".###.", "....."});
  CHECK(segflow::morph(full, p, 1, true) == inner);
}

namespace {

// The definition, pixel by pixel over the whole disc.
std::vector<std::uint8_t> morph_by_definition(const std::vector<std::uint8_t>& in, kernels::Plane p, int radius, bool erode) {
  std::vector<std::uint8_t> out(in.size());
  for (std::int64_t r = 0; r < p.rows; ++r)
    for (std::int64_t c = 0; c < p.cols; ++c) {
      bool any = false, all = true;
      for (int dr = -radius; dr <= radius; ++dr)
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

}  // namespace

TEST_CASE("morph equals the disc's definition on random masks of odd sizes and every radius up to 9") {
  std::uint64_t state = 12345;
  auto next = [&] { return (state = state * 6364136223846793005ULL + 1442695040888963407ULL) >> 33; };
  for (const kernels::Plane p : {kernels::Plane{1, 1}, kernels::Plane{3, 17}, kernels::Plane{23, 9}, kernels::Plane{31, 41}})
    for (int radius = 0; radius <= 9; ++radius)
      for (const int density : {20, 50, 85}) {
        std::vector<std::uint8_t> in(static_cast<std::size_t>(p.size()));
        for (auto& v : in) v = static_cast<std::uint8_t>(static_cast<int>(next() % 100) < density);
        for (const bool erode : {false, true}) {
          INFO(p.rows << " x " << p.cols << ", radius " << radius << (erode ? ", erosion" : ", dilation") << ", density " << density);
          CHECK(segflow::morph(in, p, radius, erode) == morph_by_definition(in, p, radius, erode));
        }
      }
}
