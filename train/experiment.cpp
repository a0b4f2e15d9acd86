#include "train/experiment.h"

#include <omp.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/check.h"
#include "base/clock.h"
#include "base/progress.h"
#include "data/folds.h"
#include "data/ingest/ingest.h"
#include "data/io/file_lock.h"
#include "data/io/text_file.h"
#include "data/synth/generate.h"
#include "nn/random.h"
#include "segflow/pipeline.h"
#include "train/fold_trainer.h"
#include "train/grading_report.h"
#include "train/report.h"

namespace ldd::train {
namespace {

// The cohort file made when it does not exist: ingested from the config's images, or generated.
void make_cohort(const ExperimentConfig& c, const RunOptions& o) {
  const std::filesystem::path cohort = c.cohort;
  if (!std::filesystem::exists(cohort) && c.ingest) {  // check_can_start has seen its inputs exist
    o.log("ingesting " + c.ingest->image_folder + " with " + c.ingest->labels + " into " + c.cohort);
    if (cohort.has_parent_path()) std::filesystem::create_directories(cohort.parent_path());
    tools::ProgressBar bar("volumes", o.quiet);
    ingest::IngestOptions options;
    options.image_folder = c.ingest->image_folder;
    options.labels = c.ingest->labels;
    options.labels_format = c.ingest->labels_format;
    options.out = cohort;
    const auto summary = ingest::ingest(options, [&](std::int64_t d, std::int64_t t) { bar.update(d, t); });
    for (const auto& note : summary.notes) o.log("ingest: " + note);
  }
  if (!std::filesystem::exists(cohort)) {  // check_can_start has seen a synthetic section
    o.log("generating the synthetic cohort " + c.cohort + " (" + std::to_string(c.synthetic->subjects) + " subjects)");
    if (cohort.has_parent_path()) std::filesystem::create_directories(cohort.parent_path());
    tools::ProgressBar bar("subjects", o.quiet);
    synth::generate_cohort(*c.synthetic, cohort, [&](std::int64_t d, std::int64_t t) { bar.update(d, t); });
  }
}

// Ingests real images or generates the synthetic cohort when the config names a cohort that does not
// exist (rank 0); runs SegFlow when the cohort's baseline volumes have no result yet (its volumes shared
// out over the ranks). Both are cached in the cohort file itself.
void prepare_cohort(const ExperimentConfig& c, const RunOptions& o, const ProcessGroup& group) {
  const std::filesystem::path cohort = c.cohort;
  if (group.is_root()) make_cohort(c, o);
  group.barrier();
  if (!has_segflow_results(cohort)) {
    o.log("running SegFlow on the baseline volumes of " + c.cohort + " (results are stored in the cohort)");
    tools::ProgressBar bar("volumes", o.quiet);
    const auto summary =
        segflow::run_segflow(cohort, segflow_options(c), [&](std::int64_t d, std::int64_t t) { bar.update(d, t); }, &group);
    o.log("SegFlow: " + std::to_string(summary.succeeded) + " of " + std::to_string(summary.volumes) + " volumes segmented");
  }
}

// Each subject's fold, and inside every training fold the subjects held out for validation.
std::vector<FoldSplit> make_splits(const ExperimentConfig& c, const DiscDataset& data) {
  const auto fold_of = subject_folds(data.subjects, c.folds, c.pathology, c.seed);
  std::vector<FoldSplit> splits(static_cast<std::size_t>(c.folds));
  for (int k = 0; k < c.folds; ++k) {
    std::set<std::size_t> validation;
    if (c.validation_fraction > 0) {
      std::vector<std::size_t> training_subjects;
      for (std::size_t s = 0; s < data.subjects.size(); ++s)
        if (fold_of[s] != k) training_subjects.push_back(s);
      Generator gen(mix_seed({c.seed, static_cast<std::uint64_t>(k), 4}));
      shuffle(training_subjects, gen);
      const auto held = static_cast<std::size_t>(std::llround(c.validation_fraction * static_cast<double>(training_subjects.size())));
      validation.insert(training_subjects.begin(), training_subjects.begin() + static_cast<long>(std::max<std::size_t>(1, held)));
    }
    auto& split = splits[static_cast<std::size_t>(k)];
    for (std::size_t i = 0; i < data.samples.size(); ++i) {
      const std::size_t s = data.samples[i].subject;
      if (fold_of[s] == k)
        split.test.push_back(i);
      else if (validation.count(s))
        split.validation.push_back(i);
      else
        split.train.push_back(i);
    }
  }
  return splits;
}

// plot_run.py lives in <prefix>/share/ldd beside <prefix>/bin (`cmake --install`; the build tree has the
// same layout), so the binaries find it wherever they are moved together with it.
std::filesystem::path plot_script() {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  return (error ? std::filesystem::path("bin/train") : self).parent_path().parent_path() / "share" / "ldd" / "plot_run.py";
}

// Runs `program args...` with its standard output discarded and without a shell (no quoting of the
// run folder's name); returns its exit status, or -1 when it could not be started or was killed.
int run_quietly(const std::vector<std::string>& command) {
  std::vector<char*> argv;
  for (const auto& a : command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t child = ::fork();
  if (child < 0) return -1;
  if (child == 0) {
    if (const int null = ::open("/dev/null", O_WRONLY); null >= 0) ::dup2(null, STDOUT_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs `plot_run.py` (matplotlib); returns the report's sentence about the plots.
std::string make_plots(const std::filesystem::path& folder, const RunOptions& o) {
  if (!o.plots) return "Plots were switched off (--no-plots).";
  const std::filesystem::path script = plot_script();
  const std::string python = "/usr/bin/python3";
  const std::string by_hand = python + " " + script.string() + " " + folder.string();
  const int rc = std::filesystem::exists(script) ? run_quietly({python, script.string(), folder.string()}) : -2;
  if (rc == -2) {
    o.log("warning: plots not made: " + script.string() + " does not exist (`cmake --install` puts it beside the binaries)");
    return "No plots: " + script.string() + " does not exist (`cmake --install` puts it beside the binaries); with it there, run `" +
           by_hand + "`.";
  }
  if (rc != 0) {
    o.log("warning: plots not made (`" + by_hand + "` exited with " + std::to_string(rc) +
          "; it needs Debian's python3-matplotlib: scripts/install-deps)");
    return "No plots: `plot_run.py` failed (it needs python3-matplotlib; `scripts/install-deps` installs it). Run it "
           "again by hand: `" + by_hand + "`.";
  }
  const std::string roc = std::filesystem::exists(folder / run_file::plots / "roc.png")
                              ? "![ROC curves](plots/roc.png)\n\n![precision-recall curves](plots/pr.png)\n\n![calibration](plots/reliability.png)\n\n"
                              : "";
  return roc + "![confusion matrices](plots/confusion.png)\n\n![training curves](plots/training.png)\n";
}

std::string epoch_line(const ExperimentConfig& c, const std::string& label, const EpochRecord& e) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, "%s epoch %lld/%lld: loss %.4f, accuracy %.3f", label.c_str(),
                static_cast<long long>(e.epoch), static_cast<long long>(c.epochs), e.train_loss, e.train_accuracy);
  std::string line = buffer;
  if (!std::isnan(e.validation_loss)) {
    std::snprintf(buffer, sizeof buffer, ", validation loss %.4f, accuracy %.3f", e.validation_loss, e.validation_accuracy);
    line += buffer;
  }
  std::snprintf(buffer, sizeof buffer, ", lr %.3g, %.1f s", e.learning_rate, e.seconds);
  return line + buffer;
}

// One strategy's run: its folder (the run folder, or a sub-folder per compared strategy) and its name.
struct StrategyRun {
  ImbalanceConfig imbalance;
  std::string name;
  std::filesystem::path folder;
};

std::vector<StrategyRun> strategy_runs(const ExperimentConfig& c, const std::filesystem::path& folder) {
  std::vector<StrategyRun> runs;
  std::map<std::string, int> seen;
  for (const auto& strategy : c.compare.empty() ? std::vector<ImbalanceConfig>{c.imbalance} : c.compare) {
    std::string name = name_of(strategy.strategy);
    if (++seen[name] > 1) name.append(1, '-').append(std::to_string(seen[name]));
    runs.push_back({strategy, name, c.compare.empty() ? folder : folder / name});
  }
  return runs;
}

// A (strategy, fold) pair still to train: what the ranks of an MPI job share out.
struct Unit {
  std::size_t strategy = 0;
  int fold = 0;
};

std::vector<Unit> pending_units(const ExperimentConfig& c, const std::vector<StrategyRun>& runs, const RunOptions& o) {
  std::vector<Unit> units;
  for (std::size_t s = 0; s < runs.size(); ++s)
    for (int k = 0; k < c.folds; ++k)
      if ((o.only_fold < 0 || o.only_fold == k) && !fold_complete(fold_folder(runs[s].folder, k))) units.push_back({s, k});
  return units;
}

// One fold of one strategy trained, and its files written (by rank 0 alone when its ranks train it together).
void run_fold(const ExperimentConfig& c, const StrategyRun& run, const DiscDataset& data, const FoldSplit& s, int k, const RunOptions& o,
            const ProcessGroup* shards) {
  const auto dir = fold_folder(run.folder, k);
  const std::string label = "fold " + std::to_string(k + 1) + "/" + std::to_string(c.folds) + " (" + name_of(run.imbalance.strategy) + ")";
  o.log(label + ": " + std::to_string(s.train.size()) + " training, " + std::to_string(s.validation.size()) + " validation, " +
        std::to_string(s.test.size()) + " test discs");
  const bool bar = !o.quiet && ::isatty(2);
  std::unique_ptr<tools::ProgressBar> progress;
  FoldOptions fo;
  fo.resume = true;  // a checkpoint in a fold without predictions is an interrupted run of this config
  fo.device = c.device;
  fo.shards = shards;
  fo.progress = [&](const EpochRecord& e, std::int64_t batch, std::int64_t batches) {
    if (bar) {
      if (batch == 1 || !progress) progress = std::make_unique<tools::ProgressBar>("batches", false);
      char note[128];
      std::snprintf(note, sizeof note, "%s epoch %lld/%lld, loss %.4f, accuracy %.3f", label.c_str(), static_cast<long long>(e.epoch),
                    static_cast<long long>(c.epochs), e.train_loss, e.train_accuracy);
      progress->update(batch, batches, note);
      if (batch == batches) progress.reset();
    }
    if (batch == batches) o.log(epoch_line(c, label, e));
  };
  const FoldResult r = train_fold(c, run.imbalance, data, s, k, dir, fo);
  if (shards && !shards->is_root()) return;
  write_history(dir / run_file::history, r.history);
  // Evaluated from what the files hold, as a resumed run is: the same numbers either way.
  std::vector<DiscOutput> fit_outputs;
  std::optional<double> threshold;
  if (!r.fit.empty()) {
    fit_outputs = save_fold_predictions(dir / run_file::fit_predictions, data, k, r.fit);
    std::vector<double> scores;
    std::vector<bool> positive;
    for (const auto& o : fit_outputs) {
      scores.push_back(o.p_progression);
      positive.push_back(data.samples[o.sample].followup > data.samples[o.sample].baseline);
    }
    if (c.decision.rule == DecisionRule::Threshold) threshold = choose_threshold(scores, positive, c.decision.criterion);
  }
  // Written last: its presence marks the fold complete.
  save_fold_predictions(dir / run_file::predictions, data, k, r.test, threshold);
}

// The strategy's completed folds, read back from their files: the same numbers whichever process trained them.
std::vector<FoldOutcome> completed_folds(const ExperimentConfig& c, const StrategyRun& run, const DiscDataset& data) {
  std::vector<FoldOutcome> done;
  for (int k = 0; k < c.folds; ++k)
    if (const auto dir = fold_folder(run.folder, k); fold_complete(dir)) done.push_back(read_fold(dir, data, k));
  return done;
}

// Rank 0, once every fold's files are written: each strategy's report (when all its folds are complete)
// and, with compare, comparison.md. Returns the report's path, empty when a fold is missing.
std::filesystem::path write_reports(const ExperimentConfig& c, const std::vector<StrategyRun>& runs, const DiscDataset& data,
                                    const std::filesystem::path& folder, const RunOptions& o, double start) {
  std::filesystem::path report;
  // Synthetic ground truth, for the report's oracles only: nothing above or in training reads it.
  const auto truth = c.target == Target::FollowUp ? load_true_risk(c.cohort, data) : std::nullopt;
  std::vector<std::pair<std::string, RunMetrics>> compared;
  for (const auto& run : runs) {
    const auto folds = completed_folds(c, run, data);
    if (static_cast<int>(folds.size()) < c.folds) {
      o.log(run.name + ": " + std::to_string(folds.size()) + " of " + std::to_string(c.folds) +
            " folds complete; the report is written when all are (run the others with --fold K --resume)");
      continue;
    }
    const auto context = [&](const std::string& plots_note) {
      return RunContext{.strategy = run.name, .device = to_string(c.device), .threads = omp_get_max_threads(),
                        .seconds = monotonic_seconds() - start, .plots_note = plots_note};
    };
    if (c.target == Target::Current) {
      const GradingRunMetrics metrics = evaluate_grading_run(data, folds, c.classes());
      write_grading_run_data(run.folder, c, data, folds, metrics);
      write_grading_report(run.folder, c, data, folds, metrics, context(make_plots(run.folder, o)));
    } else {
      const RunMetrics metrics = evaluate_run(data, folds, c.classes(), c.decision, truth ? &*truth : nullptr);
      write_run_data(run.folder, c, data, folds, metrics, run.name);
      write_report(run.folder, c, data, folds, metrics, context(make_plots(run.folder, o)));
      compared.emplace_back(run.name, metrics);
    }
    if (c.compare.empty()) report = run.folder / run_file::report;
  }
  if (!c.compare.empty() && compared.size() == runs.size()) {
    report = folder / run_file::comparison;
    write_comparison(report, c, compared);
  }
  return report;
}

}  // namespace

std::string first_difference(const std::string& was, const std::string& now) {
  std::istringstream a(was), b(now);
  std::vector<std::string> path;  // the keys above the current line, one per two spaces of indent
  for (std::string x, y;;) {
    const bool more_a = static_cast<bool>(std::getline(a, x)), more_b = static_cast<bool>(std::getline(b, y));
    if (!more_a && !more_b) return "no key differs";
    const std::string& line = more_a ? x : y;
    const std::size_t indent = line.find_first_not_of(' '), colon = line.find(':');
    const std::string key = colon == std::string::npos || indent == std::string::npos ? line : line.substr(indent, colon - indent);
    path.resize(std::min(path.size(), (indent == std::string::npos ? 0 : indent) / 2));
    if (more_a && more_b && x == y) {
      path.push_back(key);
      continue;
    }
    std::string dotted;
    for (const auto& k : path) dotted += k + ".";
    dotted += key;
    auto value = [](bool present, const std::string& l) {
      if (!present) return std::string("none");
      const std::size_t c = l.find(':');
      std::string v = c == std::string::npos ? l : l.substr(c + 1);
      v.erase(0, v.find_first_not_of(' '));
      return v.empty() ? std::string("(a section)") : v;
    };
    return "first at " + dotted + ": the run has " + value(more_a, x) + ", this config " + value(more_b, y);
  }
}

segflow::SegflowOptions segflow_options(const ExperimentConfig& c) {
  segflow::SegflowOptions s;
  s.train_volumes = c.segflow_train_volumes;
  s.refine.steps = c.segflow_steps;
  s.refine.seed = c.seed;
  s.crop_slices = c.crop_slices;
  s.crop_rows = s.crop_cols = c.crop_size;
  s.followup = false;
  return s;
}

std::filesystem::path run_folder(const ExperimentConfig& c, const RunOptions& o) {
  return o.out.empty() ? std::filesystem::path("runs") / c.name : o.out;
}

void check_can_start(const ExperimentConfig& c, const RunOptions& o) {
  LDD_CHECK(c.device == Device::CPU || kernels::cuda_available(),
            "--device cuda: no usable CUDA device (" << kernels::cuda_unavailable_reason() << "); use --device cpu");
  LDD_CHECK(o.only_fold < c.folds, "--fold " << o.only_fold + 1 << ": the experiment has " << c.folds << " folds");
  const auto folder = run_folder(c, o);
  const auto config_file = folder / run_file::config;
  if (std::filesystem::exists(config_file)) {
    LDD_CHECK(o.resume, folder.string() << " already holds a run; --resume continues it (completed folds are kept), or "
                                        << "choose another --out");
    // The first line names the file the config came from; the same config from another path may resume.
    auto body = [](const std::string& yaml) { return yaml.substr(yaml.find('\n') + 1); };
    const std::string was = body(io::read_text(config_file)), now = body(c.to_yaml());
    LDD_CHECK(was == now, folder.string() << ": the resolved config differs from the run's config.yaml (" << first_difference(was, now)
                                          << "); --resume continues a run only with the same config (compare with --dry-run), or "
                                          << "choose another --out");
  }
  check_init_weights_file(c);
  if (std::filesystem::exists(c.cohort)) return;
  if (c.ingest) {
    for (const auto& [key, path] : {std::pair{"image_folder", c.ingest->image_folder}, std::pair{"labels", c.ingest->labels}})
      LDD_CHECK(std::filesystem::exists(path), c.source << ": dataset.ingest." << key << ": '" << path
                                                        << "' does not exist (run from the repository root; real data lives in "
                                                        << "../shared/data, see its READMEs)");
    return;
  }
  LDD_CHECK(c.synthetic, c.source << ": dataset.cohort: '" << c.cohort
                                  << "' does not exist, and there is no dataset.synthetic or dataset.ingest section to make it from");
}

RunResult run_experiment(const ExperimentConfig& c, const RunOptions& options) {
  RunOptions o = options;
  const ProcessGroup alone;
  const ProcessGroup& group = o.processes ? *o.processes : alone;
  if (!group.is_root()) {
    o.log = [](const std::string&) {};  // rank 0 speaks for the job
    o.quiet = true;
  }
  if (!o.log) o.log = [](const std::string& m) { std::fprintf(stderr, "train: %s\n", m.c_str()); };
  LDD_CHECK(o.threads >= 0 && o.threads <= 1024, "--threads " << o.threads << ": between 1 and 1024 (0: OMP_NUM_THREADS or all cores)");
  if (o.threads > 0) omp_set_num_threads(o.threads);
  const double start = monotonic_seconds();
  RunResult result;
  result.folder = run_folder(c, o);
  std::optional<io::FileLock> lock;
  if (group.is_root()) {
    lock.emplace(result.folder, "train");  // a second train on this folder stops here, naming this one
    check_can_start(c, o);  // again under the lock: the folder may have changed since a --dry-run
  }
  prepare_cohort(c, o, group);
  const DiscDataset data = load_discs(c.cohort, c.pathology, c.target, c.crop_slices, c.crop_size, Use::Training, c.covariates);
  if (!c.init_weights.empty()) {  // a pre-trained network that does not fit stops the run before its folder exists
    Generator unused(0);
    DiscGrader probe(grader_config(c, data), InitScheme::Kaiming, unused);
    load_init_weights(c, probe);
  }
  if (group.is_root()) io::write_text_atomically(result.folder / run_file::config, c.to_yaml());  // only now: a run that could not start leaves no folder
  o.log(std::to_string(data.subjects.size()) + " subjects, " + std::to_string(data.samples.size()) + " discs with crops and " +
        scale_of(c.pathology).name + " grades (" + std::to_string(data.left_out.size()) + " subjects or discs left out)");
  if (data.recut_subjects > 0)
    o.log("the crops of " + std::to_string(data.recut_subjects) + " subjects were cut again at " + std::to_string(c.crop_slices) + " x " +
          std::to_string(c.crop_size) + " x " + std::to_string(c.crop_size) + " from the baseline images and SegFlow's disc boxes (the cohort " +
          "stores another size; it is not changed)");
  const auto splits = make_splits(c, data);
  const auto runs = strategy_runs(c, result.folder);

  // Every rank lists the same units: none has started one yet.
  group.barrier();
  const std::vector<Unit> units = pending_units(c, runs, o);
  group.barrier();
  const bool together = c.data_parallel && group.size() > 1;
  if (group.size() > 1)
    o.log(std::to_string(units.size()) + " folds to train on " + std::to_string(group.size()) + " ranks" +
          (together ? ", all ranks on each (data-parallel)" : ", dealt out round robin"));
  for (std::size_t i = 0; i < units.size(); ++i)
    if (together || group.owns(i))
      run_fold(c, runs[units[i].strategy], data, splits[static_cast<std::size_t>(units[i].fold)], units[i].fold, o, together ? &group : nullptr);
  group.barrier();  // every fold's files are written: rank 0 reads them back and reports
  if (!group.is_root()) return result;

  result.report = write_reports(c, runs, data, result.folder, o, start);
  return result;
}

}  // namespace ldd::train
