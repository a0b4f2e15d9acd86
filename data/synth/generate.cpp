#include "data/synth/generate.h"

#include <algorithm>

#include "base/check.h"
#include "base/clock.h"
#include "data/cohort/cohort_file.h"
#include "data/image/png.h"
#include "data/synth/render.h"

namespace ldd::synth {

GenerationSummary generate_cohort(const SynthConfig& config, const std::filesystem::path& out,
                                  const std::function<void(std::int64_t, std::int64_t)>& progress) {
  const double start = monotonic_seconds();
  GenerationSummary summary;
  summary.population = draw_population(config);
  const auto& subjects = summary.population.subjects;
  CohortWriter writer(out, {"synth", config.to_yaml(), config.seed}, config.imaging.compression);
  const Imaging& im = config.imaging;
  const std::array<std::int64_t, 3> shape{im.slices, im.rows, im.cols};
  const std::array<double, 3> spacing{im.slice_thickness_mm + im.slice_gap_mm, im.pixel_mm, im.pixel_mm};
  const std::int64_t n = static_cast<std::int64_t>(subjects.size());
  constexpr std::int64_t kBatch = 8;  // rendered in parallel, then written in order
  std::vector<RenderedSubject> batch(kBatch);
  for (std::int64_t first = 0; first < n; first += kBatch) {
    const std::int64_t count = std::min(kBatch, n - first);
#pragma omp parallel for schedule(dynamic, 1)
    for (std::int64_t i = 0; i < count; ++i)
      batch[static_cast<std::size_t>(i)] = render_subject(config, subjects[static_cast<std::size_t>(first + i)], first + i);
    for (std::int64_t i = 0; i < count; ++i) {
      const SyntheticSubject& s = subjects[static_cast<std::size_t>(first + i)];
      RenderedSubject& r = batch[static_cast<std::size_t>(i)];
      writer.add_subject(s.record);
      for (int v = 0; v < 2; ++v) {
        Volume volume{shape, spacing, std::move(r.visits[static_cast<std::size_t>(v)].image), 1.0};
        writer.add_volume(s.record.id, static_cast<Visit>(v), volume);
        writer.add_true_vertebra_mask(s.record.id, static_cast<Visit>(v), shape, r.visits[static_cast<std::size_t>(v)].vertebra_mask);
        writer.add_true_disc_centres(s.record.id, static_cast<Visit>(v), r.visits[static_cast<std::size_t>(v)].disc_centres);
      }
      std::vector<float> signs;
      for (const auto& level : s.risk_signs) signs.insert(signs.end(), level.begin(), level.end());
      writer.add_true_risk(s.record.id, s.propensity, signs, kRiskSigns);
      if (progress) progress(first + i + 1, n);
    }
  }
  writer.commit();
  summary.seconds = monotonic_seconds() - start;
  summary.bytes = std::filesystem::file_size(out);
  return summary;
}

std::vector<std::filesystem::path> write_examples(const std::filesystem::path& cohort, const std::filesystem::path& folder,
                                                  int count) {
  const CohortReader reader(cohort);
  std::vector<std::filesystem::path> written;
  for (const auto& id : reader.subject_ids()) {
    if (static_cast<int>(written.size()) == count) break;
    const SubjectRecord s = reader.subject(id);
    for (int level = kLevels - 1; level >= 0; --level) {
      const int before = s.grade(Visit::Baseline, Pathology::Pfirrmann, level);
      const int after = s.grade(Visit::FollowUp, Pathology::Pfirrmann, level);
      if (before == kMissingGrade || after <= before || after < 4) continue;
      const Volume base = reader.volume(id, Visit::Baseline), follow = reader.volume(id, Visit::FollowUp);
      const std::int64_t rows = base.shape[1], cols = base.shape[2], mid = base.shape[0] / 2;
      std::vector<std::uint8_t> rgb(static_cast<std::size_t>(rows * (2 * cols + 4) * 3), 255);
      for (int side = 0; side < 2; ++side) {
        const Volume& v = side == 0 ? base : follow;
        const auto grey = image::window_to_grey(
            std::span<const std::uint16_t>(v.voxels.data() + mid * rows * cols, static_cast<std::size_t>(rows * cols)), 0, 1100);
        for (std::int64_t r = 0; r < rows; ++r)
          for (std::int64_t c = 0; c < cols; ++c)
            for (int ch = 0; ch < 3; ++ch)
              rgb[static_cast<std::size_t>(((r * (2 * cols + 4)) + side * (cols + 4) + c) * 3 + ch)] =
                  grey[static_cast<std::size_t>(r * cols + c)];
      }
      std::filesystem::create_directories(folder);
      const auto path = folder / (id + "_" + kLevelNames[static_cast<std::size_t>(level)] + "_pfirrmann_" +
                                  std::to_string(before) + "_to_" + std::to_string(after) + ".png");
      image::write_png(path, rgb, 2 * cols + 4, rows, 3);
      written.push_back(path);
      break;  // one disc per subject
    }
  }
  LDD_CHECK(!written.empty(), "no subject in '" << cohort.string() << "' progresses to Pfirrmann 4 or 5; generate more subjects");
  return written;
}

}  // namespace ldd::synth
