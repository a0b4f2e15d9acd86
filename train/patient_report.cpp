#include "train/patient_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <sstream>

#include "data/cohort/cohort_file.h"
#include "data/cohort/segflow_result.h"
#include "data/image/draw.h"
#include "data/image/label_text.h"
#include "data/image/png.h"
#include "data/io/text_file.h"
#include "train/format.h"
#include "train/report.h"
#include "train/saliency.h"

namespace ldd::train {
namespace {

constexpr image::Rgb kLevelColours[kLevels] = {{255, 64, 64}, {255, 160, 0}, {255, 255, 0}, {0, 200, 255}, {255, 0, 255}};
constexpr int kGap = 8, kTextWidth = 120;

// Grad-CAM of what the report shows, averaged over the models: P(progression), or the predicted grade.
std::vector<float> saliency(const PatientReportInput& in, std::size_t sample) {
  const DiscSample& s = in.data.samples[sample];
  const bool followup = in.data.target == Target::FollowUp;
  std::vector<float> mean(static_cast<std::size_t>(in.data.rows * in.data.cols), 0.0f);
  for (const auto& model : in.models) {
    const auto map = grad_cam(*model, in.data.crop(sample), in.data.slices, in.data.rows, in.data.cols, std::max(s.baseline, 0),
                              followup ? -1 : in.outputs[sample].predicted, in.data.covariates_of(sample), in.device);
    for (std::size_t i = 0; i < mean.size(); ++i) mean[i] += map[i] / static_cast<float>(in.models.size());
  }
  return mean;
}

bool called(const PatientReportInput& in, std::size_t sample) {
  return progression_called(in.outputs[sample], in.data.samples[sample].baseline, in.threshold);
}

// snprintf, not std::string's +: GCC 12 warns falsely (-Wrestrict) on "x" + std::to_string(n).
std::string format(const char* pattern, long a, long b = 0) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, pattern, a, b);
  return buffer;
}

void write_png(const std::filesystem::path& path, const PatientReportInput& in, const CohortReader& reader, const std::string& id,
               const std::array<std::optional<std::size_t>, kLevels>& sample_of_level) {
  const std::int64_t zoom = std::max<std::int64_t>(1, 128 / std::max(in.data.rows, in.data.cols));
  const std::int64_t tile_rows = in.data.rows * zoom, tile_cols = in.data.cols * zoom, band = tile_rows + kGap;
  const std::int64_t height = kGap + kLevels * band;
  // The baseline mid-slice, scaled to the figure's height, boxes and names over it.
  const Volume v = reader.volume(id, Visit::Baseline);
  const std::int64_t rows = v.shape[1], cols = v.shape[2], mid = v.shape[0] / 2;
  const double scale = static_cast<double>(height) / static_cast<double>(rows);
  const auto slice_cols = static_cast<std::int64_t>(std::lround(static_cast<double>(cols) * scale * v.spacing_mm[2] / v.spacing_mm[1]));
  const std::int64_t left = slice_cols + kGap;
  image::RgbImage figure(height, left + 2 * tile_cols + 3 * kGap + kTextWidth, {24, 24, 24});
  std::vector<float> slice(v.voxels.begin() + mid * rows * cols, v.voxels.begin() + (mid + 1) * rows * cols);
  std::vector<float> sorted = slice;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(sorted.size() * 99 / 100), sorted.end());
  const double high = std::max<double>(sorted[sorted.size() * 99 / 100], 1.0);
  for (std::int64_t r = 0; r < height; ++r)
    for (std::int64_t c = 0; c < slice_cols; ++c) {
      const auto sr = std::min(rows - 1, static_cast<std::int64_t>(static_cast<double>(r) / scale));
      const auto sc = std::min(cols - 1, static_cast<std::int64_t>(static_cast<double>(c) * static_cast<double>(cols) / static_cast<double>(slice_cols)));
      const auto g = static_cast<std::uint8_t>(std::lround(std::clamp(slice[static_cast<std::size_t>(sr * cols + sc)] / high, 0.0, 1.0) * 255));
      figure.paint(r, c, {g, g, g});
    }
  const double col_scale = static_cast<double>(slice_cols) / static_cast<double>(cols);
  const auto segflow = has_segflow_result(reader.file(), id, Visit::Baseline)
                           ? std::optional<SegflowDiscs>(read_segflow_discs(reader.file(), id, Visit::Baseline))
                           : std::nullopt;
  if (segflow && segflow->ok()) {
    const auto boxes = read_disc_boxes(reader.file(), id, Visit::Baseline);  // one per level
    const auto& found = segflow->found;
    for (int l = 0; l < kLevels; ++l) {
      if (!found[static_cast<std::size_t>(l)]) continue;
      const auto& b = boxes[static_cast<std::size_t>(l)];
      const std::array<double, 2> corner{b.corner[1] * scale, b.corner[2] * col_scale}, a{b.axes[1][1] * scale, b.axes[1][2] * col_scale},
          across{b.axes[2][1] * scale, b.axes[2][2] * col_scale};
      image::draw_parallelogram(figure, corner, a, across, kLevelColours[l]);
      const double right = std::max({corner[1], corner[1] + a[1], corner[1] + across[1], corner[1] + a[1] + across[1]});
      const bool unsure = sample_of_level[static_cast<std::size_t>(l)] && in.data.samples[*sample_of_level[static_cast<std::size_t>(l)]].naming_unsure;
      image::draw_label(figure.pixels, figure.rows, figure.cols, std::lround(corner[0] + a[0] / 2 + across[0] / 2) - 5, std::lround(right) + 3,
                        std::string(kLevelNames[static_cast<std::size_t>(l)]) + (unsure ? "?" : ""), kLevelColours[l]);
    }
  }
  // Per level: the crop's middle slice, the same under its saliency, and the numbers.
  for (int l = 0; l < kLevels; ++l) {
    const std::int64_t top = kGap + l * band, text = left + 2 * tile_cols + 2 * kGap;
    image::draw_label(figure.pixels, figure.rows, figure.cols, top, text, kLevelNames[static_cast<std::size_t>(l)], kLevelColours[l]);
    const auto sample = sample_of_level[static_cast<std::size_t>(l)];
    if (!sample) {
      image::draw_label(figure.pixels, figure.rows, figure.cols, top + 16, text, "?", {160, 160, 160});
      continue;
    }
    const float* crop = in.data.crop(*sample) + (in.data.slices / 2) * in.data.rows * in.data.cols;
    const auto heat = saliency(in, *sample);
    image::draw_tile(figure, top, left, crop, in.data.rows, in.data.cols, -2.0, 3.0, static_cast<int>(zoom));
    image::draw_tile(figure, top, left + tile_cols + kGap, crop, in.data.rows, in.data.cols, -2.0, 3.0, static_cast<int>(zoom), heat.data());
    const auto& o = in.outputs[*sample];
    const int lowest = scale_of(in.data.pathology).lowest;
    if (in.data.target == Target::FollowUp) {
      const bool yes = called(in, *sample);
      image::draw_label(figure.pixels, figure.rows, figure.cols, top + 16, text, format("P %ld%%", std::lround(100 * o.p_progression)),
                        yes ? image::Rgb{255, 80, 80} : image::Rgb{120, 220, 120});
      image::draw_label(figure.pixels, figure.rows, figure.cols, top + 32, text, format("G%ld-G%ld", in.data.samples[*sample].baseline + lowest, o.predicted + lowest),
                        {220, 220, 220});
    } else {
      image::draw_label(figure.pixels, figure.rows, figure.cols, top + 16, text, format("G%ld", o.predicted + lowest), {220, 220, 220});
      image::draw_label(figure.pixels, figure.rows, figure.cols, top + 32, text, format("P %ld%%", std::lround(100 * o.probabilities[static_cast<std::size_t>(o.predicted)])),
                        {220, 220, 220});
    }
  }
  image::write_png(path, figure.pixels, figure.cols, figure.rows, 3);
}

std::string markdown(const PatientReportInput& in, const SubjectRecord& record, const std::array<std::optional<std::size_t>, kLevels>& sample_of_level) {
  const GradeScale scale = scale_of(in.data.pathology);
  const bool followup = in.data.target == Target::FollowUp;
  std::ostringstream md;
  md << "# " << record.id << ": " << scale.name << (followup ? " progression over 5 years" : " grade") << "\n\n";
  md << "Run `" << in.run_name << "`, " << in.model_text << ", from the baseline image.";
  if (record.age > 0) md << " Age " << std::lround(record.age) << ", sex " << record.sex << ".";
  md << "\n\n![" << record.id << "](" << record.id << ".png)\n\n";
  md << "Left: the baseline mid-sagittal slice with SegFlow's disc boxes (a name with ? is one SegFlow's naming is unsure of). Per disc: "
        "the crop's middle slice, and the same under its Grad-CAM saliency (where the evidence for "
     << (followup ? "P(progression)" : "the predicted grade") << " lies; red to yellow), then "
     << (followup ? "P(progression) (red: progression called) and the baseline -> predicted follow-up grade." : "the predicted grade and its probability.")
     << "\n\n| level | QC | " << (followup ? "baseline grade | predicted follow-up grade" : "recorded grade | predicted grade");
  for (int g = scale.lowest; g <= scale.highest; ++g) md << " | P(" << g << ")";
  md << (followup ? " | P(progression) | progression called |\n|---|---|---|---" : " |\n|---|---|---|---");
  for (int g = scale.lowest; g <= scale.highest; ++g) md << "|---";
  md << (followup ? "|---|---|\n" : "|\n");
  for (int l = 0; l < kLevels; ++l) {
    md << "| " << kLevelNames[static_cast<std::size_t>(l)] << " | ";
    const auto sample = sample_of_level[static_cast<std::size_t>(l)];
    if (!sample) {
      md << "not predicted (see predictions.csv's qc) |\n";
      continue;
    }
    const auto& s = in.data.samples[*sample];
    const auto& o = in.outputs[*sample];
    const int known = followup ? s.baseline : s.label;
    md << (s.naming_unsure ? "level name unsure" : "ok") << " | " << (known < 0 ? std::string("—") : std::to_string(known + scale.lowest)) << " | "
       << o.predicted + scale.lowest;
    for (double p : o.probabilities) md << " | " << std::lround(100 * p) << " %";
    if (followup) md << " | " << std::lround(100 * o.p_progression) << " % | " << (called(in, *sample) ? "**yes**" : "no");
    md << " |\n";
  }
  if (followup && in.threshold) md << "\nProgression is called at P(progression) >= " << number(std::round(1000 * *in.threshold) / 1000) << " (the run's threshold).\n";
  return md.str();
}

}  // namespace

void write_patient_reports(const std::filesystem::path& folder, const PatientReportInput& in) {
  std::filesystem::create_directories(folder);
  const CohortReader reader(in.cohort);
  std::vector<std::array<std::optional<std::size_t>, kLevels>> levels(in.data.subjects.size());
  for (std::size_t i = 0; i < in.data.samples.size(); ++i)
    levels[in.data.samples[i].subject][static_cast<std::size_t>(in.data.samples[i].level)] = i;
  for (std::size_t s = 0; s < in.data.subjects.size(); ++s) {
    const SubjectRecord& record = in.data.subjects[s];
    write_png(folder / (record.id + ".png"), in, reader, record.id, levels[s]);
    io::write_text_atomically(folder / (record.id + ".md"), markdown(in, record, levels[s]));
  }
}

}  // namespace ldd::train
