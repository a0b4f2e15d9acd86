#include "train/pooled_metrics.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "base/check.h"
#include "nn/random.h"
#include "train/metrics.h"

namespace ldd::train {
namespace {

constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();

double ratio(double a, double b) { return b > 0 ? a / b : kUndefined; }

struct Binary {
  double balanced_accuracy, precision, recall, f1, specificity;
};

Binary binary_of(const std::vector<const DiscPrediction*>& discs) {
  double tp = 0, fp = 0, tn = 0, fn = 0;
  for (const auto* d : discs) (d->progressed() ? (d->called ? tp : fn) : (d->called ? fp : tn)) += 1;
  Binary b{};
  b.recall = ratio(tp, tp + fn);
  b.specificity = ratio(tn, tn + fp);
  b.balanced_accuracy = (b.recall + b.specificity) / 2;  // NaN when either class is absent
  b.precision = ratio(tp, tp + fp);
  b.f1 = ratio(2 * tp, 2 * tp + fp + fn);
  return b;
}

struct Values {
  double balanced_accuracy, precision, recall, f1, roc_auc, average_precision, brier, ece;
};

Values values_of(const std::vector<const DiscPrediction*>& discs) {
  std::vector<double> p;
  std::vector<bool> outcome;
  for (const auto* d : discs) p.push_back(d->p_progression), outcome.push_back(d->progressed());
  const Binary b = binary_of(discs);
  return {b.balanced_accuracy, b.precision, b.recall, b.f1, roc_auc(p, outcome), average_precision(p, outcome),
          brier_score(p, outcome), expected_calibration_error(p, outcome)};
}

// Linear interpolation between order statistics (numpy's default percentile).
double percentile(std::vector<double> v, double q) {
  std::erase_if(v, [](double x) { return std::isnan(x); });
  if (v.empty()) return kUndefined;
  std::sort(v.begin(), v.end());
  const double at = q * static_cast<double>(v.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(at));
  const std::size_t above = std::min(below + 1, v.size() - 1);
  return v[below] + (at - static_cast<double>(below)) * (v[above] - v[below]);
}

// The bin of width 1 / bins that P falls in; P = 1 joins the top bin.
std::size_t bin_of(double p, int bins) { return static_cast<std::size_t>(std::clamp(static_cast<int>(p * bins), 0, bins - 1)); }

}  // namespace

double brier_score(const std::vector<double>& p, const std::vector<bool>& outcome) {
  LDD_CHECK(p.size() == outcome.size(), "brier_score: " << p.size() << " probabilities for " << outcome.size() << " outcomes");
  if (p.empty()) return kUndefined;
  double sum = 0;
  for (std::size_t i = 0; i < p.size(); ++i) sum += (p[i] - (outcome[i] ? 1.0 : 0.0)) * (p[i] - (outcome[i] ? 1.0 : 0.0));
  return sum / static_cast<double>(p.size());
}

double expected_calibration_error(const std::vector<double>& p, const std::vector<bool>& outcome, int bins) {
  LDD_CHECK(p.size() == outcome.size() && bins > 0, "expected_calibration_error: " << p.size() << " probabilities for "
                                                                                  << outcome.size() << " outcomes, " << bins << " bins");
  if (p.empty()) return kUndefined;
  std::vector<double> sum_p(static_cast<std::size_t>(bins)), sum_y(static_cast<std::size_t>(bins)), n(static_cast<std::size_t>(bins));
  for (std::size_t i = 0; i < p.size(); ++i) {
    const std::size_t b = bin_of(p[i], bins);
    sum_p[b] += p[i], sum_y[b] += outcome[i], n[b] += 1;
  }
  double error = 0;
  for (std::size_t b = 0; b < n.size(); ++b) error += std::abs(sum_p[b] - sum_y[b]);  // n_b x |mean P - rate|
  return error / static_cast<double>(p.size());
}

double average_precision(const std::vector<double>& scores, const std::vector<bool>& positive) {
  LDD_CHECK(scores.size() == positive.size(), "average_precision: " << scores.size() << " scores for " << positive.size() << " labels");
  const auto positives = static_cast<double>(std::count(positive.begin(), positive.end(), true));
  if (positives == 0) return kUndefined;
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  double tp = 0, called = 0, recall_before = 0, area = 0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;  // a threshold takes every disc with its score
    for (; j < order.size() && scores[order[j]] == scores[order[i]]; ++j) tp += positive[order[j]], called += 1;
    const double recall = tp / positives;
    area += (recall - recall_before) * (tp / called);
    recall_before = recall;
    i = j;
  }
  return area;
}

PooledMetrics pool_out_of_fold(const std::vector<DiscPrediction>& discs, int resamples, std::uint64_t seed) {
  LDD_CHECK(resamples >= 0, "pool_out_of_fold: " << resamples << " resamples");
  PooledMetrics m;
  m.resamples = resamples;
  m.discs = static_cast<std::int64_t>(discs.size());
  std::map<std::size_t, std::vector<const DiscPrediction*>> by_subject;
  for (const auto& d : discs) by_subject[d.subject].push_back(&d), m.progressed += d.progressed();
  m.subjects = static_cast<std::int64_t>(by_subject.size());
  std::vector<const DiscPrediction*> all;
  for (const auto& d : discs) all.push_back(&d);
  const Values point = values_of(all);

  std::vector<const std::vector<const DiscPrediction*>*> clusters;
  for (const auto& [subject, members] : by_subject) clusters.push_back(&members);
  std::vector<Values> draws;
  Generator gen(seed);
  for (int r = 0; r < resamples && !clusters.empty(); ++r) {
    std::vector<const DiscPrediction*> sample;
    for (std::size_t k = 0; k < clusters.size(); ++k) {
      const auto& members = *clusters[static_cast<std::size_t>(gen.next_u64() % clusters.size())];
      sample.insert(sample.end(), members.begin(), members.end());
    }
    draws.push_back(values_of(sample));
  }
  auto estimate = [&](double Values::*field) {
    std::vector<double> v;
    for (const auto& d : draws) v.push_back(d.*field);
    return Estimate{point.*field, percentile(v, 0.025), percentile(v, 0.975)};
  };
  m.balanced_accuracy = estimate(&Values::balanced_accuracy);
  m.precision = estimate(&Values::precision);
  m.recall = estimate(&Values::recall);
  m.f1 = estimate(&Values::f1);
  m.roc_auc = estimate(&Values::roc_auc);
  m.average_precision = estimate(&Values::average_precision);
  m.brier = estimate(&Values::brier);
  m.ece = estimate(&Values::ece);

  constexpr int kBins = 10;
  for (int b = 0; b < kBins; ++b) {
    ReliabilityBin bin{static_cast<double>(b) / kBins, static_cast<double>(b + 1) / kBins, 0, 0, 0};
    for (const auto& d : discs)
      if (bin_of(d.p_progression, kBins) == static_cast<std::size_t>(b)) bin.discs += 1, bin.mean_predicted += d.p_progression, bin.observed += d.progressed();
    if (bin.discs == 0) continue;
    bin.mean_predicted /= static_cast<double>(bin.discs);
    bin.observed /= static_cast<double>(bin.discs);
    m.reliability.push_back(bin);
  }
  return m;
}

std::vector<LevelMetrics> per_level(const std::vector<DiscPrediction>& discs) {
  std::map<int, std::vector<const DiscPrediction*>> by_level;
  for (const auto& d : discs) by_level[d.level].push_back(&d);
  std::vector<LevelMetrics> rows;
  for (const auto& [level, members] : by_level) {
    LevelMetrics row;
    row.level = level;
    row.discs = static_cast<std::int64_t>(members.size());
    std::vector<double> p;
    std::vector<bool> outcome;
    for (const auto* d : members) row.progressed += d->progressed(), row.called += d->called, p.push_back(d->p_progression), outcome.push_back(d->progressed());
    const Binary b = binary_of(members);
    row.recall = b.recall, row.specificity = b.specificity, row.balanced_accuracy = b.balanced_accuracy, row.precision = b.precision;
    row.roc_auc = roc_auc(p, outcome);
    rows.push_back(row);
  }
  return rows;
}

}  // namespace ldd::train
