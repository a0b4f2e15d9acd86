#include "train/reference_predictors.h"

#include <functional>
#include <set>

#include "base/check.h"
#include "data/cohort/cohort_file.h"
#include "data/folds.h"
#include "train/logistic_regression.h"

namespace ldd::train {
namespace {

bool progressed(const DiscSample& s) { return s.followup > s.baseline; }

std::vector<double> features(Reference reference, const DiscDataset& data, const TrueRiskOfDiscs& truth, std::size_t sample) {
  std::vector<double> x(static_cast<std::size_t>(scale_of(data.pathology).count()), 0.0);
  x[static_cast<std::size_t>(data.samples[sample].baseline)] = 1.0;  // one-hot baseline grade
  if (reference == Reference::FullOracle) x.push_back(truth.propensity[sample]);
  else x.insert(x.end(), truth.signs[sample].begin(), truth.signs[sample].end());
  return x;
}

}  // namespace

GradePrior fit_grade_prior(const DiscDataset& data, const std::vector<std::size_t>& samples, ThresholdCriterion criterion) {
  LDD_CHECK(!samples.empty(), "grade prior: no disc to learn from");
  const auto grades = static_cast<std::size_t>(scale_of(data.pathology).count());
  std::vector<double> progressed_count(grades, 0.0), count(grades, 0.0);
  double overall = 0;
  std::vector<bool> positive;
  for (std::size_t i : samples) {
    const auto b = static_cast<std::size_t>(data.samples[i].baseline);
    positive.push_back(progressed(data.samples[i]));
    count[b] += 1;
    progressed_count[b] += positive.back();
    overall += positive.back();
  }
  overall /= static_cast<double>(samples.size());
  GradePrior prior;
  for (std::size_t b = 0; b < grades; ++b) prior.p.push_back((progressed_count[b] + overall) / (count[b] + 1.0));
  std::vector<double> scores;
  for (std::size_t i : samples) scores.push_back(prior.p[static_cast<std::size_t>(data.samples[i].baseline)]);
  prior.threshold = choose_threshold(scores, positive, criterion);
  return prior;
}

std::optional<TrueRiskOfDiscs> load_true_risk(const std::filesystem::path& cohort, const DiscDataset& data) {
  const CohortReader reader(cohort);
  TrueRiskOfDiscs out;
  std::size_t subject = data.subjects.size();
  std::optional<TrueRisk> risk;
  for (const auto& s : data.samples) {
    if (s.subject != subject) {
      subject = s.subject;
      risk = reader.true_risk(data.subjects[subject].id);
      if (!risk) return std::nullopt;
    }
    const auto level = static_cast<std::size_t>(s.level);
    out.propensity.push_back(risk->propensity[level]);
    const auto k = static_cast<std::size_t>(risk->signs_per_disc);
    out.signs.emplace_back(risk->signs.begin() + static_cast<long>(level * k), risk->signs.begin() + static_cast<long>((level + 1) * k));
  }
  return out;
}

ReferenceScores score_reference(Reference reference, const DiscDataset& data, const TrueRiskOfDiscs* truth,
                                const std::vector<std::size_t>& test, ThresholdCriterion criterion) {
  LDD_CHECK(data.target == Target::FollowUp, "reference predictors score progression: the run's target must be followup");
  LDD_CHECK(reference == Reference::GradePrior || truth, "the oracles need the synthetic cohort's ground truth");
  const std::set<std::size_t> in_test(test.begin(), test.end());
  std::vector<std::size_t> train;
  for (std::size_t i = 0; i < data.samples.size(); ++i)
    if (!in_test.count(i)) train.push_back(i);
  LDD_CHECK(!train.empty(), "reference predictors: no training disc outside the test fold");
  std::vector<bool> train_positive;
  for (std::size_t i : train) train_positive.push_back(progressed(data.samples[i]));

  std::function<double(std::size_t)> score;
  if (reference == Reference::GradePrior) {
    const GradePrior prior = fit_grade_prior(data, train, criterion);
    score = [&data, prior](std::size_t i) { return prior.p[static_cast<std::size_t>(data.samples[i].baseline)]; };
  } else {
    std::vector<std::vector<double>> rows;
    for (std::size_t i : train) rows.push_back(features(reference, data, *truth, i));
    const auto model = LogisticRegression::fit(rows, train_positive);
    score = [&, model](std::size_t i) { return model.probability(features(reference, data, *truth, i)); };
  }
  std::vector<double> train_scores;
  for (std::size_t i : train) train_scores.push_back(score(i));
  ReferenceScores out;
  out.threshold = choose_threshold(train_scores, train_positive, criterion);
  for (std::size_t i : test) out.p_progression.push_back(score(i));
  return out;
}

std::vector<DiscPrediction> reference_calls(const DiscDataset& data, const std::vector<std::size_t>& test,
                                            const ReferenceScores& scores) {
  LDD_CHECK(test.size() == scores.p_progression.size(), "reference_calls: " << test.size() << " discs, " << scores.p_progression.size() << " scores");
  const int classes = scale_of(data.pathology).count();
  std::vector<DiscPrediction> out;
  for (std::size_t i = 0; i < test.size(); ++i) {
    const auto& s = data.samples[test[i]];
    const bool called = scores.p_progression[i] >= scores.threshold;
    out.push_back({s.baseline, s.followup, called ? std::min(s.baseline + 1, classes - 1) : s.baseline, scores.p_progression[i], called});
  }
  return out;
}

std::vector<Metrics> cross_validate_reference(Reference reference, const DiscDataset& data, const TrueRiskOfDiscs* truth, int folds,
                                              std::uint64_t seed, ThresholdCriterion criterion) {
  const auto fold_of = subject_folds(data.subjects, folds, data.pathology, seed);
  std::vector<Metrics> out;
  for (int k = 0; k < folds; ++k) {
    std::vector<std::size_t> test;
    for (std::size_t i = 0; i < data.samples.size(); ++i)
      if (fold_of[data.samples[i].subject] == k) test.push_back(i);
    const auto scores = score_reference(reference, data, truth, test, criterion);
    out.push_back(evaluate(reference_calls(data, test, scores), scale_of(data.pathology).count()));
  }
  return out;
}

std::pair<DiscDataset, TrueRiskOfDiscs> population_discs(const synth::Population& population, Pathology pathology) {
  DiscDataset d;
  d.pathology = pathology;
  TrueRiskOfDiscs truth;
  const int lowest = scale_of(pathology).lowest;
  for (std::size_t s = 0; s < population.subjects.size(); ++s) {
    const auto& subject = population.subjects[s];
    d.subjects.push_back(subject.record);
    for (int l = 0; l < kLevels; ++l) {
      const int b = subject.record.grade(Visit::Baseline, pathology, l) - lowest;
      const int f = subject.record.grade(Visit::FollowUp, pathology, l) - lowest;
      d.samples.push_back({s, l, b, f, f});
      truth.propensity.push_back(subject.propensity[static_cast<std::size_t>(l)]);
      const auto& signs = subject.risk_signs[static_cast<std::size_t>(l)];
      truth.signs.emplace_back(signs.begin(), signs.end());
    }
  }
  return {std::move(d), std::move(truth)};
}

}  // namespace ldd::train
