#include "train/predict.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <sstream>

#include "base/check.h"
#include "base/clock.h"
#include "data/cohort/cohort_file.h"
#include "data/io/file_lock.h"
#include "data/io/text_file.h"
#include "nn/checkpoint.h"
#include "train/experiment.h"
#include "train/grading_report.h"
#include "train/patient_report.h"
#include "train/report.h"

namespace ldd::train {
namespace {

const char* target_name(Target t) { return t == Target::FollowUp ? "followup" : "current"; }

struct TrainedRun {
  ExperimentConfig config;
  std::filesystem::path folder;    // holds fold-K/ and metrics.json
  std::vector<double> thresholds;  // per fold (progression runs)
};

std::vector<double> read_thresholds(const std::filesystem::path& metrics) {
  const std::string text = io::read_text(metrics);
  const std::string key = "\"thresholds\": [";
  const auto at = text.find(key);
  LDD_CHECK(at != std::string::npos, metrics.string() << ": no decision thresholds; the run was trained by an older ldd (train it again)");
  const auto end = text.find(']', at);
  std::string list = text.substr(at + key.size(), end - at - key.size());
  std::replace(list.begin(), list.end(), ',', ' ');
  std::istringstream in(list);
  std::vector<double> out;
  for (double t; in >> t;) out.push_back(t);
  return out;
}

TrainedRun read_run(const std::filesystem::path& folder) {
  LDD_CHECK(std::filesystem::is_directory(folder), "--run " << folder.string() << ": no such run folder");
  auto config_file = folder / run_file::config;
  const bool strategy_folder = !std::filesystem::exists(config_file) && std::filesystem::exists(folder.parent_path() / run_file::config);
  if (strategy_folder) config_file = folder.parent_path() / run_file::config;
  LDD_CHECK(std::filesystem::exists(config_file), folder.string() << " is not a train run folder: it has no config.yaml");
  TrainedRun run;
  run.folder = folder;
  try {
    run.config = load_experiment(config_file.string());
  } catch (const Error& e) {
    throw Error(folder.string() + ": the run's config.yaml does not read with this version of ldd (the run comes from another "
                "version, or an edited file; train it again with this one): " + e.what());
  }
  const auto& c = run.config;
  LDD_CHECK(c.compare.empty() || strategy_folder, folder.string() << " holds a comparison of imbalance strategies; pass one "
                                                                  << "strategy's folder, e.g. --run " << (folder / name_of(c.compare.front().strategy)).string());
  LDD_CHECK(std::filesystem::exists(folder / run_file::metrics),
            folder.string() << ": the run is not complete (no metrics.json); finish it first: train " << c.source << " --resume --out "
                            << (strategy_folder ? folder.parent_path() : folder).string());
  if (c.target == Target::FollowUp) {
    run.thresholds = read_thresholds(folder / run_file::metrics);
    LDD_CHECK(static_cast<int>(run.thresholds.size()) == c.folds, folder / run_file::metrics << ": " << run.thresholds.size()
                                                                                           << " decision thresholds for " << c.folds << " folds");
  }
  return run;
}

std::map<std::string, std::string> key_values(const std::string& lines) {
  std::map<std::string, std::string> out;
  std::istringstream in(lines);
  for (std::string line; std::getline(in, line);)
    if (const auto eq = line.find('='); eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  return out;
}

// Why a checkpoint does not fit the network the run's config builds, in the researcher's words.
std::string model_mismatch(const std::filesystem::path& weights, const std::string& stored, const std::string& expected) {
  const auto s = key_values(stored), e = key_values(expected);
  auto crop = [](const std::map<std::string, std::string>& m) {
    auto at = [&](const char* k) { return m.count(k) ? m.at(k) : std::string("?"); };
    return at("in_channels") + " x " + at("height") + " x " + at("width");
  };
  if (crop(s) != crop(e))
    return weights.string() + ": the run's model reads " + crop(s) + " crops (slices x rows x cols), but its config.yaml asks for " +
           crop(e) + ": the config was changed after training; restore crop_slices / crop_size, or train again";
  for (const auto& [key, value] : e) {
    if (!s.count(key))
      return weights.string() + ": the checkpoint does not say '" + key + "': it was written by another version of ldd; train the run again";
    if (s.at(key) != value)
      return weights.string() + ": the checkpoint's model has " + key + "=" + s.at(key) + " where the run's config.yaml builds " + key +
             "=" + value + ": the config was changed after training, or the run comes from another version of ldd";
  }
  return weights.string() + ": the checkpoint's model (" + stored + ") is not the one the run's config builds; train the run again";
}

std::unique_ptr<DiscGrader> load_fold_model(const TrainedRun& run, const DiscDataset& data, int fold, Device device) {
  const auto weights = fold_weights(fold_folder(run.folder, fold));
  LDD_CHECK(std::filesystem::exists(weights), run.folder.string() << ": fold " << fold + 1 << " has no weights (" << weights.string() << ")");
  const DiscGraderConfig config = grader_config(run.config, data);
  const CheckpointInfo info = read_checkpoint_info(weights);  // names another checkpoint format version
  if (info.model_config != config.describe()) throw Error(model_mismatch(weights, info.model_config, config.describe()));
  Generator unused(0);  // every parameter is overwritten by the checkpoint
  auto model = std::make_unique<DiscGrader>(config, InitScheme::Kaiming, unused);
  load_checkpoint(weights, *model);
  model->to(device);
  return model;
}

// The models' grade probabilities averaged per disc; the predicted grade and P(progression) from the average.
std::vector<DiscOutput> average(const std::vector<std::vector<DiscOutput>>& per_model, const DiscDataset& data, GradeHead head) {
  std::vector<DiscOutput> out;
  for (std::size_t i = 0; i < per_model.front().size(); ++i) {
    std::vector<double> mean(per_model.front()[i].probabilities.size(), 0.0);
    for (std::size_t k = 0; k < mean.size(); ++k) {
      for (const auto& m : per_model) mean[k] += m[i].probabilities[k];
      mean[k] /= static_cast<double>(per_model.size());
    }
    out.push_back(disc_output(data, per_model.front()[i].sample, std::move(mean), head));
  }
  return out;
}

// predictions.csv: every level of every subject of the cohort, in the cohort's order. `threshold`: the
// threshold rule's; nullopt: the paper's rule.
std::size_t write_prediction_table(const std::filesystem::path& path, const std::filesystem::path& cohort, const DiscDataset& data,
                                   const std::vector<DiscOutput>& outputs, std::optional<double> threshold) {
  const GradeScale scale = scale_of(data.pathology);
  const bool followup = data.target == Target::FollowUp;
  std::map<std::pair<std::string, int>, const DiscOutput*> predicted;
  for (const auto& o : outputs) predicted[{data.subjects[data.samples[o.sample].subject].id, data.samples[o.sample].level}] = &o;
  std::map<std::pair<std::string, int>, const LeftOut*> left_out;
  for (const auto& l : data.left_out) left_out[{l.subject, l.level}] = &l;
  std::ostringstream csv;
  csv << "subject,visit,level,qc," << prediction_columns(data) << (followup ? ",predicted_progression\n" : "\n");
  std::size_t rows = 0;
  for (const auto& id : CohortReader(cohort).subject_ids())
    for (int l = 0; l < kLevels; ++l, ++rows) {
      csv << id << ",baseline," << kLevelNames[static_cast<std::size_t>(l)] << ',';
      const auto p = predicted.find({id, l});
      if (p == predicted.end()) {
        const auto why = left_out.count({id, l}) ? left_out.at({id, l}) : left_out.count({id, -1}) ? left_out.at({id, -1}) : nullptr;
        csv << (why ? why->qc : "not_found") << (followup ? ",,," : ",,");
        for (int g = scale.lowest; g <= scale.highest; ++g) csv << ',';
        csv << (followup ? ",,\n" : "\n");
        continue;
      }
      const DiscOutput& o = *p->second;
      const DiscSample& s = data.samples[o.sample];
      csv << (s.naming_unsure ? "naming_unsure" : "ok") << ',' << prediction_cells(data, o);
      if (followup) csv << ',' << progression_called(o, s.baseline, threshold);
      csv << '\n';
    }
  io::write_text_atomically(path, csv.str());
  return rows;
}

// The run's discs followed by the validated discs of the new cohort, so that the reports' trivial
// predictors, which learn on every disc outside the test fold, learn on the run's cohort.
struct Validation {
  DiscDataset data;
  FoldOutcome fold;
  std::optional<TrueRiskOfDiscs> truth;  // both cohorts synthetic: the oracles, learnt on the run's cohort too
};

std::optional<Validation> validation_set(const TrainedRun& run, const DiscDataset& cohort, const std::vector<DiscOutput>& outputs,
                                         const PredictOptions& o, std::optional<double> threshold) {
  const auto& c = run.config;
  const GradeScale scale = scale_of(c.pathology);
  std::vector<const DiscOutput*> graded;
  for (const auto& out : outputs) {
    const auto& s = cohort.samples[out.sample];
    if (s.label >= 0 && s.baseline >= 0 && !s.naming_unsure) graded.push_back(&out);
  }
  const std::string need = std::string(scale.name) + (c.target == Target::FollowUp ? " grades at baseline and follow-up" : " grades");
  if (graded.empty()) {
    LDD_CHECK(!o.require_validation, o.cohort.string() << ": no disc found with " << need << ": an external validation of a run with target: "
                                                       << target_name(c.target) << " needs them (add them to the labels CSV and ingest again)");
    o.log("no disc of the cohort has " + need + ": predictions only, no external validation");
    return std::nullopt;
  }
  if (!std::filesystem::exists(c.cohort)) {
    LDD_CHECK(!o.require_validation, "external validation: the run's own cohort '" << c.cohort << "' (its trivial predictors learn there) "
                                                                                    << "is not where config.yaml says; run from the folder the run was trained in");
    o.log("the run's cohort " + c.cohort + " is not there: its trivial predictors cannot be learnt, so no external validation");
    return std::nullopt;
  }
  Validation v;
  v.data = load_discs(c.cohort, c.pathology, c.target, c.crop_slices, c.crop_size, Use::Training, c.covariates);
  // The oracles' ground truth (synthetic cohorts only), read before the new cohort's subjects join: their
  // ids may be the run cohort's too.
  auto truth = c.target == Target::FollowUp ? load_true_risk(c.cohort, v.data) : std::nullopt;
  v.data.left_out = cohort.left_out;
  const std::size_t subject_offset = v.data.subjects.size();
  v.data.subjects.insert(v.data.subjects.end(), cohort.subjects.begin(), cohort.subjects.end());
  for (const DiscOutput* out : graded) {
    DiscSample s = cohort.samples[out->sample];
    s.subject += subject_offset;
    DiscOutput d = *out;
    d.sample = v.data.samples.size();
    v.data.samples.push_back(s);
    v.data.crops.insert(v.data.crops.end(), cohort.crop(out->sample), cohort.crop(out->sample) + cohort.crop_numel());
    const auto covariates = cohort.covariates_of(out->sample);
    v.data.covariates.insert(v.data.covariates.end(), covariates.begin(), covariates.end());
    v.fold.test.push_back(std::move(d));
  }
  v.fold.threshold = threshold;
  if (truth)
    if (const auto new_truth = load_true_risk(o.cohort, cohort)) {
      for (const DiscOutput* out : graded) {
        truth->propensity.push_back(new_truth->propensity[out->sample]);
        truth->signs.push_back(new_truth->signs[out->sample]);
      }
      v.truth = std::move(truth);
    }
  return v;
}

void write_validation(const TrainedRun& run, const Validation& v, const PredictOptions& o, const std::string& models, double start) {
  const auto& c = run.config;
  const auto folder = o.out / "validation";
  std::filesystem::create_directories(folder);
  const std::vector<FoldOutcome> folds{v.fold};
  RunContext context{.strategy = c.compare.empty() ? name_of(c.imbalance.strategy) : run.folder.filename().string(),
                     .device = to_string(o.device), .threads = omp_get_max_threads(), .seconds = monotonic_seconds() - start,
                     .plots_note = "No plots for an external validation.",
                     .external = "Run `" + run.folder.string() + "` (" + models + ") applied to the cohort `" + o.cohort.string() +
                                 "`, which it never saw. The trivial predictors are learnt on the run's own cohort `" + c.cohort +
                                 "`; the threshold is the run's. `left_out.txt` lists the new cohort's discs not scored."};
  if (c.target == Target::Current) {
    const GradingRunMetrics metrics = evaluate_grading_run(v.data, folds, c.classes());
    write_grading_run_data(folder, c, v.data, folds, metrics);
    write_grading_report(folder, c, v.data, folds, metrics, context);
  } else {
    const RunMetrics metrics = evaluate_run(v.data, folds, c.classes(), c.decision, v.truth ? &*v.truth : nullptr);
    write_run_data(folder, c, v.data, folds, metrics, context.strategy);
    write_report(folder, c, v.data, folds, metrics, context);
  }
}

}  // namespace

PredictSummary predict(const PredictOptions& options) {
  PredictOptions o = options;
  if (!o.log) o.log = [](const std::string& m) { std::fprintf(stderr, "predict: %s\n", m.c_str()); };
  const double start = monotonic_seconds();
  const TrainedRun run = read_run(o.run);
  const auto& c = run.config;
  LDD_CHECK(!o.target || *o.target == c.target, o.run.string() << " was trained with target: " << target_name(c.target) << " ("
                                                              << (c.target == Target::FollowUp ? "the follow-up grade, from the baseline image"
                                                                                               : "the grade of the image seen")
                                                              << "); it predicts only that, not target: " << target_name(*o.target));
  LDD_CHECK(o.fold < c.folds, "--fold " << o.fold + 1 << ": the run has folds 1 to " << c.folds);
  LDD_CHECK(std::filesystem::exists(o.cohort), "--cohort " << o.cohort.string() << ": no such file");
  LDD_CHECK(o.device == Device::CPU || kernels::cuda_available(),
            "--device cuda: no usable CUDA device (" << kernels::cuda_unavailable_reason() << "); use --device cpu");
  std::vector<int> folds;
  for (int k = 0; k < c.folds; ++k)
    if (o.fold < 0 || o.fold == k) folds.push_back(k);
  // The models first: a run that does not fit this version fails before any SegFlow work.
  DiscDataset input;  // what the network is built for: the run's crops and target
  input.pathology = c.pathology;
  input.target = c.target;
  input.slices = c.crop_slices;
  input.rows = input.cols = c.crop_size;
  input.covariate_names = c.covariates;
  std::vector<std::unique_ptr<DiscGrader>> models;
  for (int k : folds) models.push_back(load_fold_model(run, input, k, o.device));
  if (!has_segflow_results(o.cohort)) {
    auto s = segflow_options(c);
    // The refinement network the run's cohort was segmented with, when it kept one: a new cohort of a few
    // volumes would train a weaker one on its own votes.
    if (std::filesystem::exists(c.cohort) && segflow::has_stored_refinement(c.cohort)) s.refinement_from = c.cohort;
    o.log("running SegFlow on the baseline volumes of " + o.cohort.string() + " with the run's settings" +
          (s.refinement_from.empty() ? std::string(" (its refinement network trained on this cohort's votes)")
                                     : " and the refinement network of " + c.cohort) + "; results are stored in the cohort");
    const auto summary = segflow::run_segflow(o.cohort, s);
    o.log("SegFlow: " + std::to_string(summary.succeeded) + " of " + std::to_string(summary.volumes) + " volumes segmented");
  }
  const DiscDataset data = load_discs(o.cohort, c.pathology, c.target, c.crop_slices, c.crop_size, Use::Prediction, c.covariates);
  std::vector<std::size_t> all(data.samples.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;

  std::vector<std::vector<DiscOutput>> per_model;
  double threshold_sum = 0;
  for (std::size_t m = 0; m < folds.size(); ++m) {
    per_model.push_back(predict_discs(*models[m], data, all, c.batch_size, o.device));
    if (!run.thresholds.empty()) threshold_sum += run.thresholds[static_cast<std::size_t>(folds[m])];
  }
  const auto outputs = average(per_model, data, models.front()->config().head);
  std::optional<double> threshold;
  if (c.target == Target::FollowUp && c.decision.rule == DecisionRule::Threshold) threshold = threshold_sum / static_cast<double>(folds.size());
  const std::string model_text = o.fold >= 0 ? "fold " + std::to_string(o.fold + 1) + "'s model"
                                             : "the ensemble of its " + std::to_string(c.folds) + " fold models";
  o.log(std::to_string(data.samples.size()) + " discs predicted by " + model_text);

  std::filesystem::create_directories(o.out);
  const io::FileLock lock(o.out, "predict");
  PredictSummary summary;
  summary.predicted = outputs.size();
  summary.discs = write_prediction_table(o.out / "predictions.csv", o.cohort, data, outputs, threshold);
  if (o.patient_reports) {
    PatientReportInput in{.cohort = o.cohort, .data = data, .outputs = outputs, .models = models, .threshold = threshold,
                          .run_name = c.name, .model_text = model_text, .device = o.device};
    write_patient_reports(o.out / "patients", in);
  }
  if (const auto v = validation_set(run, data, outputs, o, threshold)) {
    write_validation(run, *v, o, model_text, start);
    summary.validated = v->fold.test.size();
    o.log("external validation on " + std::to_string(summary.validated) + " graded discs: " + (o.out / "validation" / "report.md").string());
  }
  return summary;
}

}  // namespace ldd::train
