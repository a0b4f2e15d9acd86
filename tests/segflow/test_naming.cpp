// The level naming's stages on drawn masks: names from the bottom, the reach of a seed, bodies joined at
// a waist, a body the mask missed, a stray below the sacrum, and gaps the naming cannot explain.
#include <doctest/doctest.h>

#include <string>

#include "segflow/naming.h"

using namespace ldd;

namespace {

// A single-slice column, 10 columns wide: 8 x 8 blocks (one per entry of `rows`, its top row).
struct Column {
  std::array<std::int64_t, 3> shape{1, 110, 10};
  std::vector<std::uint8_t> mask = std::vector<std::uint8_t>(110 * 10, 0);
  void block(int top, int height = 8, int c0 = 1, int c1 = 8) {
    for (int r = top; r < top + height; ++r)
      for (int c = c0; c <= c1; ++c) mask[static_cast<std::size_t>(r * 10 + c)] = 1;
  }
  std::uint8_t at(const segflow::Naming& n, int row) const { return n.labels[static_cast<std::size_t>(row * 10 + 4)]; }
};

bool noted(const segflow::Naming& n, const std::string& what) {
  for (const auto& note : n.notes)
    if (note.find(what) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("connected components are named S1, L5 .. L1 from the bottom, then T12 = 7, T11 = 8") {
  const std::array<std::int64_t, 3> shape{1, 80, 10};
  std::vector<std::uint8_t> mask(80 * 10, 0);
  for (int blob = 0; blob < 8; ++blob)  // eight 8x8 blocks down the column, gaps of 2 rows
    for (int r = blob * 10; r < blob * 10 + 8; ++r)
      for (int c = 1; c < 9; ++c) mask[static_cast<std::size_t>(r * 10 + c)] = 1;
  mask[static_cast<std::size_t>(79 * 10)] = 1;  // a one-voxel speck: dropped
  const auto labels = segflow::name_vertebrae(mask, shape, 10).labels;
  CHECK(labels[static_cast<std::size_t>(75 * 10 + 5)] == 6);  // lowest block: S1
  CHECK(labels[static_cast<std::size_t>(25 * 10 + 5)] == 1);  // sixth from the bottom: L1
  CHECK(labels[static_cast<std::size_t>(15 * 10 + 5)] == 7);  // T12
  CHECK(labels[static_cast<std::size_t>(5 * 10 + 5)] == 8);   // T11
  CHECK(labels[static_cast<std::size_t>(79 * 10)] == 0);
}

TEST_CASE("a seed does not grow into a neighbour whose own seed was dropped") {
  // A wide block (seeded) joined by a one-pixel bridge to a block 3 pixels wide, whose seed the erosion
  // leaves under the size floor: the wide block's label stays within its reach, the narrow one unnamed.
  const std::array<std::int64_t, 3> shape{1, 50, 12};
  std::vector<std::uint8_t> mask(50 * 12, 0);
  auto set = [&](int r0, int r1, int c0, int c1) {
    for (int r = r0; r <= r1; ++r)
      for (int c = c0; c <= c1; ++c) mask[static_cast<std::size_t>(r * 12 + c)] = 1;
  };
  set(0, 19, 1, 10);
  set(20, 29, 5, 5);
  set(30, 49, 4, 6);
  const auto reached = segflow::name_vertebrae(mask, shape, 30, 1, INT64_MAX, 3).labels;
  CHECK(reached[static_cast<std::size_t>(10 * 12 + 5)] == 6);  // the only seed: S1
  CHECK(reached[static_cast<std::size_t>(22 * 12 + 5)] == 6);  // within erosion + 3 pixels of the seed
  CHECK(reached[static_cast<std::size_t>(40 * 12 + 5)] == 0);
  const auto flooded = segflow::name_vertebrae(mask, shape, 30, 1, INT64_MAX, -1).labels;
  CHECK(flooded[static_cast<std::size_t>(40 * 12 + 5)] == 6);  // without a reach, the bridge floods it
}

TEST_CASE("level names and positions: S1 = 6 at the bottom, L5 .. L1 = 5 .. 1, then T12 = 7, T11 = 8") {
  CHECK(segflow::level_label(0) == 6);
  CHECK(segflow::level_label(5) == 1);
  CHECK(segflow::level_label(6) == 7);
  for (int p = 0; p < 12; ++p) CHECK(segflow::level_position(segflow::level_label(p)) == p);
  CHECK(segflow::level_name(6) == "S1");
  CHECK(segflow::level_name(4) == "L4");
  CHECK(segflow::level_name(7) == "T12");
  CHECK(segflow::level_name(8) == "T11");
}

TEST_CASE("a body the mask missed keeps the names above it right") {
  Column col;
  for (int top : {0, 10, 20, 40, 50, 60, 70}) col.block(top);  // the block at row 30 (L2) is missing
  const auto n = segflow::name_vertebrae(col.mask, col.shape, 10);
  CHECK(col.at(n, 74) == 6);  // S1
  CHECK(col.at(n, 44) == 3);  // L3
  CHECK(col.at(n, 24) == 1);  // L1, above the gap
  CHECK(col.at(n, 4) == 8);   // T11
  CHECK(noted(n, "1 body missed 2.00 spacings"));
  CHECK(n.lumbar_confident());
}

TEST_CASE("two bodies the mask joins at a narrow waist are cut apart") {
  Column col;
  for (int top : {0, 10, 20, 30, 40, 70}) col.block(top);
  col.block(50, 8);
  col.block(58, 2, 4, 5);  // a 2-pixel bridge across the disc
  col.block(60, 8);        // L5 and L4 at rows 50-67 are one component
  const auto n = segflow::name_vertebrae(col.mask, col.shape, 10);
  CHECK(noted(n, "cut at its waist"));
  CHECK(col.at(n, 74) == 6);  // S1
  CHECK(col.at(n, 64) == 5);  // L5
  CHECK(col.at(n, 54) == 4);  // L4
  CHECK(col.at(n, 4) == 8);   // T11: no level lost above the joined pair
  CHECK(n.lumbar_confident());
  // A tall body without a waist stays whole.
  Column solid;
  for (int top : {0, 10, 20, 30, 40, 70}) solid.block(top);
  solid.block(50, 18);
  CHECK(!noted(segflow::name_vertebrae(solid.mask, solid.shape, 10), "waist"));
}

TEST_CASE("a seed in a wide gap below the column leaves every name unsure: a missed L5 or a stray, the column cannot tell") {
  for (int height : {4, 8}) {  // a small seed (bowel, or a small S1) and a full-sized one
    CAPTURE(height);
    Column col;
    for (int top : {0, 10, 20, 30, 40, 50, 60}) col.block(top);
    col.block(84, height, 3, 6);  // 2.3 spacings below the lowest body
    const auto n = segflow::name_vertebrae(col.mask, col.shape, 10);
    CHECK(col.at(n, 85) == 6);  // kept as S1, the body above it counted as L4 (an L5 missed between)
    CHECK(col.at(n, 64) == 4);
    CHECK(n.confident_positions == 0);
    CHECK(noted(n, "a body missed above it, or a stray that is not S1"));
  }
}

TEST_CASE("a gap of two or more missing bodies leaves the names above it unsure, those below confident") {
  Column col;
  for (int top : {0, 10, 20, 50, 60, 70}) col.block(top);  // rows 30 and 40 missing
  const auto n = segflow::name_vertebrae(col.mask, col.shape, 10);
  CHECK(n.confident_positions == 3);  // S1, L5, L4 below the gap
  CHECK(!n.lumbar_confident());
  CHECK(noted(n, "names above unsure"));
}
