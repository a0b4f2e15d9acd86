// DICOM series through GDCM (Debian libgdcm-dev): one folder = one series of single-frame slices. GDCM
// parses the files and gives each slice's position, direction cosines, spacing and pixels; we order the
// slices along their normal and build the affine (LPS in DICOM, converted to RAS).
#include <gdcmImage.h>
#include <gdcmImageReader.h>
#include <gdcmTrace.h>

#include <algorithm>
#include <cmath>

#include "data/io/raw_volume.h"
#include "kernels/check.h"

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
  std::int64_t width = 0, height = 0;
  for (const auto& file : files) {
    gdcm::ImageReader reader;
    reader.SetFileName(file.c_str());
    LDD_CHECK(reader.Read(), "DICOM series '" << folder.string() << "': '" << file.filename().string()
                                              << "' is not a readable DICOM image (truncated, corrupt, or another file)");
    const gdcm::Image& image = reader.GetImage();
    LDD_CHECK(image.GetNumberOfDimensions() == 2 || image.GetDimension(2) == 1,
              "DICOM series '" << folder.string() << "': '" << file.filename().string()
                               << "' holds several frames; one single-frame file per slice is required");
    const double* cosines = image.GetDirectionCosines();
    const double* origin = image.GetOrigin();
    const double* s = image.GetSpacing();
    if (slices.empty()) {
      width = image.GetDimension(0);
      height = image.GetDimension(1);
      row = {cosines[0], cosines[1], cosines[2]};
      col = {cosines[3], cosines[4], cosines[5]};
      normal = {row[1] * col[2] - row[2] * col[1], row[2] * col[0] - row[0] * col[2], row[0] * col[1] - row[1] * col[0]};
      spacing = {s[0], s[1]};
    }
    LDD_CHECK(image.GetDimension(0) == width && image.GetDimension(1) == height,
              "DICOM series '" << folder.string() << "': '" << file.filename().string() << "' is " << image.GetDimension(0)
                               << "x" << image.GetDimension(1) << ", the series is " << width << "x" << height);
    std::vector<char> bytes(image.GetBufferLength());
    LDD_CHECK(image.GetBuffer(bytes.data()), "DICOM series '" << folder.string() << "': cannot decode the pixels of '"
                                                              << file.filename().string() << "'");
    Slice slice{file, 0.0, {origin[0], origin[1], origin[2]}, {}};
    slice.position = origin[0] * normal[0] + origin[1] * normal[1] + origin[2] * normal[2];
    const gdcm::PixelFormat format = image.GetPixelFormat();
    LDD_CHECK(format.GetSamplesPerPixel() == 1, "DICOM series '" << folder.string() << "': colour images are not supported");
    const double slope = image.GetSlope(), intercept = image.GetIntercept();
    switch (format.GetScalarType()) {
      case gdcm::PixelFormat::UINT8: convert<std::uint8_t>(bytes, slope, intercept, slice.values); break;
      case gdcm::PixelFormat::INT8: convert<std::int8_t>(bytes, slope, intercept, slice.values); break;
      case gdcm::PixelFormat::UINT16: convert<std::uint16_t>(bytes, slope, intercept, slice.values); break;
      case gdcm::PixelFormat::INT16: convert<std::int16_t>(bytes, slope, intercept, slice.values); break;
      default: LDD_FAIL("DICOM series '" << folder.string() << "': pixel format " << format << " is not supported");
    }
    slices.push_back(std::move(slice));
  }
  std::sort(slices.begin(), slices.end(), [](const Slice& a, const Slice& b) { return a.position < b.position; });
  double step = 1.0;
  if (slices.size() > 1) {
    step = (slices.back().position - slices.front().position) / static_cast<double>(slices.size() - 1);
    LDD_CHECK(step > 1e-6, "DICOM series '" << folder.string() << "': slices share one position (several series in one folder?)");
  }
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
  return v;
}

}  // namespace ldd::io
