// What a run folder holds, and the one place that writes and reads it back (data/RUNS.md describes every
// file): the file names, one disc's prediction (a row of a predictions.csv), one epoch's record (a row of
// history.csv, a line of a fold checkpoint's history) and a fold's outcome as its folder holds it.
// Every file is written under a temporary name and renamed; numbers are printed by train/format.h.
#pragma once
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "train/disc_dataset.h"

namespace ldd::train {

// File names in runs/<name>/ (with `compare`, each strategy's folder below it holds all but config.yaml
// and comparison.md) and in its fold folders.
namespace run_file {
inline constexpr const char* config = "config.yaml";
inline constexpr const char* predictions = "predictions.csv";  // also a fold folder's test discs
inline constexpr const char* metrics = "metrics.json";
inline constexpr const char* left_out = "left_out.txt";
inline constexpr const char* report = "report.md";
inline constexpr const char* comparison = "comparison.md";
inline constexpr const char* plots = "plots";
inline constexpr const char* fit_predictions = "fit_predictions.csv";
inline constexpr const char* history = "history.csv";
inline constexpr const char* checkpoint = "checkpoint.h5";
inline constexpr const char* best = "best.h5";
}  // namespace run_file

// fold-K/ for the 0-based `fold` (K = fold + 1).
std::filesystem::path fold_folder(const std::filesystem::path& run, int fold);

struct EpochRecord {
  std::int64_t epoch = 0;  // 1-based
  double learning_rate = 0, train_loss = 0, train_accuracy = 0;
  double validation_loss = std::numeric_limits<double>::quiet_NaN();      // NaN (undefined, not 0) without a
  double validation_accuracy = std::numeric_limits<double>::quiet_NaN();  // validation split
  double seconds = 0;
};

struct DiscOutput {
  std::size_t sample = 0;
  int predicted = 0;                  // predicted grade index (train/fold_trainer.h: predicted_grade)
  std::vector<double> probabilities;  // per follow-up grade index
  double p_progression = 0;           // sum of the probabilities above the baseline grade (0 for Target::Current)
};

// Progression called for one disc: P(progression) >= threshold when there is one, else the paper's rule
// (a predicted follow-up grade above the baseline grade).
inline bool progression_called(const DiscOutput& output, int baseline, std::optional<double> threshold) {
  return threshold ? output.p_progression >= *threshold : output.predicted > baseline;
}

// A fold as its folder holds it.
struct FoldOutcome {
  int fold = 0;  // 0-based
  std::vector<DiscOutput> test;
  std::vector<DiscOutput> fit;  // the discs the decision threshold is chosen on (FoldResult::fit)
  std::vector<EpochRecord> history;
  std::optional<double> threshold{};  // fixed in advance (external validation: the run's); else chosen on `fit`
};

// A fold folder's predictions.csv or fit_predictions.csv (predictions.csv's columns), returned as the file
// holds them (probabilities to 10 digits), so that a fold is evaluated alike whether it ran now or in an
// earlier invocation. predicted_progression: P(progression) >= threshold when one is given, else the paper's rule.
std::vector<DiscOutput> save_fold_predictions(const std::filesystem::path& path, const DiscDataset& data, int fold,
                                              const std::vector<DiscOutput>& outputs, std::optional<double> threshold = std::nullopt);
std::vector<DiscOutput> read_fold_predictions(const std::filesystem::path& path, const DiscDataset& data);
// A fold folder's test predictions mark the fold complete: they are written last.
bool fold_complete(const std::filesystem::path& fold_dir);
// A complete fold folder read back (fit predictions empty when the fold has none).
FoldOutcome read_fold(const std::filesystem::path& fold_dir, const DiscDataset& data, int fold);

// predictions.csv of a whole run (every fold's test discs, `thresholds` per fold), and left_out.txt.
void write_predictions(const std::filesystem::path& path, const DiscDataset& data, const std::vector<FoldOutcome>& folds,
                       const std::vector<std::optional<double>>& thresholds = {});
void write_left_out(const std::filesystem::path& path, const DiscDataset& data);

// The columns every predictions.csv (train's and predict's) has for a disc: its grades (baseline, true and
// predicted follow-up; or true and predicted grade), p_grade_*, and p_progression for follow-up runs;
// a grade not recorded is an empty cell.
std::string prediction_columns(const DiscDataset& data);
std::string prediction_cells(const DiscDataset& data, const DiscOutput& output);

// A fold's epochs as one CSV text, exact (number(v, kExactDigits); empty validation cells without a validation
// split): history.csv, and the same text inside the fold's checkpoint, from which a resumed fold goes on.
std::string history_csv(const std::vector<EpochRecord>& history);
void write_history(const std::filesystem::path& path, const std::vector<EpochRecord>& history);
std::vector<EpochRecord> read_history(const std::filesystem::path& path);
// The checkpoint's history; also the word-per-field lines checkpoints held before (they still resume).
std::vector<EpochRecord> history_from_checkpoint(const std::string& text, const std::filesystem::path& checkpoint);

}  // namespace ldd::train
