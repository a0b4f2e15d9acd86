// `predict` on a tiny trained run (the cohort of tests/support/tiny_experiment.h): one fold's model on its
// own test subjects reproduces that fold's rows of the run's predictions.csv; the external validation's
// metrics equal what its predictions.csv scores to; bad runs and cohorts fail with errors that say why.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "base/check.h"
#include "data/io/csv.h"
#include "data/io/text_file.h"
#include "nn/checkpoint.h"
#include "nn/models/disc_grader.h"
#include "nn/random.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_experiment.h"
#include "train/experiment.h"
#include "train/fold_trainer.h"
#include "train/metrics.h"
#include "train/predict.h"

using namespace ldd;
using ldd::testing::TempDir;

namespace {

// One trained tiny run, shared by the cases below (training is the slow part).
struct TrainedTinyRun {
  TempDir dir;
  std::filesystem::path cohort = dir / "c.h5", run = dir / "run";
  TrainedTinyRun() {
    testing::write_cohort(cohort, 24);
    train::run_experiment(train::parse_experiment(testing::experiment_yaml(cohort, 3), "tiny.yaml"), testing::quiet_options(run));
  }
};

const TrainedTinyRun& tiny_run() {
  static const TrainedTinyRun run;
  return run;
}

train::PredictOptions options(const std::filesystem::path& run, const std::filesystem::path& cohort, const std::filesystem::path& out) {
  train::PredictOptions o;
  o.run = run;
  o.cohort = cohort;
  o.out = out;
  o.log = [](const std::string&) {};
  return o;
}

using Key = std::pair<std::string, std::string>;  // subject, level

std::map<Key, std::size_t> rows_by_disc(const io::CsvTable& t) {
  std::map<Key, std::size_t> out;
  for (std::size_t r = 0; r < t.rows(); ++r) out[{t.cell(r, "subject"), t.cell(r, "level")}] = r;
  return out;
}

double summary_mean(const std::string& json, const std::string& field) {
  const auto summary = json.find("\"summary\": {");
  REQUIRE(summary != std::string::npos);
  const std::string key = "\"" + field + "\": {\"mean\": ";
  const auto at = json.find(key, summary);
  REQUIRE(at != std::string::npos);
  return std::stod(json.substr(at + key.size()));
}

// Predicts `run`'s cohort with fold 2's model alone and checks it against fold 2's rows of the run's
// predictions.csv; returns predict's table.
io::CsvTable check_fold_two_reproduced(const std::filesystem::path& run, const std::filesystem::path& cohort, const std::filesystem::path& out) {
  auto o = options(run, cohort, out);
  o.fold = 1;  // fold 2
  o.patient_reports = false;
  const auto summary = train::predict(o);
  CHECK(summary.discs == 24 * 5);  // every level of every subject, found or not
  const auto run_rows = io::CsvTable::read(run / "predictions.csv");
  auto mine = io::CsvTable::read(out / "predictions.csv");
  const auto index = rows_by_disc(mine);
  int compared = 0;
  for (std::size_t r = 0; r < run_rows.rows(); ++r) {
    if (run_rows.cell(r, "fold") != "2") continue;
    const auto it = index.find({run_rows.cell(r, "subject"), run_rows.cell(r, "level")});
    REQUIRE(it != index.end());
    const std::size_t m = it->second;
    CHECK(mine.cell(m, "qc") == "ok");
    for (const char* column : {"p_grade_1", "p_grade_2", "p_grade_3", "p_grade_4", "p_grade_5", "p_progression"})
      CHECK_MESSAGE(std::abs(std::stod(mine.cell(m, column)) - std::stod(run_rows.cell(r, column))) <= 1e-6, column);
    CHECK(mine.cell(m, "predicted_progression") == run_rows.cell(r, "predicted_progression"));
    CHECK(mine.cell(m, "predicted_followup_grade") == run_rows.cell(r, "predicted_followup_grade"));
    ++compared;
  }
  CHECK(compared > 10);
  return mine;
}

}  // namespace

TEST_CASE("predict: a fold's model on its own test subjects reproduces the run's predictions of that fold") {
  const auto& t = tiny_run();
  TempDir out;
  const auto mine = check_fold_two_reproduced(t.run, t.cohort, out / "p");
  // The rows no model predicts say why.
  std::map<std::string, int> qc;
  for (std::size_t r = 0; r < mine.rows(); ++r) ++qc[mine.cell(r, "qc")];
  CHECK(qc["segflow_failed"] == 5);  // subject 3, all five levels
  CHECK(qc["not_found"] == 23);      // L5-S1 of every other subject
  CHECK(qc["ok"] == 23 * 4);
}

TEST_CASE("predict: clinical covariates (model.covariates) reach the network and are predicted with") {
  TempDir dir;
  testing::write_cohort(dir / "c.h5", 24);
  auto config = train::parse_experiment(testing::experiment_yaml(dir / "c.h5", 2), "tiny.yaml");
  config.covariates = {"age", "sex", "bmi"};
  train::run_experiment(config, testing::quiet_options(dir / "run"));
  CHECK(read_checkpoint_info(dir / "run" / "fold-1" / "checkpoint.h5").model_config.find("side_inputs=8") != std::string::npos);  // 5 grades + 3
  check_fold_two_reproduced(dir / "run", dir / "c.h5", dir / "p");
  // The same disc with another age is another prediction: the covariates are inputs, not ignored.
  const auto data = train::load_discs(dir / "c.h5", Pathology::Pfirrmann, train::Target::FollowUp, 3, 64, train::Use::Training, config.covariates);
  REQUIRE(data.covariates.size() == data.samples.size() * 3);
  CHECK(data.covariates[0] == doctest::Approx(train::covariate_value(data.subjects[0], "age", data.samples[0].level)));
  Generator gen(1);
  DiscGrader model(train::grader_config(config, data), InitScheme::Kaiming, gen);
  load_checkpoint(dir / "run" / "fold-1" / "checkpoint.h5", model);
  model.eval();
  const Tensor x = Tensor::from_vector({1, 3, 64, 64}, std::vector<float>(data.crop(0), data.crop(0) + data.crop_numel()));
  auto covariates = data.covariates_of(0);
  const auto as_is = model.forward(x, train::side_input(model, {data.samples[0].baseline}, covariates, Device::CPU)).to_vector();
  covariates[0] += 3.0f;  // 30 years older
  const auto older = model.forward(x, train::side_input(model, {data.samples[0].baseline}, covariates, Device::CPU)).to_vector();
  double change = 0;
  for (std::size_t k = 0; k < as_is.size(); ++k) change += std::abs(as_is[k] - older[k]);
  CHECK(change > 1e-4);
}

TEST_CASE("predict: the external validation's metrics are what its predictions.csv scores to") {
  const auto& t = tiny_run();
  TempDir out;
  const auto summary = train::predict(options(t.run, t.cohort, out / "p"));  // the ensemble of three
  REQUIRE(summary.validated == 23 * 4);
  const std::string json = io::read_text(out / "p" / "validation" / "metrics.json");
  const auto table = io::CsvTable::read(out / "p" / "predictions.csv");
  std::vector<train::DiscPrediction> discs;
  for (std::size_t r = 0; r < table.rows(); ++r) {
    if (table.cell(r, "qc") != "ok") continue;
    train::DiscPrediction d;
    d.baseline = std::stoi(table.cell(r, "baseline_grade")) - 1;
    d.true_followup = std::stoi(table.cell(r, "true_followup_grade")) - 1;
    d.predicted_followup = std::stoi(table.cell(r, "predicted_followup_grade")) - 1;
    d.p_progression = std::stod(table.cell(r, "p_progression"));
    d.called = table.cell(r, "predicted_progression") == "1";
    discs.push_back(d);
  }
  const train::Metrics m = train::evaluate(discs, 5);
  for (const auto& [field, value] : std::vector<std::pair<std::string, double>>{{"accuracy", m.accuracy},
                                                                                 {"f1", m.f1},
                                                                                 {"balanced_accuracy", m.balanced_accuracy},
                                                                                 {"grade_accuracy", m.grade_accuracy},
                                                                                 {"kappa", m.kappa},
                                                                                 {"roc_auc", m.roc_auc},
                                                                                 {"tp_pct", m.tp_pct}})
    CHECK_MESSAGE(summary_mean(json, field) == doctest::Approx(value).epsilon(1e-6), field);
  CHECK(io::read_text(out / "p" / "validation" / "report.md").find("external validation") != std::string::npos);
  // One report per patient with a prediction.
  CHECK(std::filesystem::exists(out / "p" / "patients" / "SYN00001.md"));
  CHECK(std::filesystem::exists(out / "p" / "patients" / "SYN00001.png"));
  CHECK_FALSE(std::filesystem::exists(out / "p" / "patients" / "SYN00004.md"));  // SegFlow failed there (the fourth subject)
}

TEST_CASE("predict: bad runs and cohorts are errors that say what is wrong") {
  const auto& t = tiny_run();
  TempDir out;
  auto throws_with = [&](const train::PredictOptions& o, const std::string& words) {
    try {
      train::predict(o);
      FAIL("predict accepted it; expected an error saying: " << words);
    } catch (const Error& e) {
      const std::string message = e.what();
      CHECK_MESSAGE(message.find(words) != std::string::npos, message);
    }
  };
  SUBCASE("a run trained on another target") {
    auto o = options(t.run, t.cohort, out / "p");
    o.target = train::Target::Current;
    throws_with(o, "trained with target: followup");
  }
  SUBCASE("a run folder from another version") {
    std::filesystem::copy(t.run, out / "old", std::filesystem::copy_options::recursive);
    std::ofstream(out / "old" / "config.yaml", std::ios::app) << "retired_key: 1\n";
    throws_with(options(out / "old", t.cohort, out / "p"), "does not read with this version of ldd");
  }
  SUBCASE("a crop size that differs from the run's model") {
    std::filesystem::copy(t.run, out / "edited", std::filesystem::copy_options::recursive);
    std::string yaml = io::read_text(out / "edited" / "config.yaml");
    const auto at = yaml.find("size: 64");
    REQUIRE(at != std::string::npos);
    yaml.replace(at, 8, "size: 96");
    io::write_text_atomically(out / "edited" / "config.yaml", yaml);
    throws_with(options(out / "edited", t.cohort, out / "p"), "reads 3 x 64 x 64 crops");
  }
  SUBCASE("a run that is not complete") {
    std::filesystem::copy(t.run, out / "partial", std::filesystem::copy_options::recursive);
    std::filesystem::remove(out / "partial" / "metrics.json");
    throws_with(options(out / "partial", t.cohort, out / "p"), "not complete");
  }
  SUBCASE("a cohort without the grades an external validation needs") {
    testing::write_cohort(out / "ungraded.h5", 8, false);
    auto o = options(t.run, out / "ungraded.h5", out / "p");
    CHECK(train::predict(o).validated == 0);  // predictions only, by default
    o.require_validation = true;
    throws_with(o, "grades at baseline and follow-up");
  }
}
