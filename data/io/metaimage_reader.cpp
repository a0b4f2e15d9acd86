// MetaImage (.mha with the data inline, .mhd with a separate raw file): a text header of "Key = Value"
// lines, simple enough to read ourselves. Coordinates are LPS (ITK's), converted to RAS here.
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "base/check.h"
#include "data/io/raw_volume.h"

namespace ldd::io {
namespace {

std::vector<double> numbers_of(const std::string& text) {
  std::istringstream in(text);
  std::vector<double> out;
  double v;
  while (in >> v) out.push_back(v);
  return out;
}

template <class T>
void convert(const std::vector<char>& bytes, bool big_endian, std::vector<float>& out) {
  const std::size_t n = bytes.size() / sizeof(T);
  out.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    char buffer[sizeof(T)];
    std::memcpy(buffer, bytes.data() + i * sizeof(T), sizeof(T));
    if (big_endian) std::reverse(buffer, buffer + sizeof(T));
    T value;
    std::memcpy(&value, buffer, sizeof(T));
    out[i] = static_cast<float>(value);
  }
}

using Header = std::map<std::string, std::string>;

// The "Key = Value" lines up to ElementDataFile; `in` is left at the first byte after them.
Header read_header(std::ifstream& in, const std::filesystem::path& path) {
  Header header;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto eq = line.find('=');
    LDD_CHECK(eq != std::string::npos, "image '" << path.string() << "': header line '" << line.substr(0, 60)
                                                 << "' is not 'Key = Value' (not a MetaImage?)");
    auto trim = [](std::string s) {
      s.erase(0, s.find_first_not_of(" \t"));
      s.erase(s.find_last_not_of(" \t") + 1);
      return s;
    };
    const std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    header[key] = value;
    if (key == "ElementDataFile") break;  // the data follow (LOCAL) or live in another file
  }
  return header;
}

const std::string& field(const Header& header, const std::string& key, const std::filesystem::path& path) {
  const auto it = header.find(key);
  LDD_CHECK(it != header.end(), "image '" << path.string() << "': MetaImage header has no " << key);
  return it->second;
}

// DimSize, ElementSpacing, Offset and TransformMatrix into v's sizes and affine, each checked before
// anything is allocated.
void read_geometry(const Header& header, const std::filesystem::path& path, RawVolume& v) {
  const auto dims = numbers_of(field(header, "DimSize", path));
  v.stored_rank = static_cast<int>(dims.size());
  LDD_CHECK(dims.size() >= 2 && dims.size() <= 3, "image '" << path.string() << "': NDims " << dims.size() << " is not 2 or 3");
  // Everything the header declares is checked before anything is allocated or read.
  double voxels = 1;
  for (std::size_t a = 0; a < dims.size(); ++a) {
    LDD_CHECK(std::isfinite(dims[a]) && dims[a] >= 1 && dims[a] == std::floor(dims[a]),
              "image '" << path.string() << "': DimSize '" << header.at("DimSize") << "' is not a list of positive integers");
    v.dims[a] = static_cast<std::int64_t>(dims[a]);
    voxels *= dims[a];
  }
  LDD_CHECK(voxels <= 2147483648.0, "image '" << path.string() << "': DimSize '" << header.at("DimSize") << "' declares " << voxels
                                              << " voxels, more than any lumbar MRI (2^31 at most)");
  // The pixel size is what disc regions are measured in: a missing, zero or non-finite one is an error, not 1 mm.
  std::vector<double> spacing = numbers_of(field(header, "ElementSpacing", path));
  LDD_CHECK(spacing.size() == dims.size() && std::all_of(spacing.begin(), spacing.end(), [](double s) { return std::isfinite(s) && s > 0; }),
            "image '" << path.string() << "': ElementSpacing '" << header.at("ElementSpacing") << "' is not " << dims.size()
                      << " positive sizes in mm");
  spacing.resize(3, 1.0);  // a 2-D image's third axis: one slice
  std::vector<double> offset = header.count("Offset") ? numbers_of(header.at("Offset"))
                               : header.count("Position") ? numbers_of(header.at("Position")) : std::vector<double>{0, 0, 0};
  offset.resize(3, 0.0);
  std::vector<double> matrix{1, 0, 0, 0, 1, 0, 0, 0, 1};
  for (const char* key : {"TransformMatrix", "Orientation", "Rotation"})
    if (header.count(key)) matrix = numbers_of(header.at(key));
  if (dims.size() == 2 && matrix.size() == 4) matrix = {matrix[0], matrix[1], 0, matrix[2], matrix[3], 0, 0, 0, 1};
  LDD_CHECK(matrix.size() == 9, "image '" << path.string() << "': TransformMatrix needs 9 numbers");
  // Row a of TransformMatrix is the LPS direction of axis a (ITK's MetaImageIO); LPS -> RAS negates x, y.
  for (int w = 0; w < 3; ++w) {
    const double sign = w < 2 ? -1.0 : 1.0;
    for (int a = 0; a < 3; ++a)
      v.affine[static_cast<std::size_t>(w)][static_cast<std::size_t>(a)] = sign * matrix[static_cast<std::size_t>(a * 3 + w)] * spacing[static_cast<std::size_t>(a)];
    v.affine[static_cast<std::size_t>(w)][3] = sign * offset[static_cast<std::size_t>(w)];
  }
}

// The voxel bytes, `expected` of them, from after the header (LOCAL) or the data file, inflated when
// compressed; more, fewer or corrupt data are errors.
std::vector<char> read_voxel_bytes(std::ifstream& in, const Header& header, const std::filesystem::path& path, std::size_t expected,
                                   const RawVolume& v, const std::string& type) {
  std::vector<char> raw;
  const std::string data_file = field(header, "ElementDataFile", path);
  const bool compressed = header.count("CompressedData") && (header.at("CompressedData") == "True" || header.at("CompressedData") == "true");
  // The data's size is known before they are read: a device such as /dev/zero, or more bytes than DimSize
  // says, is refused rather than read without end or cut.
  auto read_data = [&](std::ifstream& data, const std::filesystem::path& file, std::uintmax_t start) {
    LDD_CHECK(std::filesystem::is_regular_file(file), "image '" << path.string() << "': its data '" << file.string() << "' is not a regular file");
    const std::uintmax_t size = std::filesystem::file_size(file) - start;
    LDD_CHECK(compressed || size <= expected, "image '" << path.string() << "' holds " << size << " bytes of data, more than the "
                                                        << expected << " its DimSize and ElementType declare");
    raw.resize(static_cast<std::size_t>(size));
    data.read(raw.data(), static_cast<std::streamsize>(size));
    raw.resize(static_cast<std::size_t>(data.gcount()));
  };
  if (data_file == "LOCAL") {
    read_data(in, path, static_cast<std::uintmax_t>(in.tellg()));
  } else {
    const auto file = path.parent_path() / data_file;
    std::ifstream data(file, std::ios::binary);
    LDD_CHECK(data.good(), "image '" << path.string() << "': its data file '" << data_file << "' cannot be opened");
    read_data(data, file, 0);
  }
  std::vector<char> bytes;
  if (compressed) {
    bytes.resize(expected + 1);  // one byte more: data that inflate beyond DimSize are caught, not cut
    uLongf size = static_cast<uLongf>(expected + 1);
    const int status = uncompress(reinterpret_cast<Bytef*>(bytes.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
                                  static_cast<uLong>(raw.size()));
    LDD_CHECK(status == Z_OK && size == expected, "image '" << path.string() << "': compressed data are corrupt, truncated or longer "
                                                              << "than DimSize says");
    bytes.resize(expected);
  } else {
    LDD_CHECK(raw.size() >= expected, "image '" << path.string() << "' is truncated: " << raw.size() << " bytes of data, "
                                                << expected << " expected for " << v.dims[0] << "x" << v.dims[1] << "x"
                                                << v.dims[2] << " " << type);
    bytes = std::move(raw);
  }
  return bytes;
}

}  // namespace

RawVolume read_metaimage(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  LDD_CHECK(in.good(), "image '" << path.string() << "' cannot be opened");
  const Header header = read_header(in, path);
  RawVolume v;
  v.source = path.string();
  read_geometry(header, path, v);
  LDD_CHECK(!header.count("ElementNumberOfChannels") || header.at("ElementNumberOfChannels") == "1",
            "image '" << path.string() << "': multi-channel MetaImages are not supported");
  const std::string type = field(header, "ElementType", path);
  static const std::map<std::string, std::size_t> kSizes{{"MET_UCHAR", 1}, {"MET_CHAR", 1}, {"MET_USHORT", 2},
                                                         {"MET_SHORT", 2},  {"MET_UINT", 4}, {"MET_INT", 4},
                                                         {"MET_FLOAT", 4},  {"MET_DOUBLE", 8}};
  LDD_CHECK(kSizes.count(type), "image '" << path.string() << "': ElementType " << type << " is not supported");
  const std::size_t count = static_cast<std::size_t>(v.dims[0] * v.dims[1] * v.dims[2]);
  const std::size_t expected = count * kSizes.at(type);

  const std::vector<char> bytes = read_voxel_bytes(in, header, path, expected, v, type);
  const bool big = (header.count("BinaryDataByteOrderMSB") && header.at("BinaryDataByteOrderMSB") == "True") ||
                   (header.count("ElementByteOrderMSB") && header.at("ElementByteOrderMSB") == "True");
  if (type == "MET_UCHAR") convert<std::uint8_t>(bytes, big, v.values);
  else if (type == "MET_CHAR") convert<std::int8_t>(bytes, big, v.values);
  else if (type == "MET_USHORT") convert<std::uint16_t>(bytes, big, v.values);
  else if (type == "MET_SHORT") convert<std::int16_t>(bytes, big, v.values);
  else if (type == "MET_UINT") convert<std::uint32_t>(bytes, big, v.values);
  else if (type == "MET_INT") convert<std::int32_t>(bytes, big, v.values);
  else if (type == "MET_FLOAT") convert<float>(bytes, big, v.values);
  else convert<double>(bytes, big, v.values);
  return checked(std::move(v));
}

}  // namespace ldd::io
