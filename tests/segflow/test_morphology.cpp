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
