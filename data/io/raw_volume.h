// A volume as an image file stores it, before ldd's canonical orientation: values with the first index
// fastest, and the affine from voxel indices to patient coordinates in RAS+ millimetres (NIfTI's
// convention: x grows towards the patient's right, y towards anterior, z towards superior).
#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "data/cohort/cohort_file.h"

namespace ldd::io {

struct RawVolume {
  std::array<std::int64_t, 3> dims{1, 1, 1};  // i (fastest), j, k
  int stored_rank = 3;                         // dimensions the file declares (2 for a 2-D image)
  std::vector<float> values;                   // dims[0] * dims[1] * dims[2]
  std::array<std::array<double, 4>, 3> affine{};  // RAS+ mm = affine * (i, j, k, 1)
  std::string source;                          // file or folder, for messages
};

// Reads a NIfTI-1/2 file (.nii, .nii.gz), a MetaImage (.mha, .mhd) or a DICOM series folder, chosen
// by the path. Throws ldd::Error naming the path for a missing, truncated or unsupported file.
RawVolume read_volume(const std::filesystem::path& path);
RawVolume read_nifti(const std::filesystem::path& path);
RawVolume read_metaimage(const std::filesystem::path& path);
RawVolume read_dicom_series(const std::filesystem::path& folder);

// Every reader's last step: refuses an empty dimension, a value count other than the dimensions' product,
// a NaN or infinite value (also one that a rescale slope made), and an affine that is not finite or has
// an axis of no extent, naming the file. Returns `v`.
RawVolume checked(RawVolume v);

// How the stored axes map onto the canonical ones (slices left->right, rows superior->inferior,
// columns anterior->posterior): each stored axis goes to the canonical axis it is most aligned with
// (oblique acquisitions are snapped to the nearest axis; a stored axis within 30 degrees of none is an
// error), flipped when it runs the other way.
struct Reorientation {
  std::array<int, 3> target{};      // canonical axis of stored axis a
  std::array<bool, 3> flip{};       // stored axis a runs against its canonical direction
  std::array<std::int64_t, 3> shape{};      // canonical (slices, rows, cols)
  std::array<double, 3> spacing_mm{};       // canonical spacing
};
Reorientation reorientation_of(const RawVolume& v);

// Canonical copy of the values (slices, rows, cols), cols fastest.
std::vector<float> to_canonical(const RawVolume& v, const Reorientation& r);

// Canonical Volume with uint16 storage: integer data in [0, 65535] are kept exactly (scale 1); other
// data are scaled so the maximum maps to 65535. Negative values are an error naming the file.
Volume to_cohort_volume(const RawVolume& v);
// Canonical uint8 labels; non-integer or out-of-range labels are an error naming the file.
std::vector<std::uint8_t> to_canonical_labels(const RawVolume& v);

}  // namespace ldd::io
