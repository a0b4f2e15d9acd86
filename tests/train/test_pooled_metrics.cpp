// Pooled out-of-fold metrics: calibration scores against hand-worked values, average precision against
// scikit-learn's documented example, and a bootstrap that is seeded, brackets its estimate and treats a
// subject's discs as one draw.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "nn/random.h"
#include "train/pooled_metrics.h"

using namespace ldd::train;

TEST_CASE("Brier score and expected calibration error against hand-worked values") {
  CHECK(brier_score({0.2, 0.9, 0.5}, {false, true, true}) == doctest::Approx((0.04 + 0.01 + 0.25) / 3));
  // Bins of width 0.1: {0.05, 0.05} in bin 0 with 1 of 2 progressed (|0.05 - 0.5| = 0.45), {0.95} in bin 9
  // progressed (0.05): (2 x 0.45 + 0.05) / 3.
  CHECK(expected_calibration_error({0.05, 0.05, 0.95}, {true, false, true}) == doctest::Approx((2 * 0.45 + 0.05) / 3));
  CHECK(expected_calibration_error({0.3, 0.3, 0.7, 0.7, 0.7}, {false, false, true, true, true}, 2) == doctest::Approx(0.3));
  CHECK(std::isnan(brier_score({}, {})));
}

TEST_CASE("average precision: scikit-learn's example, a perfect ranking, ties and no positive") {
  CHECK(average_precision({0.1, 0.4, 0.35, 0.8}, {false, false, true, true}) == doctest::Approx(0.8333333333));
  CHECK(average_precision({0.9, 0.8, 0.1, 0.2}, {true, true, false, false}) == doctest::Approx(1.0));
  CHECK(average_precision({0.5, 0.5, 0.5, 0.5}, {true, false, false, false}) == doctest::Approx(0.25));  // one threshold: the prevalence
  CHECK(std::isnan(average_precision({0.1, 0.2}, {false, false})));
}

namespace {

// A disc of `subject` at `level` as the pooled metrics read it: baseline grade 0, one grade worse when it progressed.
DiscPrediction scored(std::size_t subject, int level, double p, bool progressed, bool called) {
  return {.baseline = 0, .true_followup = progressed ? 1 : 0, .predicted_followup = called ? 1 : 0, .p_progression = p, .called = called,
          .subject = subject, .level = level};
}

// `subjects` people with `per_subject` discs each whose P(progression) is informative but noisy.
std::vector<DiscPrediction> cohort(int subjects, int per_subject, std::uint64_t seed) {
  ldd::Generator gen(seed);
  std::vector<DiscPrediction> discs;
  for (int s = 0; s < subjects; ++s) {
    const bool progressed = gen.uniform() < 0.3;
    const double p = std::clamp((progressed ? 0.6 : 0.3) + 0.25 * gen.normal(), 0.0, 1.0);
    for (int k = 0; k < per_subject; ++k)
      discs.push_back(scored(static_cast<std::size_t>(s), k % 5, p, progressed, p >= 0.45));
  }
  return discs;
}

}  // namespace

TEST_CASE("the subject bootstrap is seeded, brackets its estimate, narrows with more subjects, and draws a subject's discs together") {
  const auto discs = cohort(80, 1, 7);
  const PooledMetrics a = pool_out_of_fold(discs, 400, 3), b = pool_out_of_fold(discs, 400, 3);
  CHECK(a.balanced_accuracy.low == b.balanced_accuracy.low);
  CHECK(a.roc_auc.high == b.roc_auc.high);
  CHECK(a.subjects == 80);
  for (const Estimate& e : {a.balanced_accuracy, a.f1, a.roc_auc, a.average_precision, a.brier, a.ece}) {
    CHECK(e.low <= e.value);
    CHECK(e.value <= e.high);
    CHECK(e.low < e.high);
  }
  const PooledMetrics large = pool_out_of_fold(cohort(1280, 1, 7), 400, 3);
  CHECK(large.roc_auc.high - large.roc_auc.low < 0.5 * (a.roc_auc.high - a.roc_auc.low));  // 16 x the subjects: about 1/4 the width
  // Four copies of each subject's disc: the same people, so the same interval; counted as 320
  // independent discs it would have halved.
  const PooledMetrics copies = pool_out_of_fold(cohort(80, 4, 7), 400, 3);
  CHECK(copies.discs == 320);
  CHECK(copies.balanced_accuracy.low == doctest::Approx(a.balanced_accuracy.low));
  CHECK(copies.balanced_accuracy.high == doctest::Approx(a.balanced_accuracy.high));
}

TEST_CASE("reliability bins and the per-level table") {
  std::vector<DiscPrediction> discs{scored(0, 0, 0.05, false, false), scored(1, 0, 0.15, true, false), scored(2, 4, 0.95, true, true),
                                    scored(3, 4, 0.92, false, true)};
  const PooledMetrics m = pool_out_of_fold(discs, 50, 1);
  REQUIRE(m.reliability.size() == 3);
  CHECK(m.reliability[2].discs == 2);
  CHECK(m.reliability[2].mean_predicted == doctest::Approx(0.935));
  CHECK(m.reliability[2].observed == doctest::Approx(0.5));
  const auto levels = per_level(discs);
  REQUIRE(levels.size() == 2);
  CHECK(levels[0].level == 0);
  CHECK(levels[0].recall == 0.0);
  CHECK(std::isnan(levels[0].precision));  // no disc called at L1-L2
  CHECK(levels[1].recall == 1.0);
  CHECK(levels[1].specificity == 0.0);
  CHECK(levels[1].roc_auc == 1.0);
  const PooledMetrics none = pool_out_of_fold({scored(0, 0, 0.2, false, false), scored(1, 1, 0.4, false, true)}, 50, 1);
  CHECK(std::isnan(none.roc_auc.value));  // undefined without a progressing disc, never 0.5
  CHECK(std::isnan(none.roc_auc.low));
}
