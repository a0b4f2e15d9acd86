#include "data/io/dicom_structure.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <string>
#include <string_view>

#include "base/check.h"

namespace ldd::io {
namespace {

constexpr std::uint32_t kUndefined = 0xffffffffu;
constexpr int kMaxDepth = 32;  // sequences nested deeper are a corrupt (or hostile) file
constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{1} << 31;

// VRs whose explicit encoding has two reserved bytes and a 32-bit length.
bool long_form(std::string_view vr) {
  for (const char* v : {"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"})
    if (vr == v) return true;
  return false;
}

bool known_vr(std::string_view vr) {
  static constexpr std::string_view kAll = "AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV";
  return vr.size() == 2 && kAll.find(vr) != std::string_view::npos && kAll.find(vr) % 3 == 0;
}

// Inside an UN of undefined length written before CP-246 (explicit, not implicit, content) the walk
// cannot tell structure from corruption: it stops there and leaves the rest to GDCM.
struct Unmodelled {};

class Walker {
 public:
  // strict: the file meta group, where any unknown VR, sequence or undefined length makes GDCM assert.
  // Otherwise an unknown VR is read as an implicit element (a scanner quirk GDCM accepts).
  Walker(const std::string& bytes, const std::filesystem::path& file, bool strict) : b_(bytes), file_(file), strict_(strict) {}

  // Elements from `pos` up to `end`, or, with `until_delimiter`, up to the item delimiter that ends an
  // item of undefined length. Returns the position after what was walked.
  std::size_t elements(std::size_t pos, std::size_t end, bool explicit_vr, bool big_endian, int depth, bool until_delimiter,
                       std::uint16_t only_group = 0) {
    if (depth > kMaxDepth) surprise(where(pos) + ": sequences nested more than " + std::to_string(kMaxDepth) + " deep (corrupt file?)");
    while (pos < end) {
      need(pos, 8, end);
      const std::uint16_t group = u16(pos, big_endian), element = u16(pos + 2, big_endian);
      if (only_group != 0 && group != only_group) return pos;
      if (group == 0xfffe) {  // item delimiter ends an item of undefined length; nothing else belongs here
        if (!until_delimiter || element != 0xe00d) surprise(where(pos) + ": " + tag(group, element) + " where a data element was expected (corrupt file?)");
        return pos + 8;
      }
      std::uint32_t length = 0;
      std::string vr;
      if (explicit_vr) {
        vr = b_.substr(pos + 4, 2);
        if (strict_ && !known_vr(vr))
          surprise(where(pos) + ": element " + tag(group, element) + " has the value representation '" + printable(vr) +
                   "', which DICOM does not define (corrupt file?)");
        if (strict_ && vr == "SQ") surprise(where(pos) + ": a sequence in the file meta group (corrupt file?)");
        if (!known_vr(vr)) {  // written implicitly inside an explicit file, as some scanners do; GDCM reads it so too
          vr.clear();
          length = u32(pos + 4, big_endian);
          pos += 8;
        } else if (long_form(vr)) {
          need(pos, 12, end);
          length = u32(pos + 8, big_endian);
          pos += 12;
        } else {
          length = u16(pos + 6, big_endian);
          pos += 8;
        }
      } else {
        length = u32(pos + 4, big_endian);
        pos += 8;
      }
      if (length == kUndefined) {
        if (strict_) surprise(where(pos) + ": an element of undefined length in the file meta group (corrupt file?)");
        // Pixel data of undefined length holds fragments; an SQ, an implicit element or (CP-246) an UN
        // holds items of data sets. An UN's content is implicit little endian, except where a writer
        // predates CP-246: its lengths are not trusted.
        const bool pixels = group == 0x7fe0 && element == 0x0010;
        const bool data_sets = !pixels && (vr == "SQ" || vr == "UN" || !explicit_vr);
        const bool inside_un = vr == "UN";
        const bool trusted = trust_lengths_;
        trust_lengths_ = trust_lengths_ && !inside_un;
        pos = items(pos, end, data_sets ? explicit_vr && !inside_un : explicit_vr, inside_un ? false : big_endian, depth + 1, data_sets);
        trust_lengths_ = trusted;
        continue;
      }
      need(pos, length, end, group, element);
      if (vr == "SQ") elements_in_items(pos, pos + length, explicit_vr, big_endian, depth + 1);
      pos += length;
    }
    if (until_delimiter) surprise(where(pos) + ": an item of undefined length has no end (truncated file?)");
    return pos;
  }

  std::string transfer_syntax(std::size_t meta_start, std::size_t meta_end) const {
    for (std::size_t pos = meta_start; pos + 8 <= meta_end;) {
      const std::uint16_t group = u16(pos, false), element = u16(pos + 2, false);
      const std::string vr = b_.substr(pos + 4, 2);
      const bool wide = long_form(vr);
      const std::uint32_t length = wide ? u32(pos + 8, false) : u16(pos + 6, false);
      const std::size_t value = pos + (wide ? 12 : 8);
      if (group == 0x0002 && element == 0x0010) {
        std::string uid = b_.substr(value, length);
        while (!uid.empty() && (uid.back() == '\0' || uid.back() == ' ')) uid.pop_back();
        return uid;
      }
      pos = value + length;
    }
    return {};
  }

 private:
  // Items of a sequence or of encapsulated pixel data, up to the sequence delimiter.
  std::size_t items(std::size_t pos, std::size_t end, bool explicit_vr, bool big_endian, int depth, bool data_sets) {
    if (depth > kMaxDepth) surprise(where(pos) + ": sequences nested more than " + std::to_string(kMaxDepth) + " deep (corrupt file?)");
    while (true) {
      need(pos, 8, end);
      const std::uint16_t group = u16(pos, big_endian), element = u16(pos + 2, big_endian);
      const std::uint32_t length = u32(pos + 4, big_endian);
      pos += 8;
      if (group == 0xfffe && element == 0xe0dd) return pos;
      if (group != 0xfffe || element != 0xe000) surprise(where(pos - 8) + ": " + tag(group, element) + " inside a sequence, where an item was expected (corrupt file?)");
      if (length == kUndefined) {
        if (!data_sets) surprise(where(pos - 8) + ": a pixel data fragment of undefined length (corrupt file?)");
        pos = elements(pos, end, explicit_vr, big_endian, depth + 1, true);
        continue;
      }
      need(pos, length, end, group, element);
      if (data_sets) elements(pos, pos + length, explicit_vr, big_endian, depth + 1, false);
      pos += length;
    }
  }

  void elements_in_items(std::size_t pos, std::size_t end, bool explicit_vr, bool big_endian, int depth) {
    while (pos < end) {
      need(pos, 8, end);
      const std::uint16_t group = u16(pos, big_endian), element = u16(pos + 2, big_endian);
      const std::uint32_t length = u32(pos + 4, big_endian);
      if (group != 0xfffe || element != 0xe000) surprise(where(pos) + ": " + tag(group, element) + " inside a sequence, where an item was expected (corrupt file?)");
      pos += 8;
      if (length == kUndefined) {
        pos = elements(pos, end, explicit_vr, big_endian, depth + 1, true);
        continue;
      }
      need(pos, length, end, group, element);
      elements(pos, pos + length, explicit_vr, big_endian, depth + 1, false);
      pos += length;
    }
  }

  void need(std::size_t pos, std::uint64_t length, std::size_t end, std::uint16_t group = 0, std::uint16_t element = 0) const {
    if (pos + length <= end) return;
    if (!trust_lengths_) throw Unmodelled{};
    std::ostringstream what;
    if (group != 0 || element != 0) what << "element " << tag(group, element) << " declares " << length << " bytes";
    else what << length << " more bytes are needed";
    LDD_FAIL(where(pos) << ": " << what.str() << ", but only " << end - pos << " remain where it lies (truncated or corrupt file)");
  }

  std::uint16_t u16(std::size_t pos, bool big_endian) const {
    const auto lo = static_cast<unsigned char>(b_[pos]), hi = static_cast<unsigned char>(b_[pos + 1]);
    return static_cast<std::uint16_t>(big_endian ? (lo << 8) | hi : (hi << 8) | lo);
  }
  std::uint32_t u32(std::size_t pos, bool big_endian) const {
    const std::uint32_t a = u16(pos, big_endian), c = u16(pos + 2, big_endian);
    return big_endian ? (a << 16) | c : (c << 16) | a;
  }
  std::string where(std::size_t pos) const { return "DICOM file '" + file_.string() + "', byte " + std::to_string(pos); }
  static std::string tag(std::uint16_t group, std::uint16_t element) {
    std::ostringstream o;
    o << "(" << std::hex << std::setfill('0') << std::setw(4) << group << "," << std::setw(4) << element << ")";
    return o.str();
  }
  static std::string printable(const std::string& s) {
    std::ostringstream o;
    for (const unsigned char c : s)
      if (c >= 32 && c < 127) o << c;
      else o << "\\x" << std::hex << std::setw(2) << std::setfill('0') << static_cast<int>(c);
    return o.str();
  }

  void surprise(const std::string& what) const {
    if (!trust_lengths_) throw Unmodelled{};
    throw Error(what);
  }

  const std::string& b_;
  const std::filesystem::path& file_;
  const bool strict_;
  bool trust_lengths_ = true;
};

}  // namespace

std::string read_dicom_file(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  LDD_CHECK(!ec, "DICOM file '" << file.string() << "': cannot read its size (" << ec.message() << ")");
  LDD_CHECK(size < kMaxFileBytes, "DICOM file '" << file.string() << "' is " << size << " bytes; one slice of a lumbar MRI is far smaller");
  std::ifstream in(file, std::ios::binary);
  std::string bytes{std::istreambuf_iterator<char>(in), {}};
  LDD_CHECK(bytes.size() == size, "DICOM file '" << file.string() << "': cannot read it");
  return bytes;
}

void check_dicom_structure(const std::string& bytes, const std::filesystem::path& file) {
  Walker meta(bytes, file, true);
  std::size_t pos = 0;
  std::string syntax;
  if (bytes.size() >= 132 && bytes.compare(128, 4, "DICM") == 0) {
    // The file meta group is explicit VR little endian whatever the data set's transfer syntax is.
    pos = meta.elements(132, bytes.size(), true, false, 0, false, 0x0002);
    syntax = meta.transfer_syntax(132, pos);
  } else if (bytes.size() >= 6 && bytes[0] == '\x02' && bytes[1] == '\0') {
    // A meta group without the preamble: GDCM asserts it is explicit VR, as the standard writes it.
    LDD_CHECK(known_vr(bytes.substr(4, 2)), "DICOM file '" << file.string() << "' starts with a file meta group whose value representations are not written out (corrupt file?)");
    pos = meta.elements(0, bytes.size(), true, false, 0, false, 0x0002);
    syntax = meta.transfer_syntax(0, pos);
  }
  LDD_CHECK(pos < bytes.size(), "DICOM file '" << file.string() << "' holds no data set (truncated file, or not a DICOM file?)");
  if (syntax == "1.2.840.10008.1.2.1.99") return;  // deflated: GDCM inflates it; there is nothing to walk here
  // Implicit VR little endian by its UID (or GE's private one), or where the first element shows no VR.
  const bool implicit_vr = syntax == "1.2.840.10008.1.2" || syntax == "1.2.840.113619.5.2" ||
                           (bytes.size() >= pos + 6 && !known_vr(bytes.substr(pos + 4, 2)));
  Walker data_set(bytes, file, false);
  try {
    data_set.elements(pos, bytes.size(), !implicit_vr, syntax == "1.2.840.10008.1.2.2", 0, false);
  } catch (const Unmodelled&) {
    // a pre-CP-246 UN: GDCM reads what the walk does not model; the lengths walked so far fit
  } catch (const Error& e) {
    if (pos > 0) throw;
    throw Error("DICOM file '" + file.string() + "' has neither the DICM preamble nor a file meta group, and does not read as a bare data " +
                "set (" + e.what() + "): is it another kind of file? Series folders must hold only the series' DICOM files");
  }
}

}  // namespace ldd::io
