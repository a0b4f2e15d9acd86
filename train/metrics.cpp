#include "train/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "base/check.h"

namespace ldd::train {

double roc_auc(const std::vector<double>& scores, const std::vector<bool>& positive) {
  LDD_CHECK(scores.size() == positive.size(), "roc_auc: " << scores.size() << " scores for " << positive.size() << " labels");
  // Mann-Whitney U with average ranks for ties.
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  std::vector<double> rank(scores.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && scores[order[j + 1]] == scores[order[i]]) ++j;
    for (std::size_t k = i; k <= j; ++k) rank[order[k]] = (static_cast<double>(i + j) + 2.0) / 2.0;
    i = j + 1;
  }
  double positives = 0, rank_sum = 0;
  for (std::size_t i = 0; i < scores.size(); ++i)
    if (positive[i]) {
      positives += 1;
      rank_sum += rank[i];
    }
  const double negatives = static_cast<double>(scores.size()) - positives;
  if (positives == 0 || negatives == 0) return std::numeric_limits<double>::quiet_NaN();  // undefined, not chance
  return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

double quadratic_weighted_kappa(const std::vector<int>& truth, const std::vector<int>& predicted, int classes) {
  LDD_CHECK(truth.size() == predicted.size() && !truth.empty(), "kappa: needs equally many, non-zero, grades");
  const auto k = static_cast<std::size_t>(classes);
  std::vector<double> observed(k * k, 0.0), row(k, 0.0), col(k, 0.0);
  for (std::size_t i = 0; i < truth.size(); ++i) {
    observed[static_cast<std::size_t>(truth[i]) * k + static_cast<std::size_t>(predicted[i])] += 1;
    row[static_cast<std::size_t>(truth[i])] += 1;
    col[static_cast<std::size_t>(predicted[i])] += 1;
  }
  const double n = static_cast<double>(truth.size());
  double num = 0, den = 0;
  for (std::size_t a = 0; a < k; ++a)
    for (std::size_t b = 0; b < k; ++b) {
      const double w = classes > 1 ? std::pow(static_cast<double>(a) - static_cast<double>(b), 2) / std::pow(classes - 1.0, 2) : 0.0;
      num += w * observed[a * k + b];
      den += w * row[a] * col[b] / n;
    }
  return den == 0 ? (num == 0 ? 1.0 : 0.0) : 1.0 - num / den;
}

Metrics evaluate(const std::vector<DiscPrediction>& discs, int classes) {
  LDD_CHECK(!discs.empty(), "evaluate: no discs");
  Metrics m;
  m.discs = static_cast<std::int64_t>(discs.size());
  m.confusion.assign(static_cast<std::size_t>(classes), std::vector<std::int64_t>(static_cast<std::size_t>(classes), 0));
  double tp = 0, tn = 0, fp = 0, fn = 0, exact = 0;
  std::vector<double> scores;
  std::vector<bool> positive;
  std::vector<int> truth, predicted;
  for (const auto& d : discs) {
    LDD_CHECK(d.true_followup >= 0 && d.true_followup < classes && d.predicted_followup >= 0 && d.predicted_followup < classes,
              "evaluate: grade index outside [0, " << classes << ")");
    const bool actual = d.true_followup > d.baseline, called = d.called;
    tp += actual && called;
    tn += !actual && !called;
    fp += !actual && called;
    fn += actual && !called;
    exact += d.true_followup == d.predicted_followup;
    ++m.confusion[static_cast<std::size_t>(d.true_followup)][static_cast<std::size_t>(d.predicted_followup)];
    scores.push_back(d.p_progression);
    positive.push_back(actual);
    truth.push_back(d.true_followup);
    predicted.push_back(d.predicted_followup);
  }
  const double n = static_cast<double>(discs.size());
  m.tp_pct = 100 * tp / n;
  m.tn_pct = 100 * tn / n;
  m.fp_pct = 100 * fp / n;
  m.fn_pct = 100 * fn / n;
  m.accuracy = (tp + tn) / n;
  m.precision = tp + fp > 0 ? tp / (tp + fp) : 0.0;
  m.recall = tp + fn > 0 ? tp / (tp + fn) : 0.0;
  m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0.0;
  const double specificity = tn + fp > 0 ? tn / (tn + fp) : 0.0;
  m.balanced_accuracy = (m.recall + specificity) / 2;
  m.grade_accuracy = exact / n;
  m.kappa = quadratic_weighted_kappa(truth, predicted, classes);
  m.roc_auc = roc_auc(scores, positive);
  return m;
}

std::vector<DiscPrediction> baseline_predictions(const std::vector<DiscPrediction>& discs, Baseline b, int classes) {
  std::vector<DiscPrediction> out = discs;
  for (auto& d : out) {
    if (b == Baseline::FollowUpEqualsBaseline) {
      d.predicted_followup = d.baseline;
      d.p_progression = 0.0;
      d.called = false;
    } else {  // one grade worse, which the top grade cannot be: it counts as a (wrong) call of "no change"
      d.predicted_followup = std::min(d.baseline + 1, classes - 1);
      d.p_progression = 1.0;
      d.called = d.predicted_followup > d.baseline;
    }
  }
  return out;
}

GradingMetrics evaluate_grading(const std::vector<int>& truth, const std::vector<int>& predicted, int classes) {
  LDD_CHECK(!truth.empty() && truth.size() == predicted.size(), "evaluate_grading: " << truth.size() << " true and "
                                                                                     << predicted.size() << " predicted grades");
  GradingMetrics m;
  m.discs = static_cast<std::int64_t>(truth.size());
  m.confusion.assign(static_cast<std::size_t>(classes), std::vector<std::int64_t>(static_cast<std::size_t>(classes), 0));
  double exact = 0, near = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    LDD_CHECK(truth[i] >= 0 && truth[i] < classes && predicted[i] >= 0 && predicted[i] < classes,
              "evaluate_grading: grade index outside [0, " << classes << ")");
    exact += truth[i] == predicted[i];
    near += std::abs(truth[i] - predicted[i]) <= 1;
    ++m.confusion[static_cast<std::size_t>(truth[i])][static_cast<std::size_t>(predicted[i])];
  }
  const double n = static_cast<double>(truth.size());
  m.accuracy = exact / n;
  m.within_one = near / n;
  double recall_sum = 0;
  int present = 0;
  for (std::size_t g = 0; g < m.confusion.size(); ++g) {
    const double row = static_cast<double>(std::accumulate(m.confusion[g].begin(), m.confusion[g].end(), std::int64_t{0}));
    if (row == 0) continue;
    recall_sum += static_cast<double>(m.confusion[g][g]) / row;
    ++present;
  }
  m.balanced_accuracy = recall_sum / present;
  m.kappa = quadratic_weighted_kappa(truth, predicted, classes);
  return m;
}

MeanSd mean_sd(const std::vector<double>& all) {
  std::vector<double> values;  // the folds where the metric is defined
  for (double v : all)
    if (!std::isnan(v)) values.push_back(v);
  MeanSd r;
  if (values.empty()) return all.empty() ? r : MeanSd{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  r.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  if (values.size() < 2) return r;
  double sq = 0;
  for (double v : values) sq += (v - r.mean) * (v - r.mean);
  r.sd = std::sqrt(sq / static_cast<double>(values.size() - 1));
  return r;
}

}  // namespace ldd::train
