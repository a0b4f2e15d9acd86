// L2-regularised logistic regression fitted by Newton's method: the reports' reference predictors (the
// oracles of a synthetic cohort) are this model on a few known features of each disc. Features are
// standardised on the training rows, so the penalty treats them alike and a constant column is harmless.
#pragma once
#include <vector>

namespace ldd::train {

class LogisticRegression {
 public:
  // rows: one feature vector per example, all of one length; throws on an empty or ragged set.
  static LogisticRegression fit(const std::vector<std::vector<double>>& rows, const std::vector<bool>& positive,
                                double l2 = 1e-3);
  double probability(const std::vector<double>& features) const;  // P(positive)

 private:
  std::vector<double> mean_, scale_, weights_;  // weights_: bias first, then one per feature
};

}  // namespace ldd::train
