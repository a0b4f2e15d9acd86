// NIfTI-1 and NIfTI-2 through the NIfTI C library (Debian libnifti2-dev): it handles both header
// versions, gzip, byte order and the qform/sform rules; we convert its data to float and its affine.
#include <nifti2_io.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>
#include <type_traits>
#include <vector>

#include "base/check.h"
#include "data/io/raw_volume.h"

namespace ldd::io {
namespace {

template <class T>
void copy_values(const void* data, std::size_t n, double slope, double intercept, std::vector<float>& out) {
  const T* p = static_cast<const T*>(data);
  out.resize(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(static_cast<double>(p[i]) * slope + intercept);
}

// What libnifti hides, read from the file itself (gzip or not): it replaces a zero or non-finite pixdim
// by 1 and non-finite float voxels by 0 before we see them, which would make broken data plausible.
template <class T>
T byte_swapped(T value) {
  auto bytes = std::bit_cast<std::array<unsigned char, sizeof(T)>>(value);
  std::reverse(bytes.begin(), bytes.end());
  return std::bit_cast<T>(bytes);
}

struct RawHeader {
  int rank = 0;
  std::array<double, 3> pixdim{};
  bool swapped = false;
  double scl_slope = 0, scl_inter = 0;  // libnifti turns a non-finite one into "no scaling"
};

RawHeader raw_header(const std::filesystem::path& path) {
  std::unique_ptr<gzFile_s, int (*)(gzFile)> in(gzopen(path.c_str(), "rb"), gzclose);
  LDD_CHECK(in != nullptr, "image '" << path.string() << "': cannot open it");
  std::array<unsigned char, 540> h{};
  const int got = gzread(in.get(), h.data(), static_cast<unsigned>(h.size()));
  auto read = [&](std::size_t offset, auto value, bool swap) {
    std::memcpy(&value, h.data() + offset, sizeof value);
    return swap ? byte_swapped(value) : value;
  };
  RawHeader s;
  for (bool swap : {false, true}) {
    s.swapped = swap;
    const auto size = read(0, std::int32_t{}, swap);
    if (size == 348 && got >= 348) {  // NIfTI-1: short dim[8] at 40, float pixdim[8] at 76, float scl_slope, scl_inter at 112, 116
      s.rank = read(40, std::int16_t{}, swap);
      for (std::size_t i = 0; i < 3; ++i) s.pixdim[i] = read(76 + 4 * (i + 1), float{}, swap);
      s.scl_slope = read(112, float{}, swap);
      s.scl_inter = read(116, float{}, swap);
      return s;
    }
    if (size == 540 && got >= 540) {  // NIfTI-2: int64 dim[8] at 16, double pixdim[8] at 104, double scl_slope, scl_inter at 176, 184
      s.rank = static_cast<int>(read(16, std::int64_t{}, swap));
      for (std::size_t i = 0; i < 3; ++i) s.pixdim[i] = read(104 + 8 * (i + 1), double{}, swap);
      s.scl_slope = read(176, double{}, swap);
      s.scl_inter = read(184, double{}, swap);
      return s;
    }
  }
  LDD_FAIL("image '" << path.string() << "': not a NIfTI-1 or NIfTI-2 header");
}

// What `file` (gzip or not) holds after its first `offset` bytes, read up to one byte past the `declared`
// size: how many bytes, which the header's dimensions are checked against before anything is allocated
// for them, and whether its float voxels (T = float or double) hold a NaN or an infinity, which libnifti
// would hand over as 0. Other voxels are not looked at: an uncompressed file's size says it.
struct StoredVoxels {
  std::uint64_t bytes = 0;
  bool non_finite = false;
};

template <class T>
StoredVoxels scan_voxels(const std::filesystem::path& file, std::int64_t offset, std::uint64_t declared, bool swapped) {
  std::unique_ptr<gzFile_s, int (*)(gzFile)> in(gzopen(file.c_str(), "rb"), gzclose);
  LDD_CHECK(in != nullptr, "image '" << file.string() << "': cannot open it");
  const auto header = static_cast<std::uint64_t>(std::max<std::int64_t>(offset, 0));
  constexpr bool floats = std::is_floating_point_v<T>;
  if (!floats && gzdirect(in.get())) {
    std::error_code error;
    const auto size = std::filesystem::file_size(file, error);
    LDD_CHECK(!error, "image '" << file.string() << "': cannot read its size");
    return {size > header ? size - header : 0, false};
  }
  std::vector<T> block((std::size_t{1} << 16) / sizeof(T));
  const std::uint64_t block_bytes = block.size() * sizeof(T);
  StoredVoxels s;
  std::uint64_t skipped = 0;
  while (s.bytes <= declared) {
    // The header first, then whole blocks of voxels (gzread fills a block but at the end of the file).
    const int got = gzread(in.get(), block.data(), static_cast<unsigned>(skipped < header ? std::min(header - skipped, block_bytes) : block_bytes));
    LDD_CHECK(got >= 0, "image '" << file.string() << "': its gzip stream is corrupt");
    if (got == 0) break;
    if (skipped < header) {
      skipped += static_cast<std::uint64_t>(got);
      continue;
    }
    s.bytes += static_cast<std::uint64_t>(got);
    if constexpr (floats)
      for (std::size_t i = 0; i < static_cast<std::size_t>(got) / sizeof(T); ++i)
        s.non_finite = s.non_finite || !std::isfinite(swapped ? byte_swapped(block[i]) : block[i]);
  }
  return s;
}

}  // namespace

RawVolume read_nifti(const std::filesystem::path& path) {
  LDD_CHECK(std::filesystem::exists(path), "image '" << path.string() << "' does not exist");
  nifti_set_debug_level(0);
  std::unique_ptr<nifti_image, void (*)(nifti_image*)> nim(nifti_image_read(path.c_str(), 0), nifti_image_free);
  LDD_CHECK(nim != nullptr && nim->iname != nullptr,
            "image '" << path.string() << "': cannot read it as NIfTI (truncated or corrupt file?)");
  const RawHeader raw = raw_header(path);
  LDD_CHECK(std::isfinite(raw.scl_slope) && std::isfinite(raw.scl_inter),
            "image '" << path.string() << "': its intensity scaling (scl_slope " << raw.scl_slope << ", scl_inter " << raw.scl_inter
                      << ") is not finite");
  // The dimensions against the data the file holds, before libnifti allocates for them.
  LDD_CHECK(nim->nvox > 0 && nim->nbyper > 0 && nim->nvox < (std::int64_t{1} << 40),
            "image '" << path.string() << "': its header declares " << nim->nvox << " voxels of " << nim->nbyper
                      << " bytes, more than any lumbar MRI");
  const std::uint64_t declared = static_cast<std::uint64_t>(nim->nvox) * static_cast<std::uint64_t>(nim->nbyper);
  const auto scan = nim->datatype == DT_FLOAT32   ? &scan_voxels<float>
                    : nim->datatype == DT_FLOAT64 ? &scan_voxels<double>
                                                  : &scan_voxels<std::uint8_t>;
  const StoredVoxels voxels = scan(nim->iname, nim->iname_offset, declared, raw.swapped);
  const std::uint64_t stored = voxels.bytes;
  LDD_CHECK(stored >= declared, "image '" << path.string() << "': its voxel data is truncated (" << stored << " bytes for the " << declared
                                          << " its header's dimensions " << nim->nx << "x" << nim->ny << "x" << nim->nz << " declare)");
  LDD_CHECK(stored == declared, "image '" << path.string() << "' holds more voxel data than its header's dimensions " << nim->nx << "x"
                                          << nim->ny << "x" << nim->nz << " declare (" << declared << " bytes); are they right?");
  LDD_CHECK(!voxels.non_finite, "image '" << path.string() << "' holds a non-finite value (NaN or infinity) in its voxel data");
  LDD_CHECK(nifti_image_load(nim.get()) == 0 && nim->data != nullptr,
            "image '" << path.string() << "': cannot read its voxel data (truncated or corrupt file?)");
  LDD_CHECK(nim->nt <= 1 && nim->nu <= 1 && nim->nv <= 1 && nim->nw <= 1,
            "image '" << path.string() << "' has more than 3 dimensions (" << nim->nx << "x" << nim->ny << "x" << nim->nz
                      << "x" << nim->nt << "); one 3-D volume per file is required");
  RawVolume v;
  v.source = path.string();
  v.dims = {nim->nx, nim->ny, std::max<std::int64_t>(nim->nz, 1)};
  v.stored_rank = static_cast<int>(nim->dim[0]);
  const std::size_t n = static_cast<std::size_t>(v.dims[0] * v.dims[1] * v.dims[2]);
  const double slope = nim->scl_slope != 0.0 ? nim->scl_slope : 1.0, intercept = nim->scl_slope != 0.0 ? nim->scl_inter : 0.0;
  switch (nim->datatype) {
    case DT_UINT8: copy_values<std::uint8_t>(nim->data, n, slope, intercept, v.values); break;
    case DT_INT8: copy_values<std::int8_t>(nim->data, n, slope, intercept, v.values); break;
    case DT_UINT16: copy_values<std::uint16_t>(nim->data, n, slope, intercept, v.values); break;
    case DT_INT16: copy_values<std::int16_t>(nim->data, n, slope, intercept, v.values); break;
    case DT_INT32: copy_values<std::int32_t>(nim->data, n, slope, intercept, v.values); break;
    case DT_UINT32: copy_values<std::uint32_t>(nim->data, n, slope, intercept, v.values); break;
    case DT_FLOAT32: copy_values<float>(nim->data, n, slope, intercept, v.values); break;
    case DT_FLOAT64: copy_values<double>(nim->data, n, slope, intercept, v.values); break;
    default: LDD_FAIL("image '" << path.string() << "': NIfTI data type " << nim->datatype << " ("
                               << nifti_datatype_string(nim->datatype) << ") is not supported");
  }
  // sform when set (the scanner-to-standard transform), else qform, else the scaled identity NIfTI
  // defines for "method 1".
  const nifti_dmat44& m = nim->sform_code > 0 ? nim->sto_xyz : nim->qto_xyz;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 4; ++c) v.affine[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)] = m.m[r][c];
  if (nim->sform_code <= 0) {  // the spacing comes from pixdim (qform, or NIfTI's method 1): it must be one
    for (std::size_t i = 0; i < static_cast<std::size_t>(std::clamp(raw.rank, 0, 3)); ++i)
      LDD_CHECK(std::isfinite(raw.pixdim[i]) && std::abs(raw.pixdim[i]) > 0,
                "image '" << path.string() << "': pixdim[" << i + 1 << "] (the voxel spacing along axis " << i << ") is "
                          << raw.pixdim[i] << "; it must be a non-zero number of mm");
  }
  if (nim->sform_code <= 0 && nim->qform_code <= 0) {
    v.affine = {};
    v.affine[0][0] = nim->dx;
    v.affine[1][1] = nim->dy;
    v.affine[2][2] = nim->dz;
  }
  return checked(std::move(v));
}

}  // namespace ldd::io
