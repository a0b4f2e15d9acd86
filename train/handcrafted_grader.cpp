#include "train/handcrafted_grader.h"

#include <algorithm>
#include <functional>

#include "base/check.h"
#include "data/cohort/record.h"
#include "train/logistic_regression.h"

namespace ldd::train {
namespace {

// Mean of the crop over slices [s0, s1), rows [r0, r1), cols [c0, c1), given as fractions of each extent.
double band_mean(const DiscDataset& d, const float* crop, double r0, double r1, double c0, double c1) {
  const auto at = [](std::int64_t n, double f) { return std::clamp<std::int64_t>(static_cast<std::int64_t>(f * static_cast<double>(n)), 0, n); };
  const std::int64_t s0 = d.slices / 3, s1 = std::max(s0 + 1, d.slices - d.slices / 3);
  const std::int64_t ra = at(d.rows, r0), rb = std::max(ra + 1, at(d.rows, r1)), ca = at(d.cols, c0), cb = std::max(ca + 1, at(d.cols, c1));
  double sum = 0;
  for (std::int64_t s = s0; s < s1; ++s)
    for (std::int64_t r = ra; r < rb; ++r)
      for (std::int64_t c = ca; c < cb; ++c) sum += crop[(s * d.rows + r) * d.cols + c];
  return sum / static_cast<double>((s1 - s0) * (rb - ra) * (cb - ca));
}

std::vector<double> features_with_level(const DiscDataset& d, std::size_t sample) {
  std::vector<double> x = disc_signal_features(d, sample);
  for (int l = 0; l < kLevels; ++l) x.push_back(d.samples[sample].level == l ? 1.0 : 0.0);
  return x;
}

}  // namespace

std::vector<double> disc_signal_features(const DiscDataset& d, std::size_t sample) {
  const float* crop = d.crop(sample);
  const double disc = band_mean(d, crop, 0.42, 0.58, 0.25, 0.75);
  const double bodies = 0.5 * (band_mean(d, crop, 0.05, 0.25, 0.25, 0.75) + band_mean(d, crop, 0.75, 0.95, 0.25, 0.75));
  return {disc - bodies, disc};
}

std::vector<int> handcrafted_grades(const DiscDataset& d, const std::vector<std::size_t>& train, const std::vector<std::size_t>& test) {
  LDD_CHECK(!train.empty(), "hand-crafted grader: no training disc");
  const int classes = scale_of(d.pathology).count();
  std::vector<std::vector<double>> rows;
  for (std::size_t i : train) rows.push_back(features_with_level(d, i));
  // cut[k - 1](x) = P(grade >= k), k = 1 .. classes - 1; a cut every training disc is on one side of is constant.
  std::vector<std::function<double(const std::vector<double>&)>> cut;
  for (int k = 1; k < classes; ++k) {
    std::vector<bool> above;
    for (std::size_t i : train) above.push_back(d.samples[i].label >= k);
    const auto n_above = std::count(above.begin(), above.end(), true);
    if (n_above == 0 || n_above == static_cast<long>(above.size())) {
      const double p = n_above == 0 ? 0.0 : 1.0;
      cut.emplace_back([p](const std::vector<double>&) { return p; });
    } else {
      const auto model = LogisticRegression::fit(rows, above);
      cut.emplace_back([model](const std::vector<double>& x) { return model.probability(x); });
    }
  }
  std::vector<int> grades;
  for (std::size_t i : test) {
    const auto x = features_with_level(d, i);
    std::vector<double> at_least(static_cast<std::size_t>(classes) + 1, 0.0);  // P(grade >= k), k = 0 .. classes
    at_least[0] = 1.0;
    for (int k = 1; k < classes; ++k) at_least[static_cast<std::size_t>(k)] = std::min(at_least[static_cast<std::size_t>(k - 1)], cut[static_cast<std::size_t>(k - 1)](x));
    int best = 0;
    double most = -1;
    for (int g = 0; g < classes; ++g) {
      const double p = at_least[static_cast<std::size_t>(g)] - at_least[static_cast<std::size_t>(g + 1)];
      if (p > most) most = p, best = g;
    }
    grades.push_back(best);
  }
  return grades;
}

}  // namespace ldd::train
