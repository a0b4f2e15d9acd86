#include "train/run_folder.h"

#include <array>
#include <cmath>
#include <map>
#include <sstream>

#include "base/check.h"
#include "data/io/csv.h"
#include "data/io/text_file.h"
#include "train/format.h"

namespace ldd::train {
namespace {

std::string grade_cell(int index, int lowest) { return index < 0 ? "" : std::to_string(index + lowest); }

const char* predicted_column(const DiscDataset& data) {
  return data.target == Target::Current ? "predicted_grade" : "predicted_followup_grade";
}

// predictions.csv's columns. Cross-sectional runs (target: current) have one grade per disc: no
// baseline, follow-up or progression columns.
std::string csv_header(const DiscDataset& data) {
  return "subject,level,fold," + prediction_columns(data) +
         (data.target == Target::Current ? "\n" : ",true_progression,predicted_progression\n");
}

std::string csv_rows(const DiscDataset& data, int fold, const std::vector<DiscOutput>& outputs, std::optional<double> threshold) {
  std::ostringstream o;
  for (const auto& t : outputs) {
    const auto& s = data.samples[t.sample];
    o << data.subjects[s.subject].id << ',' << kLevelNames[static_cast<std::size_t>(s.level)] << ',' << fold + 1 << ','
      << prediction_cells(data, t);
    if (data.target == Target::FollowUp) o << ',' << (s.followup > s.baseline) << ',' << progression_called(t, s.baseline, threshold);
    o << '\n';
  }
  return o.str();
}

// An undefined value (no validation split) is an empty cell, never a made-up 0.
std::string optional_number(double v) { return std::isnan(v) ? std::string() : number(v, kExactDigits); }
double optional_double(const std::string& cell) { return cell.empty() ? std::numeric_limits<double>::quiet_NaN() : read_number(cell); }

}  // namespace

std::filesystem::path fold_folder(const std::filesystem::path& run, int fold) { return run / ("fold-" + std::to_string(fold + 1)); }

std::string prediction_columns(const DiscDataset& data) {
  const GradeScale scale = scale_of(data.pathology);
  std::string h = data.target == Target::Current ? "true_grade,predicted_grade" : "baseline_grade,true_followup_grade,predicted_followup_grade";
  for (int g = scale.lowest; g <= scale.highest; ++g) h += ",p_grade_" + std::to_string(g);
  return data.target == Target::Current ? h : h + ",p_progression";
}

std::string prediction_cells(const DiscDataset& data, const DiscOutput& output) {
  const int lowest = scale_of(data.pathology).lowest;
  const auto& s = data.samples[output.sample];
  std::string cells;
  if (data.target == Target::FollowUp) cells += grade_cell(s.baseline, lowest) + ',';
  cells += grade_cell(s.label, lowest) + ',' + std::to_string(output.predicted + lowest);
  for (double p : output.probabilities) cells += ',' + number(p);
  if (data.target == Target::FollowUp) cells += ',' + number(output.p_progression);
  return cells;
}

std::vector<DiscOutput> save_fold_predictions(const std::filesystem::path& path, const DiscDataset& data, int fold,
                                              const std::vector<DiscOutput>& outputs, std::optional<double> threshold) {
  io::write_text_atomically(path, csv_header(data) + csv_rows(data, fold, outputs, threshold));
  return read_fold_predictions(path, data);
}

std::vector<DiscOutput> read_fold_predictions(const std::filesystem::path& path, const DiscDataset& data) {
  const auto table = io::CsvTable::read(path);
  const GradeScale scale = scale_of(data.pathology);
  const bool followup = data.target == Target::FollowUp;
  std::vector<std::string> columns{"subject", "level", predicted_column(data)};
  if (followup) columns.push_back("p_progression");
  for (int g = scale.lowest; g <= scale.highest; ++g) columns.push_back("p_grade_" + std::to_string(g));
  table.require_columns(columns);
  std::map<std::pair<std::string, int>, std::size_t> index;
  for (std::size_t i = 0; i < data.samples.size(); ++i)
    index[{data.subjects[data.samples[i].subject].id, data.samples[i].level}] = i;
  std::vector<DiscOutput> out;
  for (std::size_t r = 0; r < table.rows(); ++r) {
    const auto it = index.find({table.cell(r, "subject"), parse_level(table.cell(r, "level"))});
    LDD_CHECK(it != index.end(), table.where(r, "subject") << ": this disc is not in the cohort's dataset; the cohort changed"
                                                           << " since the fold ran: start the run again without --resume");
    DiscOutput d;
    d.sample = it->second;
    try {
      d.predicted = std::stoi(table.cell(r, predicted_column(data))) - scale.lowest;
      for (int g = scale.lowest; g <= scale.highest; ++g) d.probabilities.push_back(read_number(table.cell(r, "p_grade_" + std::to_string(g))));
      if (followup) d.p_progression = read_number(table.cell(r, "p_progression"));
    } catch (const std::logic_error&) {
      throw Error(table.where(r, predicted_column(data)) + ": not a number where one is expected");
    }
    out.push_back(std::move(d));
  }
  return out;
}

bool fold_complete(const std::filesystem::path& fold_dir) { return std::filesystem::exists(fold_dir / run_file::predictions); }

FoldOutcome read_fold(const std::filesystem::path& fold_dir, const DiscDataset& data, int fold) {
  const auto fit = fold_dir / run_file::fit_predictions;
  return {fold, read_fold_predictions(fold_dir / run_file::predictions, data),
          std::filesystem::exists(fit) ? read_fold_predictions(fit, data) : std::vector<DiscOutput>{},
          read_history(fold_dir / run_file::history)};
}

void write_predictions(const std::filesystem::path& path, const DiscDataset& data, const std::vector<FoldOutcome>& folds,
                       const std::vector<std::optional<double>>& thresholds) {
  std::string csv = csv_header(data);
  for (std::size_t i = 0; i < folds.size(); ++i) csv += csv_rows(data, folds[i].fold, folds[i].test, i < thresholds.size() ? thresholds[i] : std::nullopt);
  io::write_text_atomically(path, csv);
}

void write_left_out(const std::filesystem::path& path, const DiscDataset& data) {
  std::string text;
  for (const auto& l : data.left_out) text += l.text() + "\n";
  io::write_text_atomically(path, text);
}

std::string history_csv(const std::vector<EpochRecord>& history) {
  std::ostringstream o;
  o << "epoch,learning_rate,train_loss,train_accuracy,validation_loss,validation_accuracy,seconds\n";
  for (const auto& e : history)
    o << e.epoch << ',' << number(e.learning_rate, kExactDigits) << ',' << number(e.train_loss, kExactDigits) << ',' << number(e.train_accuracy, kExactDigits) << ','
      << optional_number(e.validation_loss) << ',' << optional_number(e.validation_accuracy) << ',' << number(e.seconds, kExactDigits) << '\n';
  return o.str();
}

void write_history(const std::filesystem::path& path, const std::vector<EpochRecord>& history) {
  io::write_text_atomically(path, history_csv(history));
}

std::vector<EpochRecord> parse_history(const io::CsvTable& table) {
  table.require_columns({"epoch", "learning_rate", "train_loss", "train_accuracy", "validation_loss", "validation_accuracy", "seconds"});
  std::vector<EpochRecord> out;
  for (std::size_t r = 0; r < table.rows(); ++r) {
    try {
      out.push_back({std::stoll(table.cell(r, "epoch")), read_number(table.cell(r, "learning_rate")), read_number(table.cell(r, "train_loss")),
                     read_number(table.cell(r, "train_accuracy")), optional_double(table.cell(r, "validation_loss")),
                     optional_double(table.cell(r, "validation_accuracy")), read_number(table.cell(r, "seconds"))});
    } catch (const std::logic_error&) {
      throw Error(table.where(r, "epoch") + ": not a number where one is expected");
    }
  }
  return out;
}

std::vector<EpochRecord> read_history(const std::filesystem::path& path) { return parse_history(io::CsvTable::read(path)); }

std::vector<EpochRecord> history_from_checkpoint(const std::string& text, const std::filesystem::path& checkpoint) {
  if (text.rfind("epoch,", 0) == 0) {
    std::istringstream in(text);
    return parse_history(io::CsvTable::parse(in, checkpoint.string() + " (its history)"));
  }
  // A checkpoint written before history.csv's format was its own: one line per epoch, fields as words
  // ("nan" without a validation split, which >> into a double refuses).
  std::vector<EpochRecord> out;
  std::istringstream in(text);
  std::array<std::string, 7> f;
  while (in >> f[0] >> f[1] >> f[2] >> f[3] >> f[4] >> f[5] >> f[6])
    out.push_back({std::stoll(f[0]), read_number(f[1]), read_number(f[2]), read_number(f[3]), read_number(f[4]), read_number(f[5]), read_number(f[6])});
  return out;
}

}  // namespace ldd::train
