#include "train/disc_dataset.h"

#include <algorithm>
#include <cmath>

#include "base/check.h"
#include "base/moments.h"
#include "data/cohort/cohort_file.h"
#include "data/cohort/segflow_result.h"
#include "nn/autograd.h"
#include "nn/ops/crop_resize.h"

namespace ldd::train {
namespace {

void normalise(float* x, std::int64_t n) {
  const Moments m = moments(x, n);
  const double sd = std::sqrt(m.variance);
  const double scale = sd > 1e-6 ? 1.0 / sd : 0.0;
  for (std::int64_t i = 0; i < n; ++i) x[i] = static_cast<float>((x[i] - m.mean) * scale);
}

// The five crops of one baseline volume at the requested size.
std::vector<float> crops_of(const CohortReader& reader, const std::string& id, std::int64_t slices, std::int64_t size, std::int64_t& recut) {
  if (auto stored = read_stored_crops(reader.file(), id, Visit::Baseline, slices, size)) return std::move(*stored);
  ++recut;
  const auto boxes = read_disc_boxes(reader.file(), id, Visit::Baseline);
  const Volume v = reader.volume(id, Visit::Baseline);
  NoGrad no_grad;
  return crop_resize(Tensor::from_vector({v.shape[0], v.shape[1], v.shape[2]}, v.intensities()), boxes, slices, size, size)
      .to_vector();
}

}  // namespace

bool has_segflow_results(const std::filesystem::path& cohort) {
  const CohortReader reader(cohort);
  for (const auto& id : reader.subject_ids())
    if (reader.has_volume(id, Visit::Baseline) && !has_segflow_result(reader.file(), id, Visit::Baseline)) return false;
  return true;
}

std::string LeftOut::text() const {
  return subject + (level >= 0 ? std::string(" ") + kLevelNames[static_cast<std::size_t>(level)] : std::string()) + ": " + reason;
}

float covariate_value(const SubjectRecord& s, const std::string& name, int level) {
  if (name == "level") return static_cast<float>((level - 2) / 2.0);
  if (name == "age") return s.age > 0 ? static_cast<float>((s.age - 45.0) / 10.0) : 0.0f;
  if (name == "sex") return s.sex == 'M' ? 1.0f : s.sex == 'F' ? -1.0f : 0.0f;
  if (name == "bmi") return s.bmi > 0 ? static_cast<float>((s.bmi - 25.0) / 4.0) : 0.0f;
  std::string accepted;
  for (const auto& known : kCovariateNames) accepted += (accepted.empty() ? "" : ", ") + known;
  throw Error("unknown covariate '" + name + "' (accepted: " + accepted + ")");
}

DiscDataset load_discs(const std::filesystem::path& cohort, Pathology pathology, Target target, std::int64_t slices,
                       std::int64_t size, Use use, const std::vector<std::string>& covariates) {
  const CohortReader reader(cohort);
  const auto& file = reader.file();
  const GradeScale scale = scale_of(pathology);
  DiscDataset d;
  d.pathology = pathology;
  d.target = target;
  d.slices = slices;
  d.rows = d.cols = size;
  d.covariate_names = covariates;
  for (const auto& id : reader.subject_ids()) {
    const std::string group = segflow_group(id, Visit::Baseline);
    if (!reader.has_volume(id, Visit::Baseline)) {
      d.left_out.push_back({id, -1, "no baseline image", "no_image"});
      continue;
    }
    const SegflowDiscs segflow = read_segflow_discs(file, id, Visit::Baseline);
    if (!segflow.ok()) {
      d.left_out.push_back({id, -1, "SegFlow " + segflow.status, "segflow_failed"});
      continue;
    }
    const SubjectRecord record = reader.subject(id);
    const auto& found = segflow.found;
    // A disc is attached to its grades by its level's name; where SegFlow's naming is unsure (segflow/naming.h)
    // the name may be shifted, so the disc is left out rather than trained on another level's grades.
    const std::int64_t confident = segflow.naming_confident_positions;
    const std::string& notes = segflow.naming_notes;
    std::vector<float> crops;
    const std::size_t subject = d.subjects.size();
    for (int l = 0; l < kLevels; ++l) {
      const int b = record.grade(Visit::Baseline, pathology, l), f = record.grade(Visit::FollowUp, pathology, l);
      if (!found[static_cast<std::size_t>(l)]) {
        d.left_out.push_back({id, l, "SegFlow did not find this disc", "not_found"});
        continue;
      }
      const bool unsure = kLevels - l >= confident;  // the disc's upper body, L1 .. L5, is at position kLevels - l from S1
      if (unsure && use == Use::Training) {
        d.left_out.push_back({id, l, "SegFlow's level naming is unsure here (" + notes + ")", "naming_unsure"});
        continue;
      }
      // Progression is relative to the baseline grade, which is also the network's side input: it is needed
      // for prediction too. The grade to learn (follow-up, or the current one) only for training.
      const bool needs_baseline = use == Use::Training || target == Target::FollowUp;
      const bool needs_followup = use == Use::Training && target == Target::FollowUp;
      if ((b == kMissingGrade && needs_baseline) || (f == kMissingGrade && needs_followup)) {
        d.left_out.push_back({id, l, std::string("no ") + scale.name + " grade at " + (b == kMissingGrade ? "baseline" : "follow-up"), "no_grade"});
        continue;
      }
      if (crops.empty()) {
        crops = crops_of(reader, id, slices, size, d.recut_subjects);
        LDD_CHECK(crops.size() == static_cast<std::size_t>(kLevels * d.crop_numel()),
                  cohort.string() << ": " << group << "/crops holds " << crops.size() << " values, expected " << kLevels << " x " << slices
                                  << " x " << size << " x " << size);
        LDD_CHECK(std::all_of(crops.begin(), crops.end(), [](float v) { return std::isfinite(v); }),
                  cohort.string() << ": " << group << ": a disc crop holds NaN or infinite values; run `segflow --cohort "
                                  << cohort.string() << "` again");
      }
      const std::int64_t n = d.crop_numel();
      d.crops.insert(d.crops.end(), crops.begin() + l * n, crops.begin() + (l + 1) * n);
      normalise(d.crops.data() + static_cast<std::int64_t>(d.samples.size()) * n, n);
      const int baseline = b == kMissingGrade ? -1 : b - scale.lowest, followup = f == kMissingGrade ? -1 : f - scale.lowest;
      d.samples.push_back({subject, l, baseline, followup, target == Target::FollowUp ? followup : baseline, unsure});
      for (const auto& name : covariates) d.covariates.push_back(covariate_value(record, name, l));
    }
    if (!crops.empty()) d.subjects.push_back(record);
  }
  LDD_CHECK(!d.samples.empty(), cohort.string() << ": no disc has both a SegFlow crop and " << scale.name
                                                << (use == Use::Prediction ? (target == Target::FollowUp ? " grade at baseline" : "")
                                                    : target == Target::FollowUp ? " grades at both visits" : " grade"));
  return d;
}

}  // namespace ldd::train
