// What a cross-validation run reports once every fold is done: metrics.json and report.md (the paper's
// Table 4 for this run, the metrics the paper lacked, confusion matrices and trivial baselines on the same
// folds), beside predictions.csv (train/run_folder.h). Every file is written under a temporary name and renamed.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "train/fold_trainer.h"
#include "train/metrics.h"
#include "train/pooled_metrics.h"
#include "train/reference_predictors.h"
#include "train/run_folder.h"

namespace ldd::train {

// The subjects with a disc in some fold's test set (in cross-validation, every subject of the data).
std::size_t subjects_tested(const DiscDataset& data, const std::vector<FoldOutcome>& folds);

// Metrics of the model and of the predictors it stands beside, per fold (mean +- sd in the report).
struct RunMetrics {
  std::vector<Metrics> model;                              // the run's decision rule
  std::vector<Metrics> model_paper_rule, model_threshold;  // both rules on the same predictions
  std::vector<double> thresholds;                          // the model's threshold per fold
  std::vector<Metrics> never_progresses, every_disc_progresses, grade_prior;
  std::vector<Metrics> image_oracle, full_oracle;          // empty without synthetic ground truth
  PooledMetrics pooled;                                    // the model's, every fold's test discs together
  std::vector<LevelMetrics> levels;
};
// `truth`: the synthetic cohort's ground truth for the oracles, or null (real data).
RunMetrics evaluate_run(const DiscDataset& data, const std::vector<FoldOutcome>& folds, int classes, const DecisionConfig& decision,
                        const TrueRiskOfDiscs* truth);

struct RunContext {
  std::string strategy;   // the imbalance strategy's name
  std::string device;
  int threads = 1;
  double seconds = 0;     // wall time of this invocation (not in metrics.json: it would break reproducibility)
  std::string plots_note; // where the plots are, or why there are none
  // Empty for cross-validation; else what was validated externally ("run X's 5 fold models on cohort Y"):
  // one "fold", the new cohort's discs, its trivial predictors learnt on the run's own cohort.
  std::string external{};
};

// predictions.csv, metrics.json and left_out.txt in `folder` (what the plots are made from).
void write_run_data(const std::filesystem::path& folder, const ExperimentConfig& config, const DiscDataset& data,
                    const std::vector<FoldOutcome>& folds, const RunMetrics& metrics, const std::string& strategy);
// report.md in `folder`.
void write_report(const std::filesystem::path& folder, const ExperimentConfig& config, const DiscDataset& data,
                  const std::vector<FoldOutcome>& folds, const RunMetrics& metrics, const RunContext& context);

// comparison.md: one row per imbalance strategy, mean +- sd over the same folds.
void write_comparison(const std::filesystem::path& path, const ExperimentConfig& config,
                      const std::vector<std::pair<std::string, RunMetrics>>& runs);

}  // namespace ldd::train
