// scripts/contact-sheet: every QC overlay of a folder, as a thumbnail, on one PNG (issue 16's SPIDER sheet).
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "data/image/png.h"
#include "tests/support/temp_dir.h"

using namespace ldd;

namespace {

// A PNG's width and height from its IHDR chunk (big-endian, bytes 16-23).
std::pair<std::uint32_t, std::uint32_t> png_size(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(bytes.size() > 24);
  REQUIRE(bytes.rfind("\x89PNG", 0) == 0);
  auto at = [&](std::size_t i) {
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 4; ++k) v = v << 8 | static_cast<std::uint8_t>(bytes[i + k]);
    return v;
  };
  return {at(16), at(20)};
}

}  // namespace

TEST_CASE("scripts/contact-sheet tiles every QC overlay of a folder, and an empty folder is an error") {
  if (std::system("/usr/bin/python3 -c 'import PIL' 2> /dev/null") != 0) {
    MESSAGE("skipped: /usr/bin/python3 has no PIL (scripts/install-deps installs python3-pil)");
    return;
  }
  ldd::testing::TempDir dir;
  std::filesystem::create_directories(dir / "qc");
  // Five overlays of two shapes: 40 x 60 and 40 x 80 (width x height), thumbnails 20 wide, 3 columns.
  for (int k = 1; k <= 5; ++k) {
    const std::int64_t height = k % 2 ? 60 : 80;
    const std::vector<std::uint8_t> rgb(static_cast<std::size_t>(40 * height * 3), static_cast<std::uint8_t>(40 * k));
    image::write_png(dir / "qc" / (std::to_string(k) + "_baseline.png"), rgb, 40, height, 3);
  }
  const std::string script = "/usr/bin/python3 " LDD_SOURCE_DIR "/scripts/contact-sheet ";
  const std::string command = script + "'" + (dir / "qc").string() + "' '" + (dir / "sheet.png").string() + "' --width 20 --columns 3 > /dev/null";
  REQUIRE(std::system(command.c_str()) == 0);
  const auto [width, height] = png_size(dir / "sheet.png");
  CHECK(width == 3 * 20);
  CHECK(height == 2 * (40 + 12));  // two rows of the tallest thumbnail (80 / 2) and a name line each
  std::filesystem::create_directories(dir / "empty");
  const std::string empty = script + "'" + (dir / "empty").string() + "' '" + (dir / "e.png").string() + "' 2> /dev/null";
  CHECK(std::system(empty.c_str()) != 0);
  CHECK(!std::filesystem::exists(dir / "e.png"));
}
