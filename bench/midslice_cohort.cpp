// midslice_cohort: a 2-D cohort cut from a 3-D one with reference masks, for scoring SegFlow on single
// slices of known anatomy (issue 16's 2-D real test set). Per volume, the sagittal slice with the most
// reference mask voxels becomes a one-slice volume with that slice of the mask; grades are copied.
//   midslice_cohort IN.h5 OUT.h5       e.g. scripts/vb-midslices (lumbar-vb-t2, never committed)
#include <cstdio>
#include <filesystem>

#include "data/cohort/cohort_file.h"

using namespace ldd;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: midslice_cohort IN.h5 OUT.h5\n");
    return 2;
  }
  try {
    const CohortReader in(argv[1]);
    const Provenance p = in.provenance();
    CohortWriter out(argv[2], {p.source, p.config + "\n# midslice_cohort: the slice with most reference mask voxels\n", p.seed}, 4);
    int written = 0;
    for (const auto& id : in.subject_ids()) {
      const auto mask = in.true_vertebra_mask(id, Visit::Baseline);
      if (!mask) continue;  // nothing to choose a slice by, nothing to score against
      const Volume v = in.volume(id, Visit::Baseline);
      const std::int64_t plane = v.shape[1] * v.shape[2];
      std::int64_t best = 0, most = -1;
      for (std::int64_t s = 0; s < v.shape[0]; ++s) {
        std::int64_t count = 0;
        for (std::int64_t i = 0; i < plane; ++i) count += (*mask)[static_cast<std::size_t>(s * plane + i)] != 0;
        if (count > most) most = count, best = s;
      }
      Volume slice{{1, v.shape[1], v.shape[2]}, v.spacing_mm, {}, v.intensity_scale};
      slice.voxels.assign(v.voxels.begin() + best * plane, v.voxels.begin() + (best + 1) * plane);
      out.add_subject(in.subject(id));
      out.add_volume(id, Visit::Baseline, slice);
      out.add_true_vertebra_mask(id, Visit::Baseline, slice.shape,
                                 std::vector<std::uint8_t>(mask->begin() + best * plane, mask->begin() + (best + 1) * plane));
      std::printf("%s: slice %lld of %lld (%lld mask pixels)\n", id.c_str(), static_cast<long long>(best), static_cast<long long>(v.shape[0]),
                  static_cast<long long>(most));
      ++written;
    }
    out.commit();
    std::printf("midslice_cohort: wrote %s: %d one-slice volumes\n", argv[2], written);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "midslice_cohort: %s\n", e.what());
    return 1;
  }
}
