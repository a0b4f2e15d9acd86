#include "train/report.h"

#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <set>
#include <sstream>

#include "base/check.h"
#include "data/io/text_file.h"
#include "train/format.h"

namespace ldd::train {
namespace {

// The fields reported as mean +- sd, with their JSON names; TP..FN are % of discs, the rest fractions.
const NamedFields<Metrics>& summary_fields() {
  static const NamedFields<Metrics> fields{
      {"tp_pct", [](const Metrics& m) { return m.tp_pct; }},
      {"tn_pct", [](const Metrics& m) { return m.tn_pct; }},
      {"fp_pct", [](const Metrics& m) { return m.fp_pct; }},
      {"fn_pct", [](const Metrics& m) { return m.fn_pct; }},
      {"accuracy", [](const Metrics& m) { return m.accuracy; }},
      {"precision", [](const Metrics& m) { return m.precision; }},
      {"recall", [](const Metrics& m) { return m.recall; }},
      {"f1", [](const Metrics& m) { return m.f1; }},
      {"balanced_accuracy", [](const Metrics& m) { return m.balanced_accuracy; }},
      {"grade_accuracy", [](const Metrics& m) { return m.grade_accuracy; }},
      {"kappa", [](const Metrics& m) { return m.kappa; }},
      {"roc_auc", [](const Metrics& m) { return m.roc_auc; }},
  };
  return fields;
}

// The model's predictions with progression called by the paper's rule, or at `threshold` when given.
std::vector<DiscPrediction> predictions_of(const DiscDataset& data, const std::vector<DiscOutput>& test,
                                           std::optional<double> threshold) {
  std::vector<DiscPrediction> out;
  for (const auto& t : test) {
    const auto& s = data.samples[t.sample];
    out.push_back({.baseline = s.baseline, .true_followup = s.followup, .predicted_followup = t.predicted,
                   .p_progression = t.p_progression, .called = progression_called(t, s.baseline, threshold),
                   .subject = s.subject, .level = s.level});
  }
  return out;
}

std::vector<bool> progressed(const DiscDataset& data, const std::vector<DiscOutput>& outputs) {
  std::vector<bool> out;
  for (const auto& o : outputs) out.push_back(data.samples[o.sample].followup > data.samples[o.sample].baseline);
  return out;
}

std::vector<std::size_t> samples_of(const std::vector<DiscOutput>& outputs) {
  std::vector<std::size_t> out;
  for (const auto& o : outputs) out.push_back(o.sample);
  return out;
}

// "beats" when the model's mean is above the baseline's by more than the larger of their fold sds.
std::string verdict(const char* what, MeanSd model, MeanSd baseline) {
  if (std::isnan(model.mean) || std::isnan(baseline.mean)) return std::string(what) + ": undefined (every test fold has one class only)";
  char buffer[256];
  const double margin = std::max(model.sd, baseline.sd);
  const char* word = model.mean - baseline.mean > margin    ? "beats"
                     : baseline.mean - model.mean > margin ? "is worse than"
                                                           : "does not clearly beat";
  std::snprintf(buffer, sizeof buffer, "%s %.3f vs %.3f (fold sd %.3f / %.3f)", word, model.mean, baseline.mean, model.sd,
                baseline.sd);
  return std::string(what) + ": the model " + buffer;
}

struct PaperRow {
  const char* tp;
  const char* tn;
  const char* fp;
  const char* fn;
  const char* accuracy;
  const char* precision;
  const char* recall;
  const char* f1;
};

// The published Table 4 (seed/paper.txt), shown beside ours for context only.
PaperRow paper_table4(Pathology p) {
  switch (p) {
    case Pathology::Schneiderman: return {"62.0% ± 2.6%", "28.2% ± 3.9%", "7.2% ± 1.0%", "2.6% ± 1.0%", "90.2% ± 0.9%", "89.6% ± 1.1%", "96.0% ± 1.3%", "92.7% ± 1.3%"};
    case Pathology::Bulging: return {"18.0% ± 3.5%", "72.4% ± 2.8%", "4.2% ± 0.6%", "5.4% ± 0.2%", "90.4% ± 1.1%", "80.2% ± 4.3%", "76.5% ± 3.5%", "78.3% ± 4.2%"};
    case Pathology::Pfirrmann: return {"8.7% ± 1.4%", "81.2% ± 3.8%", "4.7% ± 1.1%", "5.4% ± 1.5%", "89.9% ± 2.1%", "64.9% ± 3.7%", "60.4% ± 3.4%", "62.6% ± 3.5%"};
  }
  return {};
}

std::string table4_row(const std::string& label, const std::vector<Metrics>& folds) {
  auto pct_points = [&](auto field) {
    const MeanSd m = over(folds, field);
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%.1f%% ± %.1f%%", m.mean, m.sd);
    return std::string(buffer);
  };
  return "| " + label + " | " + pct_points([](const Metrics& m) { return m.tp_pct; }) + " | " +
         pct_points([](const Metrics& m) { return m.tn_pct; }) + " | " + pct_points([](const Metrics& m) { return m.fp_pct; }) +
         " | " + pct_points([](const Metrics& m) { return m.fn_pct; }) + " | " +
         percent(over(folds, [](const Metrics& m) { return m.accuracy; })) + " | " +
         percent(over(folds, [](const Metrics& m) { return m.precision; })) + " | " +
         percent(over(folds, [](const Metrics& m) { return m.recall; })) + " | " +
         percent(over(folds, [](const Metrics& m) { return m.f1; })) + " |\n";
}

std::size_t test_discs(const std::vector<FoldOutcome>& folds) {
  std::size_t n = 0;
  for (const auto& f : folds) n += f.test.size();
  return n;
}

std::string fold_row(const std::string& label, const Metrics& m) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, "| %s | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% |\n", label.c_str(),
                m.tp_pct, m.tn_pct, m.fp_pct, m.fn_pct, 100 * m.accuracy, 100 * m.precision, 100 * m.recall, 100 * m.f1);
  return buffer;
}

}  // namespace

std::size_t subjects_tested(const DiscDataset& data, const std::vector<FoldOutcome>& folds) {
  std::set<std::size_t> subjects;
  for (const auto& f : folds)
    for (const auto& t : f.test) subjects.insert(data.samples[t.sample].subject);
  return subjects.size();
}

RunMetrics evaluate_run(const DiscDataset& data, const std::vector<FoldOutcome>& folds, int classes, const DecisionConfig& decision,
                        const TrueRiskOfDiscs* truth) {
  RunMetrics r;
  std::vector<DiscPrediction> pooled;  // every fold's test discs, called as the run decides
  for (const auto& f : folds) {
    LDD_CHECK(f.threshold || !f.fit.empty(), "fold " << f.fold + 1 << ": no predictions on the discs its threshold is chosen on (fit_predictions.csv);"
                                      << " the fold was trained by an older ldd: start the run again without --resume");
    std::vector<double> fit_scores;
    for (const auto& o : f.fit) fit_scores.push_back(o.p_progression);
    const double threshold = f.threshold ? *f.threshold : choose_threshold(fit_scores, progressed(data, f.fit), decision.criterion);
    r.thresholds.push_back(threshold);
    r.model_paper_rule.push_back(evaluate(predictions_of(data, f.test, std::nullopt), classes));
    r.model_threshold.push_back(evaluate(predictions_of(data, f.test, threshold), classes));
    r.model.push_back(decision.rule == DecisionRule::Paper ? r.model_paper_rule.back() : r.model_threshold.back());
    const auto called = predictions_of(data, f.test, decision.rule == DecisionRule::Paper ? std::nullopt : std::optional<double>(threshold));
    pooled.insert(pooled.end(), called.begin(), called.end());
    const auto discs = predictions_of(data, f.test, std::nullopt);
    r.never_progresses.push_back(evaluate(baseline_predictions(discs, Baseline::FollowUpEqualsBaseline, classes), classes));
    r.every_disc_progresses.push_back(evaluate(baseline_predictions(discs, Baseline::EveryDiscProgresses, classes), classes));
    const auto test = samples_of(f.test);
    auto reference = [&](Reference which) {
      return evaluate(reference_calls(data, test, score_reference(which, data, truth, test, decision.criterion)), classes);
    };
    r.grade_prior.push_back(reference(Reference::GradePrior));
    if (truth) {
      r.image_oracle.push_back(reference(Reference::ImageOracle));
      r.full_oracle.push_back(reference(Reference::FullOracle));
    }
  }
  r.pooled = pool_out_of_fold(pooled);
  r.levels = per_level(pooled);
  return r;
}

namespace {

// Every predictor of a progression report, in the order the report lists them; oracles only when present.
struct Row {
  std::string label, json;
  const std::vector<Metrics>* folds;
  bool grades;  // predicts grades (grade accuracy and kappa mean something)
};

std::vector<Row> predictor_rows(const ExperimentConfig& c, const RunMetrics& m) {
  const bool paper = c.decision.rule == DecisionRule::Paper;
  const std::string criterion = kThresholdCriterionNames[static_cast<std::size_t>(c.decision.criterion)];
  std::vector<Row> rows{
      {"**model**, " + std::string(paper ? "paper's rule (arg-max follow-up > baseline)" : "threshold on P(progression), " + criterion),
       "model", &m.model, true},
      {paper ? "model, threshold on P(progression) (" + criterion + ")" : "model, paper's rule (arg-max follow-up > baseline)",
       paper ? "model_threshold" : "model_paper_rule", paper ? &m.model_threshold : &m.model_paper_rule, true},
      {"never progresses (follow-up = baseline)", "never_progresses", &m.never_progresses, true},
      {"every disc progresses (follow-up = baseline + 1)", "every_disc_progresses", &m.every_disc_progresses, true},
      {"grade prior: P(progression | baseline grade)", "grade_prior", &m.grade_prior, false},
  };
  if (!m.image_oracle.empty()) {
    rows.push_back({"*image oracle*: baseline grade + the rendered risk signs", "image_oracle", &m.image_oracle, false});
    rows.push_back({"*full oracle*: baseline grade + the hidden propensity", "full_oracle", &m.full_oracle, false});
  }
  return rows;
}

std::string comparison_row(const Row& row) {
  const auto& f = *row.folds;
  auto dash_or = [&](auto field) { return row.grades ? fixed3(over(f, field)) : std::string("—"); };
  return "| " + row.label + " | " + percent(over(f, [](const Metrics& x) { return x.accuracy; })) + " | " +
         percent(over(f, [](const Metrics& x) { return x.precision; })) + " | " + percent(over(f, [](const Metrics& x) { return x.recall; })) +
         " | " + percent(over(f, [](const Metrics& x) { return x.f1; })) + " | " +
         fixed3(over(f, [](const Metrics& x) { return x.balanced_accuracy; })) + " | " +
         fixed3(over(f, [](const Metrics& x) { return x.roc_auc; })) + " | " + dash_or([](const Metrics& x) { return x.kappa; }) + " |\n";
}

MeanSd field_of(const std::vector<Metrics>& f, double Metrics::*field) {
  return over(f, [field](const Metrics& x) { return x.*field; });
}

// "reaches 93 % of the image oracle's balanced accuracy (0.74 vs 0.80)".
std::string share_of(const char* what, MeanSd model, MeanSd oracle) {
  if (std::isnan(model.mean) || std::isnan(oracle.mean)) return std::string(what) + " undefined (one class only)";
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, "%.0f %% of the image oracle's %s (%.3f vs %.3f)", oracle.mean > 0 ? 100 * model.mean / oracle.mean : 0.0,
                what, model.mean, oracle.mean);
  return buffer;
}

std::string json_estimate(const Estimate& e) {
  return "{\"value\": " + json_number(e.value) + ", \"low\": " + json_number(e.low) + ", \"high\": " + json_number(e.high) + "}";
}

using NamedEstimate = std::pair<const char*, const Estimate*>;
std::vector<NamedEstimate> pooled_fields(const PooledMetrics& p) {
  return {{"balanced_accuracy", &p.balanced_accuracy}, {"precision", &p.precision}, {"recall", &p.recall}, {"f1", &p.f1},
          {"roc_auc", &p.roc_auc}, {"average_precision", &p.average_precision}, {"brier", &p.brier}, {"ece", &p.ece}};
}

// "pooled": the model's out-of-fold metrics with bootstrap intervals and its reliability bins; "levels":
// the same per lumbar level.
std::string json_pooled(const PooledMetrics& p, const std::vector<LevelMetrics>& levels) {
  std::ostringstream j;
  j << "  \"pooled\": {\"discs\": " << p.discs << ", \"subjects\": " << p.subjects << ", \"progressed\": " << p.progressed
    << ", \"bootstrap\": \"" << p.resamples << " resamples of subjects, 95 % percentile interval\"";
  for (const auto& [name, e] : pooled_fields(p)) j << ",\n    \"" << name << "\": " << json_estimate(*e);
  j << ",\n    \"reliability\": [";
  for (std::size_t i = 0; i < p.reliability.size(); ++i) {
    const auto& b = p.reliability[i];
    j << (i ? ",\n      " : "\n      ") << "{\"from\": " << number(b.from) << ", \"to\": " << number(b.to) << ", \"discs\": " << b.discs
      << ", \"mean_predicted\": " << json_number(b.mean_predicted) << ", \"observed\": " << json_number(b.observed) << "}";
  }
  j << "]},\n  \"levels\": [";
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const auto& l = levels[i];
    j << (i ? ",\n    " : "\n    ") << "{\"level\": \"" << kLevelNames[static_cast<std::size_t>(l.level)] << "\", \"discs\": " << l.discs
      << ", \"progressed\": " << l.progressed << ", \"called\": " << l.called << ", \"recall\": " << json_number(l.recall)
      << ", \"specificity\": " << json_number(l.specificity) << ", \"balanced_accuracy\": " << json_number(l.balanced_accuracy)
      << ", \"precision\": " << json_number(l.precision) << ", \"roc_auc\": " << json_number(l.roc_auc) << "}";
  }
  j << "]";
  return j.str();
}

// The report's section on the pooled metrics, the calibration and the levels.
std::string pooled_markdown(const PooledMetrics& p, const std::vector<LevelMetrics>& levels) {
  std::ostringstream r;
  r << "## Pooled over the folds' test discs (95 % intervals: bootstrap of subjects)\n\n"
    << p.discs << " discs of " << p.subjects << " subjects, " << p.progressed << " progressed; " << p.resamples
    << " resamples, each drawing subjects with all their discs.\n\n| metric | value | 95 % interval |\n|---|---|---|\n";
  for (const auto& [name, e] : pooled_fields(p))
    r << "| " << name << " | " << fixed(e->value) << " | " << fixed(e->low) << " – " << fixed(e->high) << " |\n";
  r << "\nBrier score: mean squared error of P(progression) (calling 0.5 for every disc scores 0.25); ECE: disc-weighted "
       "mean gap between predicted and observed rates over ten bins of P. Reliability (also `reliability.png`):\n\n"
       "| P(progression) | discs | mean predicted | observed |\n|---|---|---|---|\n";
  for (const auto& b : p.reliability)
    r << "| " << fixed(b.from, 1) << "–" << fixed(b.to, 1) << " | " << b.discs << " | "
      << fixed(b.mean_predicted) << " | " << fixed(b.observed) << " |\n";
  r << "\n### Per level (pooled, no intervals)\n\n| level | discs | progressed | called | recall | specificity | balanced accuracy | precision | ROC-AUC |\n"
       "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& l : levels)
    r << "| " << kLevelNames[static_cast<std::size_t>(l.level)] << " | " << l.discs << " | " << l.progressed << " | " << l.called << " | "
      << fixed(l.recall) << " | " << fixed(l.specificity) << " | " << fixed(l.balanced_accuracy) << " | "
      << fixed(l.precision) << " | " << fixed(l.roc_auc) << " |\n";
  return r.str() + "\n";
}

}  // namespace

void write_run_data(const std::filesystem::path& folder, const ExperimentConfig& c, const DiscDataset& data,
                    const std::vector<FoldOutcome>& folds, const RunMetrics& m, const std::string& strategy) {
  const GradeScale scale = scale_of(c.pathology);
  std::vector<std::optional<double>> thresholds;
  for (double t : m.thresholds) thresholds.emplace_back(c.decision.rule == DecisionRule::Threshold ? std::optional<double>(t) : std::nullopt);
  write_predictions(folder / run_file::predictions, data, folds, thresholds);

  std::ostringstream j;
  j << "{\n  \"software\": " << json_software() << ",\n  \"name\": \"" << c.name << "\",\n  \"pathology\": \"" << scale.name << "\",\n  \"imbalance\": \"" << strategy
    << "\",\n  \"grades\": [";
  for (int g = scale.lowest; g <= scale.highest; ++g) j << (g > scale.lowest ? ", " : "") << g;
  j << "],\n  \"subjects\": " << subjects_tested(data, folds) << ",\n  \"discs\": " << test_discs(folds) << ",\n  \"left_out\": " << data.left_out.size()
    << ",\n  \"decision\": {\"rule\": \"" << kDecisionRuleNames[static_cast<std::size_t>(c.decision.rule)] << "\", \"criterion\": \""
    << kThresholdCriterionNames[static_cast<std::size_t>(c.decision.criterion)] << "\", \"thresholds\": [";
  for (std::size_t i = 0; i < m.thresholds.size(); ++i) j << (i ? ", " : "") << number(m.thresholds[i]);
  j << "]},\n  \"folds\": [\n";
  for (std::size_t i = 0; i < folds.size(); ++i) j << json_fold(m.model[i], folds[i].fold + 1, summary_fields(), "    ") << (i + 1 < folds.size() ? ",\n" : "\n");
  j << "  ],\n  \"summary\": " << json_summary(m.model, summary_fields(), "  ") << ",\n  \"predictors\": {";
  const auto rows = predictor_rows(c, m);
  for (std::size_t i = 1; i < rows.size(); ++i)
    j << (i > 1 ? ",\n" : "\n") << "    \"" << rows[i].json << "\": " << json_summary(*rows[i].folds, summary_fields(), "    ");
  j << "\n  },\n" << json_pooled(m.pooled, m.levels) << "\n}\n";
  io::write_text_atomically(folder / run_file::metrics, j.str());

  write_left_out(folder / run_file::left_out, data);
}

void write_report(const std::filesystem::path& folder, const ExperimentConfig& c, const DiscDataset& data,
                  const std::vector<FoldOutcome>& folds, const RunMetrics& m, const RunContext& context) {
  const GradeScale scale = scale_of(c.pathology);
  const bool paper = c.decision.rule == DecisionRule::Paper;
  const std::string criterion = c.decision.criterion == ThresholdCriterion::F1 ? "F1" : "Youden's J";
  std::ostringstream r;
  if (context.external.empty())
    r << "# " << c.name << ": " << scale.name << " progression, " << folds.size() << "-fold cross-validation\n\n";
  else
    r << "# " << c.name << ": " << scale.name << " progression, external validation\n\n" << context.external << "\n\n";
  r << "Config `" << c.source << "` (resolved copy: `config.yaml`); cohort `" << c.cohort << "`; imbalance strategy **"
    << context.strategy << "**; " << c.epochs << " epochs at most, batch " << c.batch_size << ", " << c.optimizer << " lr "
    << c.learning_rate << "; crops " << c.crop_slices << " x " << c.crop_size << " x " << c.crop_size << "; "
    << (c.baseline_input ? "the baseline grade is an input of the network; " : "") << (c.head == GradeHead::Ordinal ? "ordinal" : "softmax")
    << " head. " << subjects_tested(data, folds) << " subjects, " << test_discs(folds) << " discs evaluated (" << data.left_out.size()
    << " subjects or discs left out: no SegFlow result or no grades; see `left_out.txt`). Device " << context.device << ", "
    << context.threads << " threads, " << number(std::round(context.seconds)) << " s in this invocation.\n\n";
  r << "Progression: ";
  if (paper) {
    r << "the paper's rule, a predicted (arg-max) follow-up grade above the baseline grade.";
  } else if (!context.external.empty()) {
    r << "P(follow-up grade > baseline grade) from the predicted distribution at or above the run's threshold (for an ensemble, "
         "the mean of its folds' thresholds): " << number(std::round(1000 * m.thresholds.front()) / 1000) << ".";
  } else {
    r << "P(follow-up grade > baseline grade) from the predicted distribution at or above a threshold chosen per fold to maximise "
      << criterion << " on the fold's " << (c.validation_fraction > 0 ? "validation" : "training") << " discs (never its test discs); "
      << "thresholds";
    for (double t : m.thresholds) r << " " << number(std::round(1000 * t) / 1000);
    r << ".";
  }
  if (context.external.empty()) r << " Fold = subjects (both visits and all discs of a person in one fold), stratified by progression.";
  r << "\n\n";
  r << "## Table 4 for this run (mean ± sd over folds)\n\n";
  r << "| | TP | TN | FP | FN | Accuracy | Precision | Recall | F1 |\n|---|---|---|---|---|---|---|---|---|\n";
  r << table4_row("**this run**", m.model);
  for (std::size_t i = 0; i < folds.size(); ++i) r << fold_row("fold " + std::to_string(folds[i].fold + 1), m.model[i]);
  if (!m.image_oracle.empty()) r << table4_row("*image oracle, same folds*", m.image_oracle);
  const PaperRow p = paper_table4(c.pathology);
  r << "| paper (its cohort, for context) | " << p.tp << " | " << p.tn << " | " << p.fp << " | " << p.fn << " | " << p.accuracy
    << " | " << p.precision << " | " << p.recall << " | " << p.f1 << " |\n\n";
  r << "TP/TN/FP/FN are % of the fold's discs. Precision is 0 in a fold where no disc is called progressing.\n\n";
  r << "## The model beside trivial predictors" << (m.image_oracle.empty() ? "" : " and the oracles") << ", same folds\n\n";
  r << "| predictor | accuracy | precision | recall | F1 | balanced accuracy | ROC-AUC | grade kappa |\n|---|---|---|---|---|---|---|---|\n";
  const auto rows = predictor_rows(c, m);
  for (const auto& row : rows) r << comparison_row(row);
  r << "\nThe grade prior and the oracles are fitted on each fold's training discs (logistic regression for the oracles) and "
       "call progression at a threshold chosen there by the same criterion as the model's; they predict progression, not "
       "grades. ";
  if (!m.image_oracle.empty())
    r << "The image oracle reads what a perfect reader of the baseline image could: the baseline grade and the amount of each "
         "sign of risk the generator drew (`data/synth/README.md`); the full oracle also knows the hidden propensity, so it "
         "bounds what is learnable from a disc at all.";
  r << "\n\n";
  double Metrics::*const ba = &Metrics::balanced_accuracy;
  double Metrics::*const f1 = &Metrics::f1;
  double Metrics::*const auc = &Metrics::roc_auc;
  r << "- " << verdict("Balanced accuracy vs 'never progresses'", field_of(m.model, ba), field_of(m.never_progresses, ba)) << ".\n";
  r << "- " << verdict("Balanced accuracy vs the grade prior", field_of(m.model, ba), field_of(m.grade_prior, ba)) << ".\n";
  r << "- " << verdict("F1 of progression vs the grade prior", field_of(m.model, f1), field_of(m.grade_prior, f1)) << ".\n";
  r << "- " << verdict("ROC-AUC vs the grade prior", field_of(m.model, auc), field_of(m.grade_prior, auc)) << ".\n";
  r << "- " << verdict("F1 of progression vs 'every disc progresses'", field_of(m.model, f1), field_of(m.every_disc_progresses, f1)) << ".\n";
  const auto kappa = [](const Metrics& x) { return x.kappa; };
  r << "- " << verdict("Grade kappa vs 'follow-up = baseline'", over(m.model, kappa), over(m.never_progresses, kappa)) << ".\n";
  if (!m.image_oracle.empty())
    r << "- The model reaches " << share_of("balanced accuracy", field_of(m.model, ba), field_of(m.image_oracle, ba)) << " and "
      << share_of("ROC-AUC", field_of(m.model, auc), field_of(m.image_oracle, auc)) << ".\n";
  r << "\n\"Beats\" means a mean difference larger than the larger fold sd. ROC-AUC is of P(progression) = the predicted "
       "probability of a follow-up grade above the baseline one.\n\n";
  r << pooled_markdown(m.pooled, m.levels);
  r << "## Follow-up grade confusion matrices (rows: true grade, columns: predicted)\n\n";
  for (std::size_t i = 0; i < folds.size(); ++i) {
    r << "Fold " << folds[i].fold + 1 << ":\n\n" << confusion_markdown(m.model[i].confusion, scale.lowest) << "\n";
  }
  r << "## Plots\n\n" << context.plots_note << "\n";
  io::write_text_atomically(folder / run_file::report, r.str());
}

void write_comparison(const std::filesystem::path& path, const ExperimentConfig& c,
                      const std::vector<std::pair<std::string, RunMetrics>>& runs) {
  std::ostringstream r;
  r << "# " << c.name << ": imbalance strategies on the same " << c.folds << " folds (" << scale_of(c.pathology).name << ")\n\n";
  r << "Mean ± sd over folds; each strategy's full report is in its folder. Progression is called by the run's decision ("
    << kDecisionRuleNames[static_cast<std::size_t>(c.decision.rule)] << ").\n\n";
  r << "| strategy | accuracy | precision | recall | F1 | balanced accuracy | ROC-AUC | grade kappa |\n|---|---|---|---|---|---|---|---|\n";
  for (const auto& [name, m] : runs) r << comparison_row({name, "", &m.model, true});
  if (!runs.empty()) {
    const auto rows = predictor_rows(c, runs.front().second);
    for (std::size_t i = 2; i < rows.size(); ++i) r << comparison_row(rows[i]);
  }
  io::write_text_atomically(path, r.str());
}

}  // namespace ldd::train
