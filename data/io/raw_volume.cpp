#include "data/io/raw_volume.h"

#include <algorithm>
#include <cmath>

#include "base/check.h"

namespace ldd::io {

RawVolume read_volume(const std::filesystem::path& path) {
  LDD_CHECK(std::filesystem::exists(path), "image '" << path.string() << "' does not exist");
  if (std::filesystem::is_directory(path)) return read_dicom_series(path);
  const std::string name = path.filename().string();
  auto ends = [&](const std::string& suffix) {
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends(".nii") || ends(".nii.gz")) return read_nifti(path);
  if (ends(".mha") || ends(".mhd")) return read_metaimage(path);
  LDD_FAIL("image '" << path.string() << "': unknown format; accepted: .nii, .nii.gz, .mha, .mhd, or a folder of "
                     << "DICOM files (one series)");
}

RawVolume checked(RawVolume v) {
  std::int64_t n = 1;
  for (std::size_t a = 0; a < 3; ++a) {
    LDD_CHECK(v.dims[a] >= 1, "image '" << v.source << "': dimension " << a << " is " << v.dims[a] << "; every dimension must hold at least one voxel");
    n *= v.dims[a];
  }
  LDD_CHECK(static_cast<std::int64_t>(v.values.size()) == n,
            "image '" << v.source << "': " << v.values.size() << " values for " << v.dims[0] << "x" << v.dims[1] << "x" << v.dims[2] << " voxels");
  const auto bad = std::find_if(v.values.begin(), v.values.end(), [](float x) { return !std::isfinite(x); });
  LDD_CHECK(bad == v.values.end(), "image '" << v.source << "' holds a non-finite value (NaN or infinity) at voxel "
                                             << bad - v.values.begin() << " (after its rescale slope and intercept)");
  for (std::size_t a = 0; a < 3; ++a) {
    double norm = 0;
    for (std::size_t w = 0; w < 3; ++w) {
      LDD_CHECK(std::isfinite(v.affine[w][a]) && std::isfinite(v.affine[w][3]),
                "image '" << v.source << "': its voxel-to-patient transform (affine) holds a non-finite number");
      norm += v.affine[w][a] * v.affine[w][a];
    }
    LDD_CHECK(norm > 0, "image '" << v.source << "': axis " << a << " has no extent in its voxel-to-patient transform (a zero spacing?)");
  }
  return v;
}

Reorientation reorientation_of(const RawVolume& v) {
  // Canonical axis and direction of each RAS world axis: x (L->R) -> slices, +; y (P->A) -> columns
  // running A->P, so -; z (I->S) -> rows running S->I, so -.
  static constexpr int kCanonical[3] = {0, 2, 1};
  static constexpr int kSign[3] = {1, -1, -1};
  Reorientation r;
  std::array<bool, 3> used{};
  for (int a = 0; a < 3; ++a) {
    double norm = 0;
    for (int w = 0; w < 3; ++w) norm += v.affine[static_cast<std::size_t>(w)][static_cast<std::size_t>(a)] * v.affine[static_cast<std::size_t>(w)][static_cast<std::size_t>(a)];
    norm = std::sqrt(norm);
    LDD_CHECK(norm > 0, "image '" << v.source << "': axis " << a << " has no extent in its affine");
    int best = 0;
    for (int w = 1; w < 3; ++w)
      if (std::abs(v.affine[static_cast<std::size_t>(w)][static_cast<std::size_t>(a)]) >
          std::abs(v.affine[static_cast<std::size_t>(best)][static_cast<std::size_t>(a)]))
        best = w;
    const double cosine = v.affine[static_cast<std::size_t>(best)][static_cast<std::size_t>(a)] / norm;
    LDD_CHECK(std::abs(cosine) >= std::cos(30.0 * 3.14159265358979 / 180.0),
              "image '" << v.source << "': axis " << a << " is more than 30 degrees oblique to every patient axis; "
                        << "reslice it before ingest");
    const int target = kCanonical[best];
    LDD_CHECK(!used[static_cast<std::size_t>(target)], "image '" << v.source << "': two axes point along the same patient axis");
    used[static_cast<std::size_t>(target)] = true;
    r.target[static_cast<std::size_t>(a)] = target;
    r.flip[static_cast<std::size_t>(a)] = (cosine > 0) != (kSign[best] > 0);
    r.shape[static_cast<std::size_t>(target)] = v.dims[static_cast<std::size_t>(a)];
    r.spacing_mm[static_cast<std::size_t>(target)] = norm;
  }
  return r;
}

std::vector<float> to_canonical(const RawVolume& v, const Reorientation& r) {
  std::vector<float> out(v.values.size());
  const auto& s = r.shape;
  for (std::int64_t k = 0; k < v.dims[2]; ++k)
    for (std::int64_t j = 0; j < v.dims[1]; ++j)
      for (std::int64_t i = 0; i < v.dims[0]; ++i) {
        const std::array<std::int64_t, 3> index{i, j, k};
        std::array<std::int64_t, 3> c{};
        for (std::size_t a = 0; a < 3; ++a)
          c[static_cast<std::size_t>(r.target[a])] = r.flip[a] ? v.dims[a] - 1 - index[a] : index[a];
        out[static_cast<std::size_t>((c[0] * s[1] + c[1]) * s[2] + c[2])] =
            v.values[static_cast<std::size_t>((k * v.dims[1] + j) * v.dims[0] + i)];
      }
  return out;
}

Volume to_cohort_volume(const RawVolume& v) {
  LDD_CHECK(v.stored_rank >= 3, "image '" << v.source << "' is 2-D (" << v.dims[0] << "x" << v.dims[1]
                                         << "); a 3-D volume is required (a single slice must be stored as 3-D "
                                         << "with one slice)");
  const Reorientation r = reorientation_of(v);
  const std::vector<float> values = to_canonical(v, r);
  float max = 0, min = 0;
  bool integral = true;
  for (float x : values) {
    LDD_CHECK(std::isfinite(x), "image '" << v.source << "' holds a non-finite value");
    max = std::max(max, x);
    min = std::min(min, x);
    integral = integral && x == std::round(x);
  }
  LDD_CHECK(min >= 0, "image '" << v.source << "' holds negative intensities (minimum " << min
                                << "); MR magnitude images are non-negative");
  Volume out;
  out.shape = r.shape;
  out.spacing_mm = r.spacing_mm;
  out.intensity_scale = integral && max <= 65535.0f ? 1.0 : (max > 0 ? max / 65535.0 : 1.0);
  out.voxels.resize(values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    out.voxels[i] = static_cast<std::uint16_t>(std::lround(values[i] / out.intensity_scale));
  return out;
}

std::vector<std::uint8_t> to_canonical_labels(const RawVolume& v) {
  const std::vector<float> values = to_canonical(v, reorientation_of(v));
  std::vector<std::uint8_t> out(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    LDD_CHECK(values[i] >= 0 && values[i] <= 255 && values[i] == std::round(values[i]),
              "mask '" << v.source << "' holds " << values[i] << "; labels must be integers 0-255");
    out[i] = static_cast<std::uint8_t>(values[i]);
  }
  return out;
}

}  // namespace ldd::io
