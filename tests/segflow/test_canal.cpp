// The canal search on a mid-sagittal phantom with what pulled the path off the canal on real slices:
// dark tissue in front of the spine, a thin bright rim along the bodies' front, the CSF behind them,
// bright fat under the skin. The path must stay inside the CSF (columns 106-118) on every row.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "segflow/proposals.h"

using namespace ldd;

namespace {

// Column bands of the phantom (1 mm pixels; column 0 is anterior).
float phantom_value(std::int64_t row, std::int64_t col) {
  if (col < 30) return 10.0f;                     // air
  if (col < 65) return 15.0f;                     // dark prevertebral tissue
  if (col < 68) return 140.0f;                    // bright rim on the bodies. front
  if (col < 106) return row % 36 < 8 ? 25.0f : 50.0f;  // bodies, a dark disc every 36 mm
  if (col < 119) return 120.0f;                   // CSF, centre 112
  if (col < 160) return 45.0f;                    // posterior elements and muscle
  if (col < 175) return 130.0f;                   // fat under the skin
  return 10.0f;                                   // air
}

}  // namespace

TEST_CASE("the canal path follows the CSF, not the bright rim in front of the bodies") {
  const std::int64_t rows = 181, cols = 203;
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0f, 4.0f);
  std::vector<float> slice(static_cast<std::size_t>(rows * cols));
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < cols; ++c) slice[static_cast<std::size_t>(r * cols + c)] = phantom_value(r, c) + noise(rng);
  const auto canal = segflow::find_canal(slice, 1, {rows, cols}, 1.0, 4.0);
  REQUIRE(canal.size() == static_cast<std::size_t>(rows));
  double front_most = cols, back_most = 0;
  for (double c : canal) front_most = std::min(front_most, c), back_most = std::max(back_most, c);
  INFO("the path spans columns " << front_most << " to " << back_most);
  CHECK(front_most >= 106);  // also: the CSF runs the whole field, so the path does (no row is -1)
  CHECK(back_most <= 118);
}

TEST_CASE("the canal path ends where the canal does, and carries on 30 mm past it") {
  // The phantom's canal stops at row 120: below it the sacrum and the muscle behind it, no CSF, and in
  // front of them bright loops of bowel. A path made to reach the lower edge bent forwards into the bowel,
  // which was proposed as bodies.
  const std::int64_t rows = 221, cols = 203, spine_end = 120;
  std::mt19937 rng(11);
  std::normal_distribution<float> noise(0.0f, 4.0f);
  std::vector<float> slice(static_cast<std::size_t>(rows * cols));
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < cols; ++c) {
      float v = phantom_value(r, c);
      if (r >= spine_end && c >= 65 && c < 160) v = 50.0f;                                            // sacrum, muscle
      if (r >= spine_end && c >= 30 && c < 65) v = r % 24 < 12 && c % 24 < 12 ? 120.0f : 40.0f;  // bowel loops
      slice[static_cast<std::size_t>(r * cols + c)] = v + noise(rng);
    }
  const auto canal = segflow::find_canal(slice, 1, {rows, cols}, 1.0, 4.0);
  REQUIRE(canal.size() == static_cast<std::size_t>(rows));
  std::int64_t last = -1;
  for (std::int64_t r = 0; r < rows; ++r)
    if (canal[static_cast<std::size_t>(r)] >= 0) last = r;
  INFO("the path's last row is " << last);
  CHECK(last >= spine_end + 30 - 8);
  CHECK(last <= spine_end + 30 + 8);
  for (std::int64_t r = 0; r < spine_end; ++r) {  // in the CSF (columns 106-118), give or take a pixel
    INFO("row " << r);
    REQUIRE(canal[static_cast<std::size_t>(r)] >= 105);
    REQUIRE(canal[static_cast<std::size_t>(r)] <= 119);
  }
}
