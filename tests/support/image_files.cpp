#include "tests/support/image_files.h"

#include <gdcmImageWriter.h>
#include <gdcmMediaStorage.h>
#include <nifti2_io.h>
#include <zlib.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace ldd::testing {

float canonical_value(std::int64_t s, std::int64_t r, std::int64_t c) { return static_cast<float>(100 * s + 10 * r + c + 1); }

Stored make_stored(std::array<int, 3> target, std::array<bool, 3> flip) {
  // RAS direction of the canonical axes: slices +x, rows -z, cols -y.
  static constexpr std::array<std::array<double, 3>, 3> kAxis{{{1, 0, 0}, {0, 0, -1}, {0, -1, 0}}};
  Stored st;
  for (std::size_t a = 0; a < 3; ++a) {
    const auto t = static_cast<std::size_t>(target[a]);
    st.dims[a] = kCanonical[t];
    st.spacing[a] = kSpacing[t];
    for (std::size_t w = 0; w < 3; ++w) st.ras_dir[a][w] = (flip[a] ? -1.0 : 1.0) * kAxis[t][w];
  }
  for (std::int64_t k = 0; k < st.dims[2]; ++k)
    for (std::int64_t j = 0; j < st.dims[1]; ++j)
      for (std::int64_t i = 0; i < st.dims[0]; ++i) {
        const std::array<std::int64_t, 3> idx{i, j, k};
        std::array<std::int64_t, 3> c{};
        for (std::size_t a = 0; a < 3; ++a) c[static_cast<std::size_t>(target[a])] = flip[a] ? st.dims[a] - 1 - idx[a] : idx[a];
        st.values.push_back(canonical_value(c[0], c[1], c[2]));
      }
  return st;
}

void write_nifti(const Stored& st, const std::filesystem::path& path) {
  const int64_t dims[8] = {3, st.dims[0], st.dims[1], st.dims[2], 1, 1, 1, 1};
  nifti_image* nim = nifti_make_new_nim(dims, DT_FLOAT32, 1);
  std::copy(st.values.begin(), st.values.end(), static_cast<float*>(nim->data));
  nim->sform_code = 1;
  nim->qform_code = 0;
  for (int w = 0; w < 3; ++w) {
    for (int a = 0; a < 3; ++a) nim->sto_xyz.m[w][a] = st.ras_dir[static_cast<std::size_t>(a)][static_cast<std::size_t>(w)] * st.spacing[static_cast<std::size_t>(a)];
    nim->sto_xyz.m[w][3] = st.origin[static_cast<std::size_t>(w)];
  }
  nim->pixdim[1] = st.spacing[0];
  nim->pixdim[2] = st.spacing[1];
  nim->pixdim[3] = st.spacing[2];
  nifti_set_filenames(nim, path.c_str(), 0, 1);
  nifti_image_write(nim);
  nifti_image_free(nim);
}

void write_metaimage(const Stored& st, const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary);
  out << "ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\nTransformMatrix =";
  for (std::size_t a = 0; a < 3; ++a)  // row a: LPS direction of axis a
    for (std::size_t w = 0; w < 3; ++w) out << " " << (w < 2 ? -1.0 : 1.0) * st.ras_dir[a][w];
  out << "\nOffset = " << -st.origin[0] << " " << -st.origin[1] << " " << st.origin[2] << "\nElementSpacing = " << st.spacing[0]
      << " " << st.spacing[1] << " " << st.spacing[2] << "\nDimSize = " << st.dims[0] << " " << st.dims[1] << " " << st.dims[2]
      << "\nElementType = MET_FLOAT\nElementDataFile = LOCAL\n";
  out.write(reinterpret_cast<const char*>(st.values.data()), static_cast<std::streamsize>(st.values.size() * sizeof(float)));
}

void write_metaimage_variant(const Stored& st, const std::filesystem::path& path, bool separate_raw) {
  write_metaimage(st, path);
  std::ifstream in(path, std::ios::binary);
  std::string text(std::istreambuf_iterator<char>(in), {});
  const std::size_t data_at = text.find("ElementDataFile = LOCAL\n") + std::string("ElementDataFile = LOCAL\n").size();
  const std::string header = text.substr(0, data_at - std::string("ElementDataFile = LOCAL\n").size());
  const std::string data = text.substr(data_at);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (separate_raw) {
    const auto raw = path.filename().string() + ".raw";
    std::ofstream(path.parent_path() / raw, std::ios::binary) << data;
    out << header << "ElementDataFile = " << raw << "\n";
  } else {
    std::vector<Bytef> packed(compressBound(data.size()));
    uLongf size = packed.size();
    compress(packed.data(), &size, reinterpret_cast<const Bytef*>(data.data()), data.size());
    out << header << "CompressedData = True\nCompressedDataSize = " << size << "\nElementDataFile = LOCAL\n";
    out.write(reinterpret_cast<const char*>(packed.data()), static_cast<std::streamsize>(size));
  }
}

void write_dicom_series(const Stored& st, const std::filesystem::path& folder) {
  std::filesystem::create_directories(folder);
  auto lps = [](const std::array<double, 3>& ras) { return std::array<double, 3>{-ras[0], -ras[1], ras[2]}; };
  const auto row = lps(st.ras_dir[0]), col = lps(st.ras_dir[1]), normal = lps(st.ras_dir[2]);
  const auto origin = lps(st.origin);
  for (std::int64_t k = st.dims[2] - 1; k >= 0; --k) {  // written in reverse: the reader must sort
    gdcm::ImageWriter writer;
    gdcm::Image& image = writer.GetImage();
    image.SetNumberOfDimensions(3);  // with 2, GDCM keeps only two origin coordinates
    image.SetDimension(2, 1);
    image.SetDimension(0, static_cast<unsigned>(st.dims[0]));
    image.SetDimension(1, static_cast<unsigned>(st.dims[1]));
    image.SetPixelFormat(gdcm::PixelFormat::UINT16);
    image.SetPhotometricInterpretation(gdcm::PhotometricInterpretation::MONOCHROME2);
    const double cosines[6] = {row[0], row[1], row[2], col[0], col[1], col[2]};
    image.SetDirectionCosines(cosines);
    const double position[3] = {origin[0] + k * st.spacing[2] * normal[0], origin[1] + k * st.spacing[2] * normal[1],
                                origin[2] + k * st.spacing[2] * normal[2]};
    image.SetOrigin(position);
    const double spacing[3] = {st.spacing[0], st.spacing[1], st.spacing[2]};
    image.SetSpacing(spacing);
    std::vector<std::uint16_t> pixels(static_cast<std::size_t>(st.dims[0] * st.dims[1]));
    for (std::size_t p = 0; p < pixels.size(); ++p)
      pixels[p] = static_cast<std::uint16_t>(st.values[static_cast<std::size_t>(k) * pixels.size() + p]);
    gdcm::DataElement data(gdcm::Tag(0x7fe0, 0x0010));
    data.SetByteValue(reinterpret_cast<const char*>(pixels.data()), static_cast<std::uint32_t>(pixels.size() * 2));
    image.SetDataElement(data);
    gdcm::DataSet& ds = writer.GetFile().GetDataSet();
    const char* mr = gdcm::MediaStorage::GetMSString(gdcm::MediaStorage::MRImageStorage);
    gdcm::DataElement sop(gdcm::Tag(0x0008, 0x0016));
    sop.SetByteValue(mr, static_cast<std::uint32_t>(std::strlen(mr)));
    ds.Insert(sop);
    writer.SetFileName((folder / ("slice" + std::to_string(k) + ".dcm")).c_str());
    if (!writer.Write()) throw std::runtime_error("GDCM could not write " + folder.string());
  }
}

}  // namespace ldd::testing
