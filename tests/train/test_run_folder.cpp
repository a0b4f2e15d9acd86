// The run folder's files as train/run_folder.h writes and reads them back: a disc's prediction row, an
// epoch's history in history.csv and in the checkpoint, and the exact number printer.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "base/check.h"
#include "data/io/text_file.h"
#include "tests/support/temp_dir.h"
#include "train/format.h"
#include "train/run_folder.h"

using namespace ldd;
using namespace ldd::train;
using ldd::testing::TempDir;

namespace {

// Two subjects, Pfirrmann grades, every disc with a baseline and a follow-up grade.
DiscDataset two_subjects(Target target) {
  DiscDataset d;
  d.pathology = Pathology::Pfirrmann;
  d.target = target;
  for (const char* id : {"SYN00007", "SYN00012"}) {
    SubjectRecord r;
    r.id = id;
    d.subjects.push_back(r);
  }
  for (std::size_t s = 0; s < 2; ++s)
    for (int l = 0; l < kLevels; ++l) {
      const int baseline = (l + static_cast<int>(s)) % 4, followup = baseline + (l % 2);
      d.samples.push_back({s, l, baseline, followup, target == Target::FollowUp ? followup : baseline});
    }
  return d;
}

// Awkward probabilities (sevenths, a tiny one) that 10 digits do not hold exactly.
std::vector<DiscOutput> outputs_of(const DiscDataset& d) {
  std::vector<DiscOutput> out;
  for (std::size_t i = 0; i < d.samples.size(); i += 3) {
    DiscOutput o;
    o.sample = i;
    o.probabilities = {1.0 / 3, 2.0 / 7, 2.0 / 3 * 1e-300, 0.1 + 0.2, 1 - (1.0 / 3 + 2.0 / 7 + 2.0 / 3 * 1e-300 + 0.1 + 0.2)};
    o.predicted = 0;
    for (std::size_t k = static_cast<std::size_t>(d.samples[i].baseline) + 1; k < o.probabilities.size(); ++k)
      o.p_progression += o.probabilities[k];
    out.push_back(o);
  }
  return out;
}

}  // namespace

TEST_CASE("a number of kExactDigits reads back as the same double, the special values included" * doctest::test_suite("smoke")) {
  for (double v : {0.1, 1.0 / 3, -2.5e-308, 1e300, 123456789.123456789, -0.0, 0.1 + 0.2})
    CHECK(std::stod(number(v, kExactDigits)) == v);
  CHECK(number(std::numeric_limits<double>::quiet_NaN(), kExactDigits) == "nan");
  CHECK(number(INFINITY, kExactDigits) == "inf");
  CHECK(std::isnan(std::stod(number(std::numeric_limits<double>::quiet_NaN(), kExactDigits))));
  CHECK(number(1.0 / 3) == "0.3333333333");  // the data files' 10 digits, for comparison
}

TEST_CASE("a fold's predictions are returned as the file holds them, and written again give the same bytes" * doctest::test_suite("smoke")) {
  for (const Target target : {Target::FollowUp, Target::Current}) {
    const DiscDataset d = two_subjects(target);
    const auto outputs = outputs_of(d);
    TempDir dir;
    const auto held = save_fold_predictions(dir / "a.csv", d, 2, outputs, 0.3);
    REQUIRE(held.size() == outputs.size());
    for (std::size_t i = 0; i < held.size(); ++i) {
      CHECK(held[i].sample == outputs[i].sample);
      CHECK(held[i].predicted == outputs[i].predicted);
      REQUIRE(held[i].probabilities.size() == outputs[i].probabilities.size());
      for (std::size_t k = 0; k < held[i].probabilities.size(); ++k)
        CHECK(held[i].probabilities[k] == std::stod(number(outputs[i].probabilities[k])));
      CHECK(held[i].p_progression == (target == Target::FollowUp ? std::stod(number(outputs[i].p_progression)) : 0.0));
    }
    CHECK(read_fold_predictions(dir / "a.csv", d).size() == held.size());
    save_fold_predictions(dir / "b.csv", d, 2, held, 0.3);
    CHECK(io::read_text(dir / "a.csv") == io::read_text(dir / "b.csv"));
    const std::string text = io::read_text(dir / "a.csv"), first_row = text.substr(text.find('\n') + 1);
    CHECK(first_row.rfind(target == Target::FollowUp ? "SYN00007,L1-L2,3,1,1,1,0.3333333333,0.2857142857,6.666666667e-301,0.3,"
                                                     : "SYN00007,L1-L2,3,1,1,0.3333333333,0.2857142857,6.666666667e-301,0.3,",
                          0) == 0);
  }
}

TEST_CASE("read_number reads what the writers write, a subnormal probability included, and nothing else" * doctest::test_suite("smoke")) {
  CHECK(read_number(number(4.9406564584124654e-324)) > 0.0);  // std::stod threw on it: the fold could not be read back
  CHECK(read_number(number(2.2e-310, kExactDigits)) == 2.2e-310);
  CHECK(std::isnan(read_number("nan")));
  CHECK(read_number("inf") == INFINITY);
  CHECK(read_number("-0.25") == -0.25);
  for (const char* bad : {"", "0.5abc", " ", "1e999", "x"}) CHECK_THROWS_AS(read_number(bad), std::invalid_argument);

  const DiscDataset d = two_subjects(Target::FollowUp);
  auto outputs = outputs_of(d);
  outputs[0].probabilities[2] = 3e-320;
  TempDir dir;
  const auto held = save_fold_predictions(dir / "a.csv", d, 0, outputs, 0.3);
  CHECK(held[0].probabilities[2] > 0.0);
  CHECK(held[0].probabilities[2] < 1e-319);
}

TEST_CASE("a run's predictions.csv is every fold's file, fold by fold, under one header") {
  const DiscDataset d = two_subjects(Target::FollowUp);
  const auto outputs = outputs_of(d);
  TempDir dir;
  FoldOutcome a, b;
  a.fold = 0;
  a.test = {outputs[0], outputs[1]};
  b.fold = 1;
  b.test = {outputs[2], outputs[3]};
  save_fold_predictions(dir / "1.csv", d, 0, a.test, 0.25);
  save_fold_predictions(dir / "2.csv", d, 1, b.test);
  write_predictions(dir / run_file::predictions, d, {a, b}, {0.25, std::nullopt});
  const std::string one = io::read_text(dir / "1.csv"), two = io::read_text(dir / "2.csv");
  CHECK(io::read_text(dir / run_file::predictions) == one + two.substr(two.find('\n') + 1));
}

TEST_CASE("history.csv and the checkpoint hold one exact encoding of the epochs, and older checkpoints' lines still read") {
  std::vector<EpochRecord> history{{1, 1e-3, 1.0 / 3, 0.25, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN(), 2.0 / 3},
                                   {2, 9.99e-4, 0.3, 0.5, 0.1 + 0.2, 0.75, 1.5}};
  TempDir dir;
  write_history(dir / run_file::history, history);
  CHECK(io::read_text(dir / run_file::history) == history_csv(history));  // the checkpoint stores the same text
  const auto csv = read_history(dir / run_file::history), back = history_from_checkpoint(history_csv(history), "c.h5");
  // What checkpoints held before: a line of words per epoch, "nan" without validation.
  const auto old = history_from_checkpoint("1 0.001 0.33333333333333331 0.25 nan nan 0.66666666666666663\n"
                                           "2 0.00099900000000000002 0.29999999999999999 0.5 0.30000000000000004 0.75 1.5\n", "old.h5");
  for (const auto* read : {&csv, &back, &old}) {
    REQUIRE(read->size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
      const EpochRecord &a = (*read)[i], &e = history[i];
      CHECK(a.epoch == e.epoch);
      CHECK(a.learning_rate == e.learning_rate);
      CHECK(a.train_loss == e.train_loss);
      CHECK(a.train_accuracy == e.train_accuracy);
      CHECK(a.seconds == e.seconds);
      CHECK((std::isnan(e.validation_loss) ? std::isnan(a.validation_loss) : a.validation_loss == e.validation_loss));
    }
  }
  CHECK(io::read_text(dir / run_file::history).find("\n1,0.001,0.33333333333333331,0.25,,,0.66666666666666663\n") != std::string::npos);
  CHECK_THROWS_WITH_AS(history_from_checkpoint("epoch,learning_rate\n1,0.1\n", "bad.h5"), doctest::Contains("bad.h5 (its history): missing column(s)"),
                       ldd::Error);
  CHECK(fold_folder("runs/x", 0) == std::filesystem::path("runs/x/fold-1"));
}
