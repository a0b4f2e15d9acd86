#include "train/grading_report.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <set>
#include <sstream>

#include "data/io/text_file.h"
#include "train/format.h"
#include "train/handcrafted_grader.h"

namespace ldd::train {
namespace {

// The most common value of `labels` (the lowest on ties); `fallback` when there are none.
int most_common(const std::vector<int>& labels, int classes, int fallback) {
  if (labels.empty()) return fallback;
  std::vector<int> count(static_cast<std::size_t>(classes), 0);
  for (int l : labels) ++count[static_cast<std::size_t>(l)];
  return static_cast<int>(std::max_element(count.begin(), count.end()) - count.begin());
}

const NamedFields<GradingMetrics>& fields() {
  static const NamedFields<GradingMetrics> f{
      {"accuracy", [](const GradingMetrics& m) { return m.accuracy; }},
      {"balanced_accuracy", [](const GradingMetrics& m) { return m.balanced_accuracy; }},
      {"kappa", [](const GradingMetrics& m) { return m.kappa; }},
      {"within_one", [](const GradingMetrics& m) { return m.within_one; }},
  };
  return f;
}

std::string row(const std::string& label, const std::vector<GradingMetrics>& folds) {
  std::string r = "| " + label;
  for (const auto& [name, field] : fields()) r += " | " + fixed3(over(folds, field));
  return r + " |\n";
}

}  // namespace

GradingRunMetrics evaluate_grading_run(const DiscDataset& data, const std::vector<FoldOutcome>& folds, int classes) {
  GradingRunMetrics r;
  for (const auto& f : folds) {
    std::set<std::size_t> tested;
    for (const auto& t : f.test) tested.insert(t.sample);
    // The trivial predictors learn from the fold's training discs only: everything it does not test.
    std::vector<int> training;
    std::vector<std::size_t> training_samples, test_samples;
    std::array<std::vector<int>, kLevels> by_level;
    for (std::size_t i = 0; i < data.samples.size(); ++i)
      if (!tested.count(i)) {
        training.push_back(data.samples[i].label);
        training_samples.push_back(i);
        by_level[static_cast<std::size_t>(data.samples[i].level)].push_back(data.samples[i].label);
      }
    for (const auto& t : f.test) test_samples.push_back(t.sample);
    const int majority = most_common(training, classes, 0);
    std::vector<int> truth, model, overall, per_level;
    for (const auto& t : f.test) {
      const auto& s = data.samples[t.sample];
      truth.push_back(s.label);
      model.push_back(t.predicted);
      overall.push_back(majority);
      per_level.push_back(most_common(by_level[static_cast<std::size_t>(s.level)], classes, majority));
    }
    r.model.push_back(evaluate_grading(truth, model, classes));
    r.majority_grade.push_back(evaluate_grading(truth, overall, classes));
    r.level_majority.push_back(evaluate_grading(truth, per_level, classes));
    r.handcrafted.push_back(evaluate_grading(truth, handcrafted_grades(data, training_samples, test_samples), classes));
  }
  return r;
}

void write_grading_run_data(const std::filesystem::path& folder, const ExperimentConfig& c, const DiscDataset& data,
                            const std::vector<FoldOutcome>& folds, const GradingRunMetrics& m) {
  write_predictions(folder / run_file::predictions, data, folds);
  const GradeScale scale = scale_of(c.pathology);
  std::size_t discs = 0;
  for (const auto& f : folds) discs += f.test.size();
  std::ostringstream j;
  j << "{\n  \"software\": " << json_software() << ",\n  \"name\": \"" << c.name << "\",\n  \"pathology\": \"" << scale.name << "\",\n  \"target\": \"current\",\n  \"grades\": [";
  for (int g = scale.lowest; g <= scale.highest; ++g) j << (g > scale.lowest ? ", " : "") << g;
  j << "],\n  \"subjects\": " << subjects_tested(data, folds) << ",\n  \"discs\": " << discs << ",\n  \"left_out\": " << data.left_out.size()
    << ",\n  \"folds\": [\n";
  for (std::size_t i = 0; i < folds.size(); ++i) j << json_fold(m.model[i], folds[i].fold + 1, fields(), "    ") << (i + 1 < folds.size() ? ",\n" : "\n");
  j << "  ],\n  \"summary\": " << json_summary(m.model, fields(), "  ") << ",\n  \"baselines\": {\n    \"majority_grade\": "
    << json_summary(m.majority_grade, fields(), "    ") << ",\n    \"level_majority\": " << json_summary(m.level_majority, fields(), "    ")
    << ",\n    \"handcrafted\": " << json_summary(m.handcrafted, fields(), "    ") << "\n  }\n}\n";
  io::write_text_atomically(folder / run_file::metrics, j.str());
  write_left_out(folder / run_file::left_out, data);
}

void write_grading_report(const std::filesystem::path& folder, const ExperimentConfig& c, const DiscDataset& data,
                          const std::vector<FoldOutcome>& folds, const GradingRunMetrics& m, const RunContext& context) {
  const GradeScale scale = scale_of(c.pathology);
  std::size_t discs = 0;
  for (const auto& f : folds) discs += f.test.size();
  std::ostringstream r;
  r << "# " << c.name << ": " << scale.name << " grade of the image seen (cross-sectional), ";
  if (context.external.empty())
    r << folds.size() << "-fold cross-validation\n\n";
  else
    r << "external validation\n\n" << context.external << "\n\n";
  r << "Config `" << c.source << "` (resolved copy: `config.yaml`); cohort `" << c.cohort << "`; imbalance strategy **"
    << context.strategy << "**; " << c.epochs << " epochs at most, batch " << c.batch_size << ", " << c.optimizer << " lr "
    << c.learning_rate << "; crops " << c.crop_slices << " x " << c.crop_size << " x " << c.crop_size << ". " << subjects_tested(data, folds)
    << " subjects, " << discs << " discs evaluated (" << data.left_out.size()
    << " subjects or discs left out: no SegFlow result or no grade; see `left_out.txt`). Device " << context.device << ", "
    << context.threads << " threads, " << number(std::round(context.seconds)) << " s in this invocation.\n\n";
  r << "The network reads the grade of the disc on the image it is shown (target: current); folds are subjects.\n\n";
  r << "## Grading (mean ± sd over folds)\n\n| predictor | grade accuracy | balanced accuracy | quadratic kappa | within one grade |\n"
       "|---|---|---|---|---|\n";
  r << row("**model**", m.model) << row("most common training grade", m.majority_grade)
    << row("most common training grade of the disc's level", m.level_majority)
    << row("hand-crafted: disc-to-body signal + level, ordinal logistic regression", m.handcrafted) << "\n";
  for (std::size_t i = 0; i < folds.size(); ++i) {
    char line[160];
    std::snprintf(line, sizeof line, "| fold %d | %.3f | %.3f | %.3f | %.3f |\n", folds[i].fold + 1, m.model[i].accuracy,
                  m.model[i].balanced_accuracy, m.model[i].kappa, m.model[i].within_one);
    if (i == 0) r << "Per fold (model):\n\n| fold | grade accuracy | balanced accuracy | quadratic kappa | within one grade |\n|---|---|---|---|---|\n";
    r << line;
  }
  const auto bal = [](const GradingMetrics& x) { return x.balanced_accuracy; };
  const auto kappa = [](const GradingMetrics& x) { return x.kappa; };
  const MeanSd model_bal = over(m.model, bal), level_bal = over(m.level_majority, bal);
  const MeanSd model_kappa = over(m.model, kappa), level_kappa = over(m.level_majority, kappa);
  const auto beats = [](MeanSd a, MeanSd b) {
    const double margin = std::max(a.sd, b.sd);
    return a.mean - b.mean > margin ? "beats" : b.mean - a.mean > margin ? "is worse than" : "does not clearly beat";
  };
  r << "\n- Balanced accuracy: the model " << beats(model_bal, level_bal) << " the level's most common grade (" << fixed3(model_bal)
    << " vs " << fixed3(level_bal) << ").\n";
  r << "- Quadratic kappa: the model " << beats(model_kappa, level_kappa) << " the level's most common grade ("
    << fixed3(model_kappa) << " vs " << fixed3(level_kappa) << ").\n";
  const MeanSd hand_bal = over(m.handcrafted, bal), hand_kappa = over(m.handcrafted, kappa);
  r << "- Against the hand-crafted baseline: balanced accuracy, the model " << beats(model_bal, hand_bal) << " it (" << fixed3(model_bal)
    << " vs " << fixed3(hand_bal) << "); quadratic kappa, the model " << beats(model_kappa, hand_kappa) << " it (" << fixed3(model_kappa)
    << " vs " << fixed3(hand_kappa) << ").\n";
  r << "- For context only (another cohort, another method): SpineNet's external validation of Pfirrmann grading reached "
       "78 % balanced accuracy and kappa 0.68.\n\n";
  r << "\"Beats\" means a mean difference larger than the larger fold sd.\n\n## Grade confusion matrices (rows: true grade, "
       "columns: predicted)\n\n";
  for (std::size_t i = 0; i < folds.size(); ++i) {
    r << "Fold " << folds[i].fold + 1 << ":\n\n" << confusion_markdown(m.model[i].confusion, scale.lowest) << "\n";
  }
  r << "## Plots\n\n" << context.plots_note << "\n";
  io::write_text_atomically(folder / run_file::report, r.str());
}

}  // namespace ldd::train
