// The walk over a DICOM file before GDCM reads it: vendor quirks that GDCM reads pass, lengths that do
// not fit are refused naming the element.
#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "base/check.h"
#include "data/io/dicom_structure.h"
#include "tests/support/temp_dir.h"

using namespace ldd;

namespace {

std::string u16(std::uint16_t v) { return {static_cast<char>(v & 0xff), static_cast<char>(v >> 8)}; }
std::string u32(std::uint32_t v) { return u16(static_cast<std::uint16_t>(v & 0xffff)) + u16(static_cast<std::uint16_t>(v >> 16)); }
std::string tag(std::uint16_t g, std::uint16_t e) { return u16(g) + u16(e); }
std::string explicit_short(std::uint16_t g, std::uint16_t e, const std::string& vr, const std::string& value) {
  return tag(g, e) + vr + u16(static_cast<std::uint16_t>(value.size())) + value;
}
std::string implicit(std::uint16_t g, std::uint16_t e, const std::string& value) { return tag(g, e) + u32(static_cast<std::uint32_t>(value.size())) + value; }

// Preamble, and a meta group naming the transfer syntax.
std::string header(const std::string& syntax) {
  const std::string elements = explicit_short(0x0002, 0x0010, "UI", syntax);
  return std::string(128, '\0') + "DICM" + explicit_short(0x0002, 0x0000, "UL", u32(static_cast<std::uint32_t>(elements.size()))) + elements;
}

void write(const std::filesystem::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }

}  // namespace

TEST_CASE("the DICOM walk passes scanner quirks GDCM reads and refuses lengths that do not fit") {
  testing::TempDir dir;
  const std::string rows = explicit_short(0x0028, 0x0010, "US", u16(2));
  // An explicit file whose sequence item holds an implicitly written element (some scanners do this).
  const std::string item = implicit(0x0018, 0x0050, "1 ");
  const std::string sequence = tag(0x0008, 0x1140) + "SQ" + u16(0) + u32(0xffffffff) + tag(0xfffe, 0xe000) + u32(static_cast<std::uint32_t>(item.size())) +
                               item + tag(0xfffe, 0xe0dd) + u32(0);
  write(dir / "quirk.dcm", header("1.2.840.10008.1.2.1") + sequence + rows);
  CHECK_NOTHROW(io::check_dicom_structure(dir / "quirk.dcm"));
  // GE's private implicit little-endian syntax.
  write(dir / "ge.dcm", header("1.2.840.113619.5.2") + implicit(0x0028, 0x0010, u16(2)));
  CHECK_NOTHROW(io::check_dicom_structure(dir / "ge.dcm"));
  // Encapsulated pixel data: fragments of any bytes, not data sets.
  const std::string fragment = "\xff\xd8\x01\x02";
  write(dir / "jpeg.dcm", header("1.2.840.10008.1.2.4.70") + rows + tag(0x7fe0, 0x0010) + "OB" + u16(0) + u32(0xffffffff) +
                              tag(0xfffe, 0xe000) + u32(0) + tag(0xfffe, 0xe000) + u32(4) + fragment + tag(0xfffe, 0xe0dd) + u32(0));
  CHECK_NOTHROW(io::check_dicom_structure(dir / "jpeg.dcm"));
  // A length GDCM would allocate before finding the file too short.
  write(dir / "long.dcm", header("1.2.840.10008.1.2.1") + tag(0x0010, 0x0010) + "OB" + u16(0) + u32(0x7fffffff) + "abc");
  CHECK_THROWS_WITH_AS(io::check_dicom_structure(dir / "long.dcm"), doctest::Contains("element (0010,0010) declares 2147483647 bytes"), Error);
  // An unknown VR in the meta group, where GDCM asserts.
  write(dir / "meta.dcm", std::string(128, '\0') + "DICM" + tag(0x0002, 0x0010) + "ZZ" + u16(2) + "1 " + rows);
  CHECK_THROWS_WITH_AS(io::check_dicom_structure(dir / "meta.dcm"), doctest::Contains("which DICOM does not define"), Error);
  // Another kind of file in a series folder.
  write(dir / "notes.txt", "these are the radiologist's notes on the series, not an image at all");
  CHECK_THROWS_WITH_AS(io::check_dicom_structure(dir / "notes.txt"), doctest::Contains("is it another kind of file?"), Error);
}
