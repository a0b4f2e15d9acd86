// How a run turns its predicted follow-up grade distribution into a progression call. The paper's rule
// calls progression when the arg-max follow-up grade is above the baseline grade; because progression is a
// small upper tail inside each baseline grade, that arg-max rarely moves. The threshold rule calls it when
// P(follow-up grade > baseline grade) >= t, with t chosen on discs the test fold never contributes to (a
// fold's training or validation discs) to maximise F1 or Youden's J (recall + specificity - 1).
#pragma once
#include <vector>

namespace ldd::train {

enum class DecisionRule { Paper, Threshold };
enum class ThresholdCriterion { F1, Youden };
inline constexpr const char* kDecisionRuleNames[] = {"paper", "threshold"};
inline constexpr const char* kThresholdCriterionNames[] = {"f1", "youden"};

struct DecisionConfig {
  DecisionRule rule = DecisionRule::Threshold;
  ThresholdCriterion criterion = ThresholdCriterion::F1;
};

// The threshold on `scores` that maximises the criterion when every score >= it is called positive: halfway
// between the last score called and the next lower one, so a new score between them falls on the side
// nearer to it. Ties in the criterion keep the higher threshold. With no positive (or no negative) example
// it calls nothing (everything): above the highest (at the lowest) score.
double choose_threshold(const std::vector<double>& scores, const std::vector<bool>& positive, ThresholdCriterion criterion);

}  // namespace ldd::train
