// DICOM series through GDCM (Debian libgdcm-dev): one folder = one series of single-frame slices. GDCM
// parses the files and gives each slice's position, direction cosines, spacing and pixels; we order the
// slices along their normal and build the affine (LPS in DICOM, converted to RAS).
#include <gdcmImage.h>
#include <gdcmImageReader.h>
#include <gdcmSequenceOfItems.h>
#include <gdcmTrace.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <sstream>
#include <utility>

#include "base/check.h"
#include "data/io/dicom_guards.h"
#include "data/io/dicom_items.h"
#include "data/io/dicom_structure.h"
#include "data/io/raw_volume.h"

namespace ldd::io {
namespace {

struct Slice {
  std::filesystem::path file;
  double position;  // along the slice normal
  std::array<double, 3> origin;
  std::vector<float> values;
};

template <class T>
void convert(const std::vector<char>& bytes, double slope, double intercept, std::vector<float>& out) {
  const T* p = reinterpret_cast<const T*>(bytes.data());
  out.resize(bytes.size() / sizeof(T));
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(p[i] * slope + intercept);
}

// The element at the data set's top level (a classic MR file) or, in an enhanced-layout file, in the Pixel
// Measures Sequence (0028,9110) of its Shared (5200,9229) or first Per-frame (5200,9230) Functional Groups.
// A copy: it shares its value with the file, which outlives a sequence GDCM parsed for this look-up.
std::optional<gdcm::DataElement> find_measure(const gdcm::DataSet& ds, const gdcm::Tag& tag) {
  if (ds.FindDataElement(tag)) return ds.GetDataElement(tag);
  for (const gdcm::Tag& groups : {gdcm::Tag(0x5200, 0x9229), gdcm::Tag(0x5200, 0x9230)})
    if (const auto group = first_item(ds, groups))
      if (const auto measures = first_item(*group, gdcm::Tag(0x0028, 0x9110)); measures && measures->FindDataElement(tag))
        return measures->GetDataElement(tag);
  return std::nullopt;
}

// A decimal-string (DS) attribute's values as written in the file: GDCM's Image fills in 1 mm for a
// missing, zero or unreadable spacing, which would scale every millimetre SegFlow measures. A value that
// is not a number reads as NaN.
std::vector<double> file_values(const gdcm::DataSet& ds, std::uint16_t group, std::uint16_t element) {
  const std::optional<gdcm::DataElement> found = find_measure(ds, gdcm::Tag(group, element));
  if (!found) return {};
  const gdcm::ByteValue* bytes = found->GetByteValue();
  if (!bytes || bytes->GetLength() == 0) return {};
  std::string text(bytes->GetPointer(), bytes->GetLength());
  std::vector<double> v;
  std::stringstream parts(text);
  for (std::string part; std::getline(parts, part, '\\');) {
    char* end = nullptr;
    const double x = std::strtod(part.c_str(), &end);
    const bool rest_blank = std::all_of(static_cast<const char*>(end), part.c_str() + part.size(), [](char c) { return c == ' ' || c == '\0'; });
    v.push_back(end != part.c_str() && rest_blank ? x : std::numeric_limits<double>::quiet_NaN());
  }
  return v;
}

bool positive_sizes(const std::vector<double>& v, std::size_t n) {
  return v.size() >= n && std::all_of(v.begin(), v.begin() + static_cast<long>(n), [](double x) { return std::isfinite(x) && x > 0; });
}

std::string listed(const std::vector<double>& v) {
  std::ostringstream o;
  for (std::size_t i = 0; i < v.size(); ++i) o << (i ? "\\" : "") << v[i];
  return o.str();
}

// More pixels than any lumbar MRI holds: a corrupt or hostile header, refused before anything is allocated.
constexpr std::int64_t kMaxVoxels = std::int64_t{1} << 31;

// Uncompressed pixel data must be exactly Rows x Columns pixels: GDCM pads a short one with zeros.
void check_pixel_data_length(const gdcm::DataSet& ds, const gdcm::Image& image, std::int64_t columns, std::int64_t rows,
                             const std::string& where) {
  if (!ds.FindDataElement(gdcm::Tag(0x7fe0, 0x0010))) return;
  if (const gdcm::ByteValue* data = ds.GetDataElement(gdcm::Tag(0x7fe0, 0x0010)).GetByteValue()) {
    const std::int64_t pixel_bytes = image.GetPixelFormat().GetPixelSize(), expected = columns * rows * pixel_bytes;
    const std::int64_t held = data->GetLength();
    LDD_CHECK(held == expected || held == expected + expected % 2,  // DICOM pads odd lengths by one byte
              where << " holds " << held << " bytes of pixel data; " << columns << " x " << rows << " pixels of "
                    << pixel_bytes << " byte(s) need " << expected << " (truncated or corrupt)");
  }
}

// The image's pixels as values: decoded by GDCM, rescaled by slope and intercept.
std::vector<float> decoded_pixels(const gdcm::Image& image, const std::filesystem::path& folder, const std::filesystem::path& file,
                                  const std::string& where) {
  std::vector<char> bytes(image.GetBufferLength());
  LDD_CHECK(image.GetBuffer(bytes.data()), "DICOM series '" << folder.string() << "': cannot decode the pixels of '"
                                                            << file.filename().string() << "'");
  const gdcm::PixelFormat format = image.GetPixelFormat();
  LDD_CHECK(format.GetSamplesPerPixel() == 1, "DICOM series '" << folder.string() << "': colour images are not supported");
  const double slope = image.GetSlope(), intercept = image.GetIntercept();
  LDD_CHECK(std::isfinite(slope) && std::isfinite(intercept) && slope != 0,
            where << ": Rescale Slope / Intercept " << slope << " / " << intercept << " do not map pixels to values");
  std::vector<float> values;
  switch (format.GetScalarType()) {
    case gdcm::PixelFormat::UINT8: convert<std::uint8_t>(bytes, slope, intercept, values); break;
    case gdcm::PixelFormat::INT8: convert<std::int8_t>(bytes, slope, intercept, values); break;
    case gdcm::PixelFormat::UINT16: convert<std::uint16_t>(bytes, slope, intercept, values); break;
    case gdcm::PixelFormat::INT16: convert<std::int16_t>(bytes, slope, intercept, values); break;
    default: LDD_FAIL("DICOM series '" << folder.string() << "': pixel format " << format << " is not supported");
  }
  return values;
}

// The distance between slice centres: measured from the positions, or the one slice's thickness.
double slice_step(const std::vector<Slice>& slices, const std::vector<double>& thickness, const std::filesystem::path& folder) {
  if (slices.size() == 1) {  // no second position to measure from: the file says how thick its slice is
    LDD_CHECK(positive_sizes(thickness, 1), "DICOM series '" << folder.string() << "' has one slice and neither a positive Spacing "
                                            "Between Slices (0018,0088) nor a Slice Thickness (0018,0050): its thickness in mm is needed");
    return thickness[0];
  }
  const double step = (slices.back().position - slices.front().position) / static_cast<double>(slices.size() - 1);
  LDD_CHECK(step > 1e-6, "DICOM series '" << folder.string() << "': slices share one position (several series in one folder?)");
  return step;
}

}  // namespace

RawVolume read_dicom_series(const std::filesystem::path& folder) {
  gdcm::Trace::WarningOff();  // GDCM prints defaults it assumes to stderr; errors still reach us
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  LDD_CHECK(!files.empty(), "DICOM series '" << folder.string() << "' is an empty folder");
  std::vector<Slice> slices;
  std::array<double, 3> row{}, col{}, normal{};
  std::array<double, 2> spacing{};
  std::vector<double> thickness;  // the first file's, used when the series has one slice
  std::int64_t width = 0, height = 0;
  for (const auto& file : files) {
    const std::string where = "DICOM series '" + folder.string() + "': '" + file.filename().string() + "'";
    try {
      // One read from disk; the walk, the guards and GDCM's image reader all parse these bytes.
      std::string bytes = read_dicom_file(file);
      check_dicom_structure(bytes, file);
      std::istringstream stream(std::move(bytes));
      check_what_gdcm_asserts(stream, where);
      gdcm::ImageReader reader;
      reader.SetStream(stream);
      LDD_CHECK(reader.Read(), where << " is not a readable DICOM image (truncated, corrupt, or another file)");
      const gdcm::Image& image = reader.GetImage();
      LDD_CHECK(image.GetNumberOfDimensions() == 2 || image.GetDimension(2) == 1,
                where << " holds several frames; one single-frame file per slice is required");
      const double* cosines = image.GetDirectionCosines();
      const double* origin = image.GetOrigin();
      const gdcm::DataSet& ds = reader.GetFile().GetDataSet();
      const std::vector<double> pixel_spacing = file_values(ds, 0x0028, 0x0030);
      LDD_CHECK(!pixel_spacing.empty(), where << " has no Pixel Spacing (0028,0030); the pixels' size in mm is needed");
      LDD_CHECK(positive_sizes(pixel_spacing, 2),
                where << ": Pixel Spacing (0028,0030) '" << listed(pixel_spacing) << "' is not two positive sizes in mm");
      const double s[2] = {pixel_spacing[1], pixel_spacing[0]};  // DICOM gives (between rows, between columns)
      const std::int64_t columns = image.GetDimension(0), rows = image.GetDimension(1);
      LDD_CHECK(columns > 0 && rows > 0 && columns * rows * static_cast<std::int64_t>(files.size()) <= kMaxVoxels,
                where << " declares " << columns << " x " << rows << " pixels in each of " << files.size()
                      << " files, more than any lumbar MRI (at most 2^31 voxels)");
      check_pixel_data_length(ds, image, columns, rows, where);
      if (slices.empty()) {
        width = image.GetDimension(0);
        height = image.GetDimension(1);
        row = {cosines[0], cosines[1], cosines[2]};
        col = {cosines[3], cosines[4], cosines[5]};
        normal = {row[1] * col[2] - row[2] * col[1], row[2] * col[0] - row[0] * col[2], row[0] * col[1] - row[1] * col[0]};
        spacing = {s[0], s[1]};
        thickness = file_values(ds, 0x0018, 0x0088);
        if (!positive_sizes(thickness, 1)) thickness = file_values(ds, 0x0018, 0x0050);
      }
      LDD_CHECK(image.GetDimension(0) == width && image.GetDimension(1) == height,
                where << " is " << image.GetDimension(0) << "x" << image.GetDimension(1) << ", the series is " << width << "x" << height);
      Slice slice{file, 0.0, {origin[0], origin[1], origin[2]}, {}};
      slice.position = origin[0] * normal[0] + origin[1] * normal[1] + origin[2] * normal[2];
      slice.values = decoded_pixels(image, folder, file, where);
      slices.push_back(std::move(slice));
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {  // GDCM's own exceptions, which do not name the file
      LDD_FAIL("DICOM series '" << folder.string() << "': GDCM cannot read '" << file.filename().string() << "' (" << e.what() << ")");
    }
  }
  std::sort(slices.begin(), slices.end(), [](const Slice& a, const Slice& b) { return a.position < b.position; });
  const double step = slice_step(slices, thickness, folder);
  RawVolume v;
  v.source = folder.string();
  v.dims = {width, height, static_cast<std::int64_t>(slices.size())};
  for (const auto& s : slices) v.values.insert(v.values.end(), s.values.begin(), s.values.end());
  for (int w = 0; w < 3; ++w) {
    const double lps_to_ras = w < 2 ? -1.0 : 1.0;
    v.affine[static_cast<std::size_t>(w)] = {lps_to_ras * row[static_cast<std::size_t>(w)] * spacing[0],
                                             lps_to_ras * col[static_cast<std::size_t>(w)] * spacing[1],
                                             lps_to_ras * normal[static_cast<std::size_t>(w)] * step,
                                             lps_to_ras * slices.front().origin[static_cast<std::size_t>(w)]};
  }
  return checked(std::move(v));
}

}  // namespace ldd::io
