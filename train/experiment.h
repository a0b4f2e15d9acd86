// One study end to end: the cohort (generated when the config names a synthetic one that does not exist
// yet), SegFlow when the cohort has no crops (both cached in the cohort file), k-fold cross-validation
// split by subject, and the run folder: config.yaml, fold-K/ (checkpoints, history.csv,
// predictions.csv), predictions.csv, metrics.json, report.md, plots/. With `compare` strategies, one
// such folder per strategy under the run folder, on the same folds, and comparison.md.
#pragma once
#include <filesystem>
#include <functional>
#include <string>

#include "base/process_group.h"
#include "kernels/device.h"
#include "segflow/pipeline.h"
#include "train/experiment_config.h"

namespace ldd::train {

struct RunOptions {
  std::filesystem::path out;  // empty: runs/<name>
  int only_fold = -1;         // 0-based; -1: every fold
  bool resume = false;        // continue a run folder that exists (completed folds are read back)
  int threads = 0;            // OpenMP threads; 0: as the environment says
  bool quiet = false;         // one line per epoch instead of a progress bar
  bool plots = true;
  std::function<void(const std::string&)> log;  // stage messages; default: stderr (rank 0's only)
  // Under mpirun, the job's ranks: rank 0 prepares the cohort (SegFlow's volumes are shared out), then the
  // (strategy, fold) units are dealt out round robin, or with training.data_parallel all ranks train each
  // one together; rank 0 writes the run's files. Null: this process alone (docs/scale-out.md).
  const ProcessGroup* processes = nullptr;
};

struct RunResult {
  std::filesystem::path folder;
  std::filesystem::path report;  // report.md, or comparison.md with compare; empty when only one fold ran, and on ranks other than 0
};

RunResult run_experiment(const ExperimentConfig& config, const RunOptions& options);

// What run_experiment refuses before it does any work, for --dry-run: a CUDA device asked for and absent,
// --fold out of range, a run folder that holds a run (without --resume, or with another config), a
// cohort that neither exists nor can be made (ingest inputs missing, no synthetic section).
void check_can_start(const ExperimentConfig& config, const RunOptions& options);
std::filesystem::path run_folder(const ExperimentConfig& config, const RunOptions& options);

// SegFlow as an experiment runs it on its cohort (baseline volumes, the experiment's crop size and seed):
// `predict` runs it the same way on a new cohort.
// Where two resolved configs (to_yaml) first differ, for a refused --resume: "first at training.epochs:
// the run has 3, this config 4".
std::string first_difference(const std::string& was, const std::string& now);

segflow::SegflowOptions segflow_options(const ExperimentConfig& config);

}  // namespace ldd::train
