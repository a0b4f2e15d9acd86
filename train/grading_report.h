// What a cross-sectional run (target: current) leaves behind once every fold is done: predictions.csv,
// metrics.json and report.md with grade accuracy, balanced accuracy, quadratic-weighted kappa and
// within-one agreement per fold and as mean ± sd, confusion matrices, two trivial predictors learnt from
// the same training folds (the most common grade; the most common grade of each disc level) and a
// hand-crafted baseline (the disc's signal against the bodies' and its level, ordinal logistic regression).
#pragma once
#include <filesystem>
#include <vector>

#include "train/report.h"

namespace ldd::train {

struct GradingRunMetrics {
  std::vector<GradingMetrics> model, majority_grade, level_majority;  // per fold
  std::vector<GradingMetrics> handcrafted;  // disc signal + level, ordinal logistic regression (handcrafted_grader.h)
};
GradingRunMetrics evaluate_grading_run(const DiscDataset& data, const std::vector<FoldOutcome>& folds, int classes);

void write_grading_run_data(const std::filesystem::path& folder, const ExperimentConfig& config, const DiscDataset& data,
                            const std::vector<FoldOutcome>& folds, const GradingRunMetrics& metrics);
void write_grading_report(const std::filesystem::path& folder, const ExperimentConfig& config, const DiscDataset& data,
                          const std::vector<FoldOutcome>& folds, const GradingRunMetrics& metrics, const RunContext& context);

}  // namespace ldd::train
