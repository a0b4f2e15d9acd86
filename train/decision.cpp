#include "train/decision.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "base/check.h"

namespace ldd::train {

double choose_threshold(const std::vector<double>& scores, const std::vector<bool>& positive, ThresholdCriterion criterion) {
  LDD_CHECK(!scores.empty() && scores.size() == positive.size(),
            "choose_threshold: " << scores.size() << " scores for " << positive.size() << " labels");
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  const double highest = scores[order.front()], lowest = scores[order.back()];
  const double positives = static_cast<double>(std::count(positive.begin(), positive.end(), true));
  const double negatives = static_cast<double>(scores.size()) - positives;
  if (positives == 0) return std::nextafter(highest, INFINITY);
  if (negatives == 0) return lowest;
  double best = -INFINITY, threshold = std::nextafter(highest, INFINITY), tp = 0, fp = 0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;  // every disc of this score is called together
    for (; j < order.size() && scores[order[j]] == scores[order[i]]; ++j) (positive[order[j]] ? tp : fp) += 1;
    const double value = criterion == ThresholdCriterion::F1 ? 2 * tp / (tp + fp + positives) : tp / positives - fp / negatives;
    if (value > best) {
      best = value;
      if (j == order.size()) {
        threshold = scores[order[i]];
      } else {
        const double next = scores[order[j]], halfway = (scores[order[i]] + next) / 2;
        threshold = halfway > next ? halfway : std::nextafter(next, INFINITY);
      }
    }
    i = j;
  }
  return threshold;
}

}  // namespace ldd::train
