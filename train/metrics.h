// Evaluation of a fold's predictions, as the paper's Table 4 (TP/TN/FP/FN as % of discs, accuracy,
// precision, recall, F1 of progression) plus what it lacked: grade accuracy, balanced accuracy,
// quadratic-weighted kappa of grades, ROC-AUC of P(progression), the grade confusion matrix, and
// trivial baselines evaluated on the same discs.
#pragma once
#include <limits>
#include <string>
#include <vector>

namespace ldd::train {

// A test disc as every metric reads it (fold metrics, the pooled ones with their bootstrap, the per-level
// table): the run's output (train/run_folder.h's DiscOutput) joined with the truth and the decision.
struct DiscPrediction {
  int baseline = 0, true_followup = 0, predicted_followup = 0;  // grade indices from 0
  double p_progression = 0.0;                                    // P(follow-up > baseline)
  bool called = false;                                           // progression called (train/decision.h)
  std::size_t subject = 0;                                       // any id of the person: the bootstrap's clusters
  int level = 0;                                                 // 0 = L1-L2 .. 4 = L5-S1
  bool progressed() const { return true_followup > baseline; }
};
// The paper's rule: progression is called when the predicted follow-up grade is above the baseline.
inline bool paper_rule(const DiscPrediction& d) { return d.predicted_followup > d.baseline; }

struct Metrics {
  std::int64_t discs = 0;
  double tp_pct = 0, tn_pct = 0, fp_pct = 0, fn_pct = 0;  // % of discs
  double accuracy = 0, precision = 0, recall = 0, f1 = 0;  // of progression; precision is 0 with no positive call
  double balanced_accuracy = 0;                            // mean of recall and specificity
  double grade_accuracy = 0, kappa = 0;                    // follow-up grades: exact agreement, quadratic-weighted kappa
  double roc_auc = std::numeric_limits<double>::quiet_NaN();  // of p_progression; NaN (undefined) when one class is absent
  std::vector<std::vector<std::int64_t>> confusion;        // [true grade][predicted grade]
};

Metrics evaluate(const std::vector<DiscPrediction>& discs, int classes);

// Trivial predictors on the same discs: "never progresses" (and "follow-up = baseline", the same
// progression calls, here with the baseline as the predicted grade), "every disc progresses". The grade
// prior, learnt on training folds, is in train/reference_predictors.h.
enum class Baseline { FollowUpEqualsBaseline, EveryDiscProgresses };
std::vector<DiscPrediction> baseline_predictions(const std::vector<DiscPrediction>& discs, Baseline b, int classes);

// Cross-sectional grading (target: current): how well the grade of the image seen is read.
struct GradingMetrics {
  std::int64_t discs = 0;
  double accuracy = 0;           // exact grade
  double balanced_accuracy = 0;  // mean recall over the grades present (scikit-learn's balanced_accuracy_score)
  double kappa = 0;              // quadratic-weighted
  double within_one = 0;         // |predicted - true| <= 1
  std::vector<std::vector<std::int64_t>> confusion;  // [true grade][predicted grade]
};
GradingMetrics evaluate_grading(const std::vector<int>& truth, const std::vector<int>& predicted, int classes);

double roc_auc(const std::vector<double>& scores, const std::vector<bool>& positive);
double quadratic_weighted_kappa(const std::vector<int>& truth, const std::vector<int>& predicted, int classes);

struct MeanSd {
  double mean = 0, sd = 0;  // sample standard deviation (n - 1), 0 for one value
};
// Over the defined (non-NaN) values; NaN for both when none is defined.
MeanSd mean_sd(const std::vector<double>& values);

}  // namespace ldd::train
