// Metrics against scikit-learn on a committed fixture (tests/fixtures/make_metrics_fixture.py), plus the
// cases scikit-learn's numbers do not show: percentages, confusion matrix, baselines, mean and sd.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "train/format.h"
#include "train/metrics.h"

using namespace ldd::train;

namespace {

void load(std::vector<DiscPrediction>& discs, std::map<std::string, double>& expected) {
  std::ifstream in(LDD_SOURCE_DIR "/tests/fixtures/metrics_small.csv");
  REQUIRE(in.good());
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.rfind("# ", 0) == 0) {
      const auto eq = line.find('=');
      expected[line.substr(2, eq - 2)] = std::stod(line.substr(eq + 1));
      continue;
    }
    if (header) {
      header = false;
      continue;
    }
    std::istringstream row(line);
    DiscPrediction d;
    char comma;
    row >> d.baseline >> comma >> d.true_followup >> comma >> d.predicted_followup >> comma >> d.p_progression;
    d.called = paper_rule(d);  // the rule the fixture's scikit-learn figures use
    discs.push_back(d);
  }
}

}  // namespace

TEST_CASE("progression and grade metrics match scikit-learn" * doctest::test_suite("smoke")) {
  std::vector<DiscPrediction> discs;
  std::map<std::string, double> expected;
  load(discs, expected);
  REQUIRE(discs.size() == 200);
  const Metrics m = evaluate(discs, 5);
  CHECK(m.accuracy == doctest::Approx(expected["accuracy"]));
  CHECK(m.precision == doctest::Approx(expected["precision"]));
  CHECK(m.recall == doctest::Approx(expected["recall"]));
  CHECK(m.f1 == doctest::Approx(expected["f1"]));
  CHECK(m.balanced_accuracy == doctest::Approx(expected["balanced_accuracy"]));
  CHECK(m.grade_accuracy == doctest::Approx(expected["grade_accuracy"]));
  CHECK(m.kappa == doctest::Approx(expected["kappa"]));
  CHECK(m.roc_auc == doctest::Approx(expected["roc_auc"]));
  CHECK(m.tp_pct + m.tn_pct + m.fp_pct + m.fn_pct == doctest::Approx(100.0));
  CHECK(m.accuracy == doctest::Approx((m.tp_pct + m.tn_pct) / 100));
  std::int64_t total = 0, diagonal = 0;
  for (std::size_t a = 0; a < 5; ++a)
    for (std::size_t b = 0; b < 5; ++b) {
      total += m.confusion[a][b];
      if (a == b) diagonal += m.confusion[a][b];
    }
  CHECK(total == 200);
  CHECK(static_cast<double>(diagonal) / 200 == doctest::Approx(m.grade_accuracy));
}

TEST_CASE("grading metrics (target current) match scikit-learn" * doctest::test_suite("smoke")) {
  std::vector<DiscPrediction> discs;
  std::map<std::string, double> expected;
  load(discs, expected);
  std::vector<int> truth, predicted;
  for (const auto& d : discs) truth.push_back(d.true_followup), predicted.push_back(d.predicted_followup);
  const GradingMetrics g = evaluate_grading(truth, predicted, 5);
  CHECK(g.discs == 200);
  CHECK(g.accuracy == doctest::Approx(expected["grade_accuracy"]));
  CHECK(g.balanced_accuracy == doctest::Approx(expected["grade_balanced_accuracy"]));
  CHECK(g.kappa == doctest::Approx(expected["kappa"]));
  CHECK(g.within_one == doctest::Approx(expected["grade_within_one"]));
  CHECK(g.confusion == evaluate(discs, 5).confusion);
  // A grade absent from the truth does not count as a class with recall 0.
  const GradingMetrics two = evaluate_grading({0, 0, 2, 2}, {0, 1, 2, 2}, 4);
  CHECK(two.balanced_accuracy == doctest::Approx(0.75));
}

TEST_CASE("trivial baselines: never and always progressing") {
  const std::vector<DiscPrediction> discs{{1, 2, 1, 0.2}, {2, 2, 3, 0.7}, {0, 0, 0, 0.1}, {3, 4, 4, 0.9}};
  const Metrics never = evaluate(baseline_predictions(discs, Baseline::FollowUpEqualsBaseline, 5), 5);
  CHECK(never.tp_pct == 0.0);
  CHECK(never.fn_pct == 50.0);
  CHECK(never.precision == 0.0);  // no positive call
  CHECK(never.recall == 0.0);
  CHECK(never.balanced_accuracy == 0.5);
  CHECK(never.roc_auc == 0.5);
  const Metrics always = evaluate(baseline_predictions(discs, Baseline::EveryDiscProgresses, 5), 5);
  CHECK(always.recall == 1.0);
  CHECK(always.precision == 0.5);
  CHECK(always.fp_pct == 50.0);
}

TEST_CASE("mean and sample standard deviation over folds") {
  const MeanSd r = mean_sd({0.9, 0.92, 0.88, 0.91, 0.89});
  CHECK(r.mean == doctest::Approx(0.9));
  CHECK(r.sd == doctest::Approx(0.0158113883));
  CHECK(mean_sd({0.5}).sd == 0.0);
}

TEST_CASE("an undefined metric is undefined: ROC-AUC of one class is NaN, skipped over folds, null in JSON, n/a in tables") {
  CHECK(std::isnan(roc_auc({0.2, 0.7, 0.9}, {false, false, false})));
  CHECK(std::isnan(roc_auc({0.2, 0.7}, {true, true})));
  // A fold whose test discs all stay stable has no ROC-AUC; the mean is over the folds that have one.
  const MeanSd r = mean_sd({0.8, std::numeric_limits<double>::quiet_NaN(), 0.6});
  CHECK(r.mean == doctest::Approx(0.7));
  CHECK(r.sd == doctest::Approx(0.1414213562));
  const MeanSd none = mean_sd({std::numeric_limits<double>::quiet_NaN()});
  CHECK(std::isnan(none.mean));
  CHECK(json_number(none.mean) == "null");
  CHECK(json_number(0.25) == "0.25");
  CHECK(fixed3(none) == "n/a");
  Metrics one_class = evaluate({{1, 1, 1, 0.2}, {2, 2, 2, 0.3}}, 5);
  CHECK(std::isnan(one_class.roc_auc));
  CHECK(json_fold(one_class, 1, NamedFields<Metrics>{{"roc_auc", [](const Metrics& m) { return m.roc_auc; }}}, "").find("\"roc_auc\": null") !=
        std::string::npos);
}
