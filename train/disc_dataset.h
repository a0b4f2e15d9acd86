// The discs an experiment learns from: each disc SegFlow found on a baseline image, its crop
// (normalised to zero mean and unit variance, so scanner gain does not matter) and its grades. The
// network learns the follow-up grade (the paper's task; the baseline grade only decides what counts as
// progression) or, cross-sectionally, the grade of the image it sees (a data set with one visit, such
// as SPIDER). Discs without a crop or without the grades their target needs are left out and counted,
// never guessed.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "data/cohort/record.h"

namespace ldd::train {

enum class Target { FollowUp, Current };

struct DiscSample {
  std::size_t subject = 0;  // index into DiscDataset::subjects
  int level = 0;            // 0 = L1-L2 .. 4 = L5-S1
  int baseline = 0, followup = 0;  // grade indices from 0 (grade - the scale's lowest); -1 when absent
  int label = 0;                   // what the network learns: followup, or baseline for Target::Current; -1 when absent
  bool naming_unsure = false;      // only for Use::Prediction: SegFlow's level name may be shifted
};

// A subject (level -1) or disc not in the samples, and why.
struct LeftOut {
  std::string subject;
  int level = -1;
  std::string reason;
  std::string qc;  // short code for predictions.csv: no_image, segflow_failed, not_found, naming_unsure, no_grade
  std::string text() const;  // "SYN00003 L4-L5: SegFlow did not find this disc"
};

// Training needs every label and a trustworthy level name; prediction keeps every disc with a crop (and,
// for progression, a baseline grade), its follow-up grade optional and an unsure name flagged.
enum class Use { Training, Prediction };

struct DiscDataset {
  Pathology pathology = Pathology::Pfirrmann;
  Target target = Target::FollowUp;
  std::int64_t slices = 0, rows = 0, cols = 0;
  std::vector<SubjectRecord> subjects;  // those with at least one usable disc
  std::vector<DiscSample> samples;
  std::vector<float> crops;             // samples x slices x rows x cols
  std::vector<LeftOut> left_out;        // every subject or disc left out, with the reason
  std::vector<std::string> covariate_names;  // the clinical covariates asked for (model.covariates)
  std::vector<float> covariates;             // samples x covariate_names, scaled (covariate_value)
  std::int64_t recut_subjects = 0;  // subjects whose crops were cut again (stored at another size), for the log

  std::int64_t crop_numel() const { return slices * rows * cols; }
  const float* crop(std::size_t i) const { return crops.data() + static_cast<std::int64_t>(i) * crop_numel(); }
  std::vector<float> covariates_of(std::size_t i) const {
    const auto k = covariate_names.size();
    return {covariates.begin() + static_cast<long>(i * k), covariates.begin() + static_cast<long>((i + 1) * k)};
  }
};

// A covariate as the network sees it, near zero mean and unit spread at the paper's cohort:
// age (years - 45) / 10 (the paper's mean 44.8, SD 9.7); sex -1 female, +1 male; bmi (kg/m^2 - 25) / 4.
// Unknown (age or BMI 0, sex 'U') is 0, the centre. level: the disc's level as SegFlow named it
// (`level` 0 = L1-L2 .. 4 = L5-S1), (level - 2) / 2, so -1 .. 1: degeneration rises down the column.
inline const std::vector<std::string> kCovariateNames{"age", "sex", "bmi", "level"};  // what model.covariates accepts
float covariate_value(const SubjectRecord& subject, const std::string& name, int level);

// True when every baseline volume of the cohort has a SegFlow result (ok or failed).
bool has_segflow_results(const std::filesystem::path& cohort);

// Reads the baseline crops at slices x size x size: the stored crops when they have that size,
// otherwise cut again from the baseline image and SegFlow's disc boxes (kernels/crop_resize.h) and
// counted in recut_subjects; the cohort is not changed (it is only read here).
DiscDataset load_discs(const std::filesystem::path& cohort, Pathology pathology, Target target, std::int64_t slices,
                       std::int64_t size, Use use = Use::Training, const std::vector<std::string>& covariates = {});

}  // namespace ldd::train
