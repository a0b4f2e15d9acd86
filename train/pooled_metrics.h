// Out-of-fold progression metrics pooled over every fold's test discs: point estimates with 95 %
// intervals from a bootstrap that resamples subjects (a person's discs are not independent, so they are
// drawn together), the calibration of P(progression) (Brier score, expected calibration error, a
// reliability table) and the same metrics per lumbar level. Fold means +- sd say how stable training is;
// these say how sure the estimate itself is and where the model is wrong.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "train/metrics.h"

namespace ldd::train {

struct Estimate {
  double value = std::numeric_limits<double>::quiet_NaN();  // on all discs; NaN where undefined
  double low = std::numeric_limits<double>::quiet_NaN();    // 2.5th and 97.5th percentiles over the
  double high = std::numeric_limits<double>::quiet_NaN();   // resamples where it is defined
};

struct ReliabilityBin {
  double from = 0, to = 0;        // P(progression) in [from, to)
  std::int64_t discs = 0;
  double mean_predicted = 0, observed = 0;  // mean P and the share that progressed
};

struct PooledMetrics {
  std::int64_t discs = 0, subjects = 0, progressed = 0;
  int resamples = 0;
  Estimate balanced_accuracy, precision, recall, f1, roc_auc, average_precision, brier, ece;
  std::vector<ReliabilityBin> reliability;  // ten bins of width 0.1, empty ones left out
};

// Bootstrap by subject, `resamples` draws from a generator seeded with `seed` (same input, same output).
PooledMetrics pool_out_of_fold(const std::vector<DiscPrediction>& discs, int resamples = 2000, std::uint64_t seed = 1);

struct LevelMetrics {
  int level = 0;
  std::int64_t discs = 0, progressed = 0, called = 0;
  double recall = 0, specificity = 0, balanced_accuracy = 0, precision = 0, roc_auc = 0;  // NaN where undefined
};
// One row per level present, L1-L2 first; no intervals (a level has a fifth of the discs).
std::vector<LevelMetrics> per_level(const std::vector<DiscPrediction>& discs);

// Mean squared difference between P and the outcome (0 = perfect; always calling 0.5 scores 0.25).
double brier_score(const std::vector<double>& p, const std::vector<bool>& outcome);
// Disc-weighted mean of |mean P - observed rate| over `bins` equal-width bins of P.
double expected_calibration_error(const std::vector<double>& p, const std::vector<bool>& outcome, int bins = 10);
// Area under the precision-recall curve as scikit-learn's average_precision_score: sum over thresholds
// of (recall step) x precision, tied scores taken together. NaN without a positive.
double average_precision(const std::vector<double>& scores, const std::vector<bool>& positive);

}  // namespace ldd::train
