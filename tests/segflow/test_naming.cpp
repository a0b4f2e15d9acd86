// The level naming's stages on drawn masks: names from the bottom, the reach of a seed, bodies joined at
// a waist, a body the mask missed, a stray below the sacrum, and gaps the naming cannot explain.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "segflow/naming.h"

using namespace ldd;

namespace {

// A single-slice column, 20 columns wide: 8 x 8 blocks (one per entry of `rows`, its top row) in columns
// 1-8, and S1 below them 6 columns further back: the column's step to it turns by 31 degrees, the bend of
// the lumbosacral junction (segflow/naming.cpp, stage 4a).
struct Column {
  static constexpr int kCols = 20;
  std::array<std::int64_t, 3> shape{1, 110, kCols};
  std::vector<std::uint8_t> mask = std::vector<std::uint8_t>(110 * kCols, 0);
  void block(int top, int height = 8, int c0 = 1, int c1 = 8) {
    for (int r = top; r < top + height; ++r)
      for (int c = c0; c <= c1; ++c) mask[static_cast<std::size_t>(r * kCols + c)] = 1;
  }
  void sacrum(int top, int height = 8) { block(top, height, 7, 14); }
  std::uint8_t at(const segflow::Naming& n, int row) const {  // the label of the block on this row
    std::uint8_t label = 0;
    for (int c = 0; c < kCols; ++c) label = std::max(label, n.labels[static_cast<std::size_t>(row * kCols + c)]);
    return label;
  }
};

bool noted(const segflow::Naming& n, const std::string& what) {
  for (const auto& note : n.notes)
    if (note.find(what) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("connected components are named S1, L5 .. L1 from the sacrum up, then T12 = 7, T11 = 8") {
  Column col;
  for (int top : {0, 10, 20, 30, 40, 50, 60}) col.block(top);
  col.sacrum(70);
  col.mask[static_cast<std::size_t>(100 * Column::kCols)] = 1;  // a one-voxel speck: dropped
  const auto n = segflow::name_vertebrae(col.mask, col.shape, 10);
  CHECK(col.at(n, 75) == 6);  // S1, where the column turns back
  CHECK(col.at(n, 65) == 5);  // L5
  CHECK(col.at(n, 25) == 1);  // sixth from the bottom: L1
  CHECK(col.at(n, 15) == 7);  // T12
  CHECK(col.at(n, 5) == 8);   // T11
  CHECK(n.labels[static_cast<std::size_t>(100 * Column::kCols)] == 0);
  CHECK(n.lumbar_confident());
  CHECK(noted(n, "sacrum: S1's step turns 31 degrees"));
}

TEST_CASE("a straight column shows no sacrum: its lowest body is taken for L5 and every name is unsure") {
  Column col;
  for (int top : {0, 10, 20, 30, 40, 50, 60, 70}) col.block(top);
  const auto n = segflow::name_vertebrae(col.mask, col.shape, 10);
  CHECK(col.at(n, 75) == 5);
  CHECK(col.at(n, 25) == 7);
  CHECK(n.confident_positions == 0);
  CHECK(noted(n, "no sacrum found"));
}

TEST_CASE("a bend spread over two joints leaves the names unsure") {
  // The steps to the last two bodies turn by 22 and 24 degrees: S1 is the larger bend, but it is hardly
  // more than the one above it (a curve, or L5 where S1 is missing), so no name is sure.
  Column col;
  for (int top : {0, 10, 20, 30, 40, 50}) col.block(top);
  col.block(60, 8, 5, 12);
  col.block(70, 8, 12, 19);
  const auto n = segflow::name_vertebrae(col.mask, col.shape, 10);
  CHECK(col.at(n, 75) == 6);
  CHECK(n.confident_positions == 0);
  CHECK(noted(n, "hardly more than the body above's"));
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
  CHECK(reached[static_cast<std::size_t>(10 * 12 + 5)] == 5);  // the only seed, no sacrum: taken for L5
  CHECK(reached[static_cast<std::size_t>(22 * 12 + 5)] == 5);  // within erosion + 3 pixels of the seed
  CHECK(reached[static_cast<std::size_t>(40 * 12 + 5)] == 0);
  const auto flooded = segflow::name_vertebrae(mask, shape, 30, 1, INT64_MAX, -1).labels;
  CHECK(flooded[static_cast<std::size_t>(40 * 12 + 5)] == 5);  // without a reach, the bridge floods it
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
  for (int top : {0, 10, 20, 40, 50, 60}) col.block(top);  // the block at row 30 (L2) is missing
  col.sacrum(70);
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
  for (int top : {0, 10, 20, 30, 40}) col.block(top);
  col.sacrum(70);
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

TEST_CASE("a sacrum two spacings below the column: L5 was missed; a fragment of the sacrum leaves the names unsure") {
  for (int height : {4, 8}) {  // a fragment (a quarter of a body) and a seed half a body's size
    CAPTURE(height);
    Column col;
    for (int top : {0, 10, 20, 30, 40, 50, 60}) col.block(top);
    col.block(80, height, 12, 15);  // its step from the lowest body turns back by 24 degrees
    const auto n = segflow::name_vertebrae(col.mask, col.shape, 10);
    CHECK(col.at(n, 81) == 6);  // S1, the body above it counted as L4 (an L5 missed between)
    CHECK(col.at(n, 64) == 4);
    CHECK(noted(n, "1 body missed"));
    if (height == 4) {
      CHECK(n.confident_positions == 0);
      CHECK(noted(n, "the sacrum's seed is a fragment"));
    } else {
      CHECK(n.lumbar_confident());
    }
  }
}

TEST_CASE("a gap of two or more missing bodies leaves the names above it unsure, those below confident") {
  Column col;
  for (int top : {0, 10, 20, 50, 60}) col.block(top);  // rows 30 and 40 missing
  col.sacrum(70);
  const auto n = segflow::name_vertebrae(col.mask, col.shape, 10);
  CHECK(n.confident_positions == 3);  // S1, L5, L4 below the gap
  CHECK(!n.lumbar_confident());
  CHECK(noted(n, "names above unsure"));
}

namespace {

// A wider single-slice column than Column's: 8 x 8 bodies in columns 1-8 with tops `tops`, and whatever
// the case draws below them.
struct WideColumn {
  static constexpr int kCols = 40;
  std::array<std::int64_t, 3> shape{1, 110, kCols};
  std::vector<std::uint8_t> mask = std::vector<std::uint8_t>(110 * kCols, 0);
  void block(int top, int height, int c0, int c1) {
    for (int r = top; r < top + height; ++r)
      for (int c = c0; c <= c1; ++c) mask[static_cast<std::size_t>(r * kCols + c)] = 1;
  }
  std::uint8_t at(const segflow::Naming& n, int row, int col) const { return n.labels[static_cast<std::size_t>(row * kCols + col)]; }
};

}  // namespace

TEST_CASE("L5 fused to S1 without a waist is cut apart where the column runs straight into L5 and turns at S1") {
  WideColumn col;
  for (int top : {0, 10, 20, 30, 40, 50, 60}) col.block(top, 8, 1, 8);  // T11 .. L5
  col.block(68, 8, 7, 22);  // S1, far back and wide, touching L5 across columns 7-8: one seed with it
  const auto n = segflow::name_vertebrae(col.mask, col.shape, 10);
  CHECK(noted(n, "L5 and S1 joined in one seed"));
  CHECK(col.at(n, 71, 18) == 6);  // S1
  CHECK(col.at(n, 64, 3) == 5);   // L5
  CHECK(col.at(n, 54, 3) == 4);   // L4
  CHECK(col.at(n, 4, 3) == 8);    // T11
  CHECK(n.lumbar_confident());
}

TEST_CASE("a sacrum that falls apart into S1 and S2 stays whole: the column turns into S1 already") {
  WideColumn col;
  for (int top : {0, 10, 20, 30, 40, 50, 60}) col.block(top, 8, 1, 8);  // T11 .. L5
  col.block(70, 8, 7, 14);   // S1, its step turning back by 31 degrees
  col.block(78, 8, 11, 26);  // S2 touching it, further back
  const auto n = segflow::name_vertebrae(col.mask, col.shape, 10);
  CHECK(!noted(n, "joined in one seed"));
  CHECK(col.at(n, 74, 10) == 6);  // S1 (with S2)
  CHECK(col.at(n, 64, 3) == 5);   // L5
  CHECK(col.at(n, 4, 3) == 8);    // T11
}

TEST_CASE("a fragment of the sacrum right below the lowest body is S1's top: names sure") {
  Column col;
  for (int top : {0, 10, 20, 30, 40, 50, 60}) col.block(top);
  col.block(70, 3, 9, 12);  // a fifth of a body, its top 0.8 spacings below L5's centre
  const auto n = segflow::name_vertebrae(col.mask, col.shape, 10);
  CHECK(col.at(n, 71) == 6);
  CHECK(col.at(n, 64) == 5);
  CHECK(noted(n, "the sacrum's seed is a fragment"));
  CHECK(noted(n, "S1's top"));
  CHECK(n.lumbar_confident());
}

TEST_CASE("a top seed a third taller than the column's bodies is the field's cut remnant joined on: cut away") {
  Column col;
  col.block(1, 4);        // T10's remnant, cut by the field's upper edge
  col.block(5, 1, 4, 5);  // joined to T11 across the disc: rows 1-13 are one seed, too short for a waist cut
  col.block(6, 8);        // T11
  for (int top : {16, 26, 36, 46, 56, 66}) col.block(top);  // T12 .. L5
  col.sacrum(76);
  const auto n = segflow::name_vertebrae(col.mask, col.shape, 10);
  CHECK(noted(n, "the top seed"));
  CHECK(col.at(n, 9) == 8);  // T11 keeps its own rows only
  CHECK(col.at(n, 2) == 9);  // the remnant is T10
  CHECK(col.at(n, 70) == 5);
  CHECK(n.lumbar_confident());
}

TEST_CASE("L5 fused to S1 by a bridge on one of the seeded slices is cut apart on the footprint the other slices share") {
  // Nine slices (slices 3-5 seeded): the column of the single-slice case on each, and on slice 3 the
  // space between L5 and S1 filled: no erosion parts the 3-D seed, its footprint on two of three slices
  // does.
  constexpr int kSlices = 9, kRows = 110, kCols = 40;
  std::array<std::int64_t, 3> shape{kSlices, kRows, kCols};
  std::vector<std::uint8_t> mask(static_cast<std::size_t>(kSlices * kRows * kCols), 0);
  auto block = [&](int s, int top, int height, int c0, int c1) {
    for (int r = top; r < top + height; ++r)
      for (int c = c0; c <= c1; ++c) mask[static_cast<std::size_t>((s * kRows + r) * kCols + c)] = 1;
  };
  for (int s = 0; s < kSlices; ++s) {
    for (int top : {0, 10, 20, 30, 40, 50, 60}) block(s, top, 8, 1, 8);  // T11 .. L5
    block(s, 68, 8, 7, 22);                                              // S1, touching L5 across columns 7-8
  }
  block(3, 60, 16, 1, 22);  // the bridge
  const auto n = segflow::name_vertebrae(mask, shape, 10);
  auto at = [&](int s, int r, int c) { return n.labels[static_cast<std::size_t>((s * kRows + r) * kCols + c)]; };
  CHECK(noted(n, "footprint"));
  CHECK(at(4, 71, 18) == 6);  // S1
  CHECK(at(4, 64, 3) == 5);   // L5
  CHECK(at(4, 54, 3) == 4);   // L4
  CHECK(at(4, 4, 3) == 8);    // T11
  CHECK(n.lumbar_confident());
}

TEST_CASE("L5 fused to S1 by a bridge no erosion parts is cut at the waist across the column") {
  // Bodies 20 wide and 16 tall every 20 rows; S1 behind L5's lower half, the column turning 38 degrees
  // into the pair, joined to L5 by a bridge 10 tall that survives every erosion the naming tries (up to
  // 3 pixels with erosion_px 1). The pair is 1.5 bodies tall, too short for stage 2's waist.
  constexpr int kRows = 170, kCols = 60;
  std::array<std::int64_t, 3> shape{1, kRows, kCols};
  std::vector<std::uint8_t> mask(static_cast<std::size_t>(kRows * kCols), 0);
  auto block = [&](int top, int height, int c0, int c1) {
    for (int r = top; r < top + height; ++r)
      for (int c = c0; c <= c1; ++c) mask[static_cast<std::size_t>(r * kCols + c)] = 1;
  };
  for (int top : {0, 20, 40, 60, 80, 100, 120}) block(top, 16, 1, 20);  // T11 .. L5
  block(128, 16, 26, 59);                                             // S1
  block(128, 10, 21, 25);                                             // the bridge
  const auto n = segflow::name_vertebrae(mask, shape, 10, 1);
  auto at = [&](int r, int c) { return n.labels[static_cast<std::size_t>(r * kCols + c)]; };
  CHECK(noted(n, "waist across the column"));
  CHECK(at(138, 50) == 6);  // S1
  CHECK(at(125, 5) == 5);   // L5
  CHECK(at(105, 5) == 4);   // L4
  CHECK(at(5, 5) == 8);     // T11
  CHECK(n.lumbar_confident());
}

TEST_CASE("a sacrum whose step turns no more than a lumbar step may is named, but unsure") {
  Column col;
  for (int top : {0, 10, 20, 30, 40, 50, 60}) col.block(top);
  col.block(70, 8, 5, 12);  // S1 four columns back: the step turns 22 degrees (a lumbar step may turn 23)
  const auto n = segflow::name_vertebrae(col.mask, col.shape, 10);
  CHECK(noted(n, "no more than a lumbar step may"));
  CHECK(col.at(n, 74) == 6);
  CHECK(col.at(n, 64) == 5);
  CHECK(!n.lumbar_confident());
}
