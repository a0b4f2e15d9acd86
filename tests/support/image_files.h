// Image files written with the libraries the readers use (NIfTI through libnifti, MetaImage by hand, DICOM
// through GDCM), from a small canonical volume stored in a known orientation: what the ingest tests read
// back and what the fuzz targets' seed files are made of.
#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace ldd::testing {

// The canonical volume (slices, rows, cols) every stored one holds, with distinct values.
inline constexpr std::array<std::int64_t, 3> kCanonical{3, 5, 4};
inline constexpr std::array<double, 3> kSpacing{4.0, 0.5, 0.75};
float canonical_value(std::int64_t s, std::int64_t r, std::int64_t c);

// How a file stores the canonical volume: stored axis a is canonical axis target[a], reversed when flip[a].
struct Stored {
  std::array<std::int64_t, 3> dims;
  std::vector<float> values;                     // stored order, first index fastest
  std::array<std::array<double, 3>, 3> ras_dir;  // RAS direction of each stored axis (unit)
  std::array<double, 3> spacing;
  std::array<double, 3> origin{10, -20, 30};     // RAS position of voxel (0, 0, 0)
};
Stored make_stored(std::array<int, 3> target, std::array<bool, 3> flip);

// .nii or .nii.gz (by the name), float32 with an sform.
void write_nifti(const Stored& st, const std::filesystem::path& path);
// .mha with the data inline (MET_FLOAT).
void write_metaimage(const Stored& st, const std::filesystem::path& path);
// The same image as a .mhd header beside a raw file, or as a zlib-compressed .mha.
void write_metaimage_variant(const Stored& st, const std::filesystem::path& path, bool separate_raw);
// One uint16 file per slice, slice<k>.dcm, in `folder`. Throws when GDCM cannot write.
void write_dicom_series(const Stored& st, const std::filesystem::path& folder);

}  // namespace ldd::testing
